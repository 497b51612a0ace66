package io.influxswiftbackup.download;

/** Some objects could not be downloaded; the message names each and why. */
public class DownloadException extends RuntimeException {
    public DownloadException(String message) {
        super(message);
    }
}
