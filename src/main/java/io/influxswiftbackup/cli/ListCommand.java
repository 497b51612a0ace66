package io.influxswiftbackup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.app.SwiftConnection;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DaySelection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the days that have a container in Swift, or with --date one day's objects.",
            "All days, --from/--to, or --match REGEX; --date D lists D's objects and their sizes."})
class ListCommand implements Callable<Integer> {

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "List this day's objects.")
    String date;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day listed (with --to).")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day listed, inclusive.")
    String to;

    @Option(names = "--match", paramLabel = "REGEX", description = "Days whose name contains a match (as 'swift list | grep').")
    String match;

    @Option(names = "--json", description = "Print JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Day day = date == null ? null : Day.parse(date);
        DaySelection selection = day == null ? DaySelection.of(null, from, to, match, false) : null;
        if (day != null && (from != null || to != null || match != null)) {
            throw new IllegalArgumentException("--date lists one day's objects; it does not go with --from, --to or --match");
        }
        app.quiet();
        try (SwiftConnection swift = SwiftConnection.open(app.settings(true))) {
            if (day != null) {
                List<Map<String, Object>> entries = swift.client().list(day.container(), null);
                if (json) {
                    app.out().println(new ObjectMapper().writeValueAsString(entries));
                } else {
                    entries.forEach(e -> app.out().printf("%12d  %s%n", ((Number) e.get("bytes")).longValue(), e.get("name")));
                }
            } else {
                List<String> days = SwiftDays.days(swift.client(), selection);
                if (json) {
                    app.out().println(new ObjectMapper().writeValueAsString(days));
                } else {
                    days.forEach(app.out()::println);
                }
            }
            app.out().flush();
        }
        return 0;
    }
}
