package io.influxswiftbackup.restore;

import io.influxswiftbackup.influx.CommandFailedException;
import io.influxswiftbackup.influx.ExecChecks;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and starts the intermediary InfluxDB with the configured command lines
 * ({@code influx.intermediary.stop-command}, {@code start-command}: split on white space, no shell),
 * each within {@code restore.command-timeout-ms}; one that exits non-zero fails with its last line
 * of error output (its standard output is discarded).
 */
public class IntermediaryService {

    private static final Logger LOG = LoggerFactory.getLogger(IntermediaryService.class);

    private final String stopCommand;
    private final String startCommand;
    private final long timeoutMs;

    public IntermediaryService(String stopCommand, String startCommand, long timeoutMs) {
        this.stopCommand = stopCommand;
        this.startCommand = startCommand;
        this.timeoutMs = timeoutMs;
    }

    public String stopCommand() {
        return stopCommand;
    }

    public String startCommand() {
        return startCommand;
    }

    public void stop() throws IOException, InterruptedException {
        run(stopCommand);
    }

    /** Before the previous data is put back: a failure to stop is logged, and the rollback goes on. */
    public void stopForRollback() throws InterruptedException {
        try {
            run(stopCommand);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Stopping the intermediary before putting its data back: {}", e.getMessage());
        }
    }

    public void start() throws IOException, InterruptedException {
        run(startCommand);
    }

    private void run(String commandLine) throws IOException, InterruptedException {
        List<String> words = Arrays.asList(commandLine.strip().split("\\s+"));
        if (words.get(0).isEmpty()) {
            throw new CommandFailedException("empty command line");
        }
        LOG.info("Running: {}", commandLine);
        Process process = new ProcessBuilder(words).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new CommandFailedException(commandLine + " did not end within " + timeoutMs + " ms (restore.command-timeout-ms)");
        }
        if (process.exitValue() != 0) {
            String detail = ExecChecks.lastLine(process.getErrorStream());
            throw new CommandFailedException(commandLine + " exited " + process.exitValue() + (detail.isEmpty() ? "" : ": " + detail));
        }
    }
}
