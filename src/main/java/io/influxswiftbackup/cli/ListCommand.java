package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.Day;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the days that have a container in Swift, or with --date one day's objects and sizes.")
class ListCommand implements Callable<Integer> {

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "List this day's objects.")
    String date;

    @Override
    public Integer call() throws Exception {
        Day day = date == null ? null : Day.parse(date);
        app.quiet();
        try (JobRuntime runtime = app.startOnce()) {
            if (day == null) {
                SwiftDays.list(runtime).forEach(app.out()::println);
            } else {
                for (Map<String, Object> entry : SwiftDays.listing(runtime, day)) {
                    app.out().printf("%12d  %s%n", ((Number) entry.get("bytes")).longValue(), entry.get("name"));
                }
            }
            app.out().flush();
        }
        return 0;
    }
}
