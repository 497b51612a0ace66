package io.influxswiftbackup.restore;

/** A restore cannot go on; the message names the day, the object or the step. */
public class RestoreException extends RuntimeException {
    public RestoreException(String message) {
        super(message);
    }
}
