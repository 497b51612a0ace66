package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.Day;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
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
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        Day day = date == null ? null : Day.parse(date);
        app.quiet();
        try (JobRuntime runtime = app.startOnce()) {
            Map<String, Object> properties = day == null ? Map.of() : Map.of("container", day.container());
            Exchange result = runtime.run("direct:swift-list", Map.of(), properties);
            if (result.isFailed()) {
                throw result.getException();
            }
            List<Map<String, Object>> entries = result.getMessage().getBody(List.class);
            for (Map<String, Object> entry : entries) {
                String name = String.valueOf(entry.get("name"));
                if (day != null) {
                    app.out().printf("%12d  %s%n", ((Number) entry.get("bytes")).longValue(), name);
                } else if (isDay(name)) {
                    app.out().println(name);
                }
            }
            app.out().flush();
        }
        return 0;
    }

    private static boolean isDay(String name) {
        try {
            return Day.parse(name).container().equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
