package io.influxswiftbackup.influx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.component.exec.ExecResult;

/**
 * The exec steps' rules: a command the config gives as one line ({@code systemctl stop influxdb})
 * is split on white space (no shell), and any command that exits non-zero fails the run with its
 * last line of error output.
 */
public class ExecChecks {

    /** Sets the exec headers for a configured command line, so {@code to: exec:command} runs it. */
    public void prepare(Exchange exchange, @ExchangeProperty("command") String commandLine) {
        List<String> words = new ArrayList<>(Arrays.asList(commandLine.strip().split("\\s+")));
        if (words.isEmpty() || words.get(0).isEmpty()) {
            throw new CommandFailedException("empty command line");
        }
        exchange.getMessage().setHeader(ExecBinding.EXEC_COMMAND_EXECUTABLE, words.remove(0));
        exchange.getMessage().setHeader(ExecBinding.EXEC_COMMAND_ARGS, words);
    }

    /** Fails unless the command that just ran exited 0. */
    public void requireSuccess(Exchange exchange, @ExchangeProperty("command") String what) {
        ExecResult result = exchange.getMessage().getBody(ExecResult.class);
        exchange.getMessage().removeHeaders("CamelExec*");
        if (result.getExitValue() != 0) {
            String detail = lastLine(result.getStderr());
            if (detail.isEmpty()) {
                detail = lastLine(result.getStdout());
            }
            throw new CommandFailedException(what + " exited " + result.getExitValue()
                    + (detail.isEmpty() ? "" : ": " + detail));
        }
    }

    public static String lastLine(InputStream output) {
        if (output == null) {
            return "";
        }
        try (output) {
            String[] lines = new String(output.readAllBytes(), StandardCharsets.UTF_8).strip().split("\\R");
            return lines[lines.length - 1].strip();
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
