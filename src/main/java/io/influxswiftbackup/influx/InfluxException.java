package io.influxswiftbackup.influx;

/** InfluxDB refused, failed, or does not hold what it should. */
public class InfluxException extends RuntimeException {
    public InfluxException(String message) {
        super(message);
    }
}
