package io.influxswiftbackup.swift;

/**
 * Swift could not be reached, or answered that it is busy or failing (408, 429, 498, 5xx): worth
 * another try, which the routes' error policy makes (routes/errors.yaml).
 */
public class SwiftUnavailableException extends SwiftException {
    public SwiftUnavailableException(String message) {
        super(message);
    }

    public SwiftUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
