package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.restore.RestoreJob;
import io.influxswiftbackup.restore.RestoreRun;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a day's backup from Swift (the 00:15 job: yesterday into the intermediary), then exit.",
            "Into production (after a disaster) only when its database is missing or empty, unless --newdb or --force."})
class RestoreCommand implements Callable<Integer> {

    private static final String JOB = "direct:restore";

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The day to restore (default: yesterday).")
    String date;

    @Option(names = "--target", paramLabel = "intermediary|production", defaultValue = "intermediary",
            description = "Which InfluxDB to restore into (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--newdb", paramLabel = "NAME", description = "Production only: restore beside the live database, under this name.")
    String newDb;

    @Option(names = "--force", description = "Restore a day still marked in progress, or one that does not match its manifest;"
            + " into production: replace a database that holds data.")
    boolean force;

    @Option(names = "--dry-run", description = "Print every step the restore would take, and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (!target.equals("intermediary") && !target.equals("production")) {
            throw new IllegalArgumentException("--target must be intermediary or production, not '" + target + "'");
        }
        Map<String, Object> headers = new HashMap<>();
        if (date != null) {
            headers.put(RestoreJob.DATE_HEADER, Day.parse(date).container());
        }
        headers.put(RestoreJob.TARGET_HEADER, target);
        if (newDb != null) {
            headers.put(RestoreJob.NEWDB_HEADER, newDb);
        }
        headers.put(RestoreJob.FORCE_HEADER, force);
        headers.put(RestoreJob.DRY_RUN_HEADER, dryRun);
        if (dryRun) {
            app.quiet();
        }
        try (JobRuntime runtime = app.startCommand(JOB)) {
            Exchange result = runtime.run(JOB, headers);
            if (result.isFailed()) {
                throw result.getException();
            }
            if (dryRun) {
                app.out().print(result.getMessage().getBody(String.class));
                app.out().flush();
            }
        }
        return 0;
    }
}
