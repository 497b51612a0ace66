package io.influxswiftbackup.backup;

/** A backup run cannot go on; the message says why in an operator's words. */
public class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message);
    }
}
