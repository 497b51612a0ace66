package io.influxswiftbackup.dump;

/** A dump cannot be made or would not be complete; the message says which day, measurement or page. */
public class DumpException extends RuntimeException {
    public DumpException(String message) {
        super(message);
    }

    public DumpException(String message, Throwable cause) {
        super(message, cause);
    }
}
