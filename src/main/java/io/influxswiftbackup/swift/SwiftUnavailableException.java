package io.influxswiftbackup.swift;

import io.influxswiftbackup.failure.TransientFailure;

/**
 * Swift could not be reached, or answered that it is busy or failing (408, 429, 498, 5xx): worth
 * another try, which the routes' error policy makes (routes/errors.yaml).
 */
public class SwiftUnavailableException extends TransientFailure {
    public SwiftUnavailableException(String message) {
        super(message);
    }

    public SwiftUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code retryAfterMs}: the wait Swift asked for (Retry-After), or null. */
    public SwiftUnavailableException(String message, Long retryAfterMs, Throwable cause) {
        super(message, retryAfterMs, cause);
    }
}
