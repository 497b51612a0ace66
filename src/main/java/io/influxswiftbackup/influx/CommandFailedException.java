package io.influxswiftbackup.influx;

/** An external command (influxd, tar, the stop/start commands) failed. */
public class CommandFailedException extends RuntimeException {
    public CommandFailedException(String message) {
        super(message);
    }
}
