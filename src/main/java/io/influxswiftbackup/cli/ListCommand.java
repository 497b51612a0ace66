package io.influxswiftbackup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.app.SwiftConnection;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.day.DayState;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.swift.Listed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the days that have a container in Swift, each complete, incomplete or without manifest.",
            "All days, --from/--to, or --match REGEX: each day's state (an incomplete day names its marks; a day without"
                + " manifest was made by the runbook's scripts), its objects, their bytes, and the bytes it added to Swift"
                + " (shards stored once count where first stored); --date D: D's state, then its objects and their sizes."})
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
            ObjectMapper mapper = new ObjectMapper();
            DayStore days = DayStore.reader(swift.client());
            if (day != null) {
                DayState state = days.state(day);
                List<Map<String, Object>> entries = swift.client().list(day.container(), null);
                if (json) {
                    Map<String, Object> answer = new LinkedHashMap<>(state.toJson());
                    answer.put("listing", entries);
                    app.out().println(mapper.writeValueAsString(answer));
                } else {
                    app.out().println(state.line());
                    entries.forEach(e -> app.out().printf("%12d  %s%n", Listed.bytes(e), e.get("name")));
                }
            } else {
                List<DayState> states = new ArrayList<>();
                for (String name : SwiftDays.days(swift.client(), selection)) {
                    states.add(days.state(Day.ofContainer(name)));
                }
                if (json) {
                    app.out().println(mapper.writeValueAsString(states.stream().map(DayState::toJson).toList()));
                } else {
                    states.forEach(state -> app.out().println(state.line()));
                }
            }
            app.out().flush();
        }
        return 0;
    }
}
