package io.influxswiftbackup.influx;

/**
 * An InfluxDB refused the configured user (401) or its rights (403). Trying again cannot help, so
 * the run fails at once with one line that names the InfluxDB and the keys to check.
 */
public class InfluxAccessDeniedException extends RuntimeException {
    public InfluxAccessDeniedException(String message) {
        super(message);
    }
}
