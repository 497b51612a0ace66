package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.SwiftConnection;
import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.day.DayState;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.monitor.JobCheck;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 3, exitCodeOnExecutionException = 3,
        description = {"A monitoring check (Nagios, Sensu) of the jobs on this host and the days in Swift.",
            "Each job's last success, what it moved, whether it is overdue, the days in Swift and the restored day."
            + " Reads what the jobs left on this host; the daemon may be down.",
            "Exit status: 0 OK, 1 WARNING (a job has never run), 2 CRITICAL (a job's last run failed, or it is overdue),"
            + " 3 UNKNOWN (the check itself could not tell). The first line is the summary."})
class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Application app;

    @Override
    public Integer call() {
        app.quiet();
        Settings settings;
        try {
            settings = app.settings(false);
        } catch (ConfigException e) {
            app.out().println(JobCheck.Level.UNKNOWN + ": configuration: " + e.getMessage());
            app.out().flush();
            return JobCheck.Level.UNKNOWN.exitCode();
        }
        StatusReport report = StatusReport.of(settings, app.clock.instant(), swiftDays(settings));
        report.lines().forEach(app.out()::println);
        app.out().flush();
        return report.level().exitCode();
    }

    /** The days in Swift, when this check has the key to ask. */
    private StatusReport.SwiftDays swiftDays(Settings settings) {
        if (settings.getOptional("swift.key") == null) {
            return null;
        }
        try (SwiftConnection swift = SwiftConnection.open(settings)) {
            List<String> days = SwiftDays.days(swift.client(), DaySelection.of(null, null, null, null, false));
            DayState newest = days.isEmpty() ? null : DayStore.reader(swift.client()).state(Day.parse(days.get(days.size() - 1)));
            return new StatusReport.SwiftDays(days, null, newest);
        } catch (Exception e) {
            return new StatusReport.SwiftDays(List.of(), Failures.describe(e));
        }
    }
}
