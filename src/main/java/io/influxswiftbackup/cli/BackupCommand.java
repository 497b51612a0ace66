package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.day.Day;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up the production InfluxDB to Swift now (the 23:55 job), then exit.")
class BackupCommand implements Callable<Integer> {

    private static final String JOB = "direct:backup";

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "Name the container after this day instead of today (for a missed night).")
    String date;

    @Option(names = "--force", description = "Back up even if the day's shards are already in Swift.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> headers = new HashMap<>();
        if (date != null) {
            headers.put(BackupJob.DATE_HEADER, Day.parse(date).container());
        }
        headers.put(BackupJob.FORCE_HEADER, force);
        try (JobRuntime runtime = app.startCommand(JOB)) {
            Exchange result = runtime.run(JOB, headers);
            if (result.isFailed()) {
                throw result.getException();
            }
        }
        return 0;
    }
}
