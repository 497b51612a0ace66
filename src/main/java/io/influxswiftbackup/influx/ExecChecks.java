package io.influxswiftbackup.influx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecResult;

/**
 * The exec steps' rule: a command ({@code influxd backup}, {@code influxd restore}, {@code tar}) that
 * exits non-zero fails the run with its last line of error output.
 */
public class ExecChecks {

    /** Fails unless the command that just ran ({@code what}, for the message) exited 0; its exec headers go either way. */
    public void requireSuccess(Exchange exchange, String what) {
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
