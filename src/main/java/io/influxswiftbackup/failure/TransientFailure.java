package io.influxswiftbackup.failure;

/**
 * A call that may succeed if made again: the service could not be reached, cut the connection, fell
 * silent past the read timeout, or answered that it is busy or failing (408, 429, 498, 5xx). The
 * error policy ({@code routes/errors.yaml}) makes the failed step again with backoff. The message
 * names the service, its host and what happened; {@link #retryAfterMs()} is the wait the service
 * asked for, if it asked.
 */
public class TransientFailure extends RuntimeException {

    private final Long retryAfterMs;

    public TransientFailure(String message) {
        this(message, null, null);
    }

    public TransientFailure(String message, Throwable cause) {
        this(message, null, cause);
    }

    public TransientFailure(String message, Long retryAfterMs, Throwable cause) {
        super(message, cause);
        this.retryAfterMs = retryAfterMs;
    }

    /** Whether an HTTP status says the service is busy or failing (408, 429, 498, 5xx): worth another try. */
    public static boolean busyOrFailing(int status) {
        return status == 408 || status == 429 || status == 498 || status / 100 == 5;
    }

    /** The wait the service asked for ({@code Retry-After}, in ms), or null. */
    public Long retryAfterMs() {
        return retryAfterMs;
    }
}
