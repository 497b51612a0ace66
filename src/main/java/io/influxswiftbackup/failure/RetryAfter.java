package io.influxswiftbackup.failure;

import io.influxswiftbackup.config.ConfigException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the failure policy (routes/errors.yaml) cannot say in YAML: before a retry, a wait the
 * service asked for ({@code Retry-After}, kept in {@link TransientFailure#retryAfterMs()}) replaces
 * the policy's backoff, at least {@code retry.initial-delay-ms} and at most {@code retry.max-delay-ms};
 * and the retry's one log line, naming the route, what failed and the attempt.
 */
public class RetryAfter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryAfter.class);

    private final long initialMs;
    private final long maxMs;
    private final AtomicLong retries = new AtomicLong();

    public RetryAfter(long initialMs, long maxMs) {
        if (initialMs < 0 || maxMs < initialMs) {
            throw new ConfigException("retry.initial-delay-ms (" + initialMs + ") must be at least 0 and at most"
                    + " retry.max-delay-ms (" + maxMs + ")");
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
    }

    @Override
    public void process(Exchange exchange) {
        Integer attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer max = exchange.getIn().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        if (attempt == null || max == null || attempt > max || exchange.getExchangeExtension().isRedeliveryExhausted()) {
            return; // no retry follows; the failure is reported where it ends the run
        }
        Throwable failure = exchange.getException();
        Long asked = retryAfter(failure);
        long delay;
        if (asked != null) {
            delay = Math.min(Math.max(asked, initialMs), maxMs);
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay);
        } else {
            delay = backoffMs(attempt);
        }
        retries.incrementAndGet();
        String route = exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class);
        LOG.warn("{}{}; retry {} of {} in {} ms", route == null ? "" : route + ": ", failure.getMessage(), attempt, max, delay);
    }

    /**
     * The wait errors.yaml's exponential backoff makes before retry {@code attempt} (1, 2, ...), for
     * the log line: the initial delay, doubled each time, at most the maximum.
     */
    long backoffMs(int attempt) {
        long backoff = initialMs;
        for (int i = 1; i < attempt && backoff < maxMs; i++) {
            backoff *= 2;
        }
        return Math.min(backoff, maxMs);
    }

    /** How many retries this process has made; tests and the log read it. */
    public long retries() {
        return retries.get();
    }

    private static Long retryAfter(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFailure transientFailure && transientFailure.retryAfterMs() != null) {
                return transientFailure.retryAfterMs();
            }
        }
        return null;
    }

    /** {@code Retry-After} in ms from {@code now}: delta-seconds or an HTTP date; null when absent or unreadable. */
    public static Long retryAfterMs(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        try {
            return Math.max(0, Long.parseLong(text)) * 1000;
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, Duration.between(now, at).toMillis());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
