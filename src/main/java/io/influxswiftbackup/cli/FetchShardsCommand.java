package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.download.Downloads;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "fetch-shards", mixinStandardHelpOptions = true,
        description = {"Download one day's shards into DIR/D/shards/, then print a safe restore sequence.",
            "The runbook's 'swift download D -p D/shards/', each shard verified (size, MD5; against the day's manifest:"
            + " size, MD5, SHA-256), then the restore sequence that is safe on the installed InfluxDB. A day still"
            + " marked in progress is refused unless --force."})
class FetchShardsCommand implements Callable<Integer> {

    private static final String JOB = "direct:fetch-shards";

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", required = true, description = "The day.")
    String date;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Where D/shards/ goes.")
    String dir;

    @Option(names = "--force", description = "Overwrite a file in DIR that differs from the object; fetch the shards of a day still marked in progress.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        String day = Day.parse(date).container();
        try (JobRuntime runtime = app.startCommand(JOB)) {
            Exchange result = runtime.run(JOB,
                    Map.of(Downloads.DAY, day, Downloads.DIR, dir, Downloads.FORCE, force));
            if (result.isFailed()) {
                throw result.getException();
            }
            app.out().print(result.getMessage().getBody(String.class));
            app.out().flush();
        }
        return 0;
    }
}
