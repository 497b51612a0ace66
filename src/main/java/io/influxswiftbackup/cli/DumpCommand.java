package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.dump.DumpJob;
import io.influxswiftbackup.monitor.JobMonitor;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Dump measurements of a day from the intermediary InfluxDB to Swift as JSON Lines (the 00:30 job).",
            "One file per day and measurement: D/influxdb/<measurement>_D-00:00:00_<D+1>-00:00:00.json"})
class DumpCommand implements Callable<Integer> {

    private static final String JOB = "direct:dump";

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The day to dump (default: today minus dump.lag-days).")
    String date;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "Backfill: first day (with --to).")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Backfill: last day, inclusive.")
    String to;

    @Option(names = "--measurement", paramLabel = "M", description = "Only this measurement (default: dump.measurements).")
    String measurement;

    @Option(names = "--force", description = "Dump even if the intermediary's restore does not cover the day; replace objects already in Swift.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if ((from == null) != (to == null) || from != null && date != null) {
            throw new IllegalArgumentException("give --date D, or --from D1 --to D2, not both");
        }
        LocalDate first = from != null ? Day.parse(from).date() : date != null ? Day.parse(date).date() : null;
        LocalDate last = to != null ? Day.parse(to).date() : first;
        if (first != null && last.isBefore(first)) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
        try (JobRuntime runtime = app.startCommand(JOB)) {
            if (first == null) {
                runOne(runtime, null);
            } else {
                for (LocalDate day = first; !day.isAfter(last) && runOne(runtime, new Day(day).container()); day = day.plusDays(1)) {
                    // the next day, unless another dump runs (then every later day would be skipped too)
                }
            }
        }
        return 0;
    }

    /** False when the run was skipped because another dump runs. */
    private boolean runOne(JobRuntime runtime, String day) throws Exception {
        Map<String, Object> headers = new HashMap<>();
        if (day != null) {
            headers.put(DumpJob.DATE_HEADER, day);
        }
        if (measurement != null) {
            headers.put(DumpJob.MEASUREMENT_HEADER, measurement);
        }
        headers.put(DumpJob.FORCE_HEADER, force);
        Exchange result = runtime.run(JOB, headers);
        if (result.isFailed()) {
            throw result.getException();
        }
        return result.getProperty(JobMonitor.SKIPPED) == null;
    }
}
