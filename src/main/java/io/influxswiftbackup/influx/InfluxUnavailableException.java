package io.influxswiftbackup.influx;

import io.influxswiftbackup.failure.TransientFailure;

/**
 * An InfluxDB could not be reached, cut the connection, fell silent past the read timeout, or
 * answered that it is busy or failing (408, 429, 5xx): worth another try, which the routes' error
 * policy makes (routes/errors.yaml). The message names the InfluxDB (its side, host and port) and
 * what happened.
 */
public class InfluxUnavailableException extends TransientFailure {

    private final String what;

    public InfluxUnavailableException(String influx, String what, Long retryAfterMs, Throwable cause) {
        super(influx + " " + what, retryAfterMs, cause);
        this.what = what;
    }

    /** What happened, without the InfluxDB's name: {@code answered 503 Service Unavailable}. */
    public String what() {
        return what;
    }
}
