package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the nightly schedule until stopped: the jobs enabled by backup.enabled, restore.enabled, dump.enabled, prune.enabled.",
            "With routes.reload=true a saved route file is reloaded once no job runs.",
            "Remote JMX: the JDK's agent, with -Dcom.sun.management.jmxremote.* JVM options (the systemd unit's JMX_AGENT)."})
class RunCommand implements Callable<Integer> {

    @ParentCommand
    Application app;

    @Override
    public Integer call() throws Exception {
        JobRuntime.runDaemon(app.settings(true), app.clock);
        return 0;
    }
}
