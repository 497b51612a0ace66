package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.prune.PruneJob;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Delete the days older than retention.days from Swift (the 00:45 job).",
            "Each old day's objects go, the segments of its large objects, then its emptied containers. The newest"
            + " complete day always stays.",
            "With retention.days empty (off), says so and deletes nothing (exit 0)."})
class PruneCommand implements Callable<Integer> {

    private static final String JOB = "direct:prune";

    @ParentCommand
    Application app;

    @Option(names = "--dry-run", description = "Print the days that would go (objects, segments, bytes of each), and delete nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (dryRun) {
            app.quiet();
        }
        try (JobRuntime runtime = app.startCommand(JOB)) {
            Exchange result = runtime.run(JOB, Map.of(PruneJob.DRY_RUN_HEADER, dryRun));
            if (result.isFailed()) {
                throw result.getException();
            }
            if (dryRun && !Boolean.TRUE.equals(result.getProperty(PruneJob.RETENTION_OFF, Boolean.class))) {
                app.out().print(result.getMessage().getBody(String.class));
                app.out().flush();
            }
        }
        return 0;
    }
}
