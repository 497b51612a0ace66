package io.influxswiftbackup.http;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.failure.TransientFailure;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait before each retry of an HTTP call, and the retry's log line. What is retried and how
 * often is the routeConfiguration's ({@code routes/errors.yaml}: 408, 429, 498 and 5xx answers, a
 * connection refused, cut or silent past the read timeout; {@code retry.max-retries} times). Camel
 * runs this bean when such a call fails and waits what it sets: {@code retry.initial-delay-ms},
 * doubled with every attempt, at most {@code retry.max-delay-ms}, and never less than the server's
 * {@code Retry-After} (which is honoured up to that maximum).
 */
public class RetryDelay implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryDelay.class);
    /** Where Swift (and proxies in front of it, and InfluxDB) name the request in their logs. */
    private static final List<String> TRANSACTION_HEADERS = List.of("X-Trans-Id", "X-Openstack-Request-Id", "Request-Id");

    private final long initialMs;
    private final long maxMs;
    private final Clock clock;
    private final AtomicLong retries = new AtomicLong();

    public RetryDelay(long initialMs, long maxMs, Clock clock) {
        if (initialMs < 0 || maxMs < initialMs) {
            throw new ConfigException("retry.initial-delay-ms (" + initialMs + ") must be at least 0 and at most"
                    + " retry.max-delay-ms (" + maxMs + ")");
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Integer attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer max = exchange.getIn().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        if (attempt == null || max == null || attempt > max || exchange.getExchangeExtension().isRedeliveryExhausted()) {
            return; // no retry follows; the failure is reported where it ends the run
        }
        Throwable failure = exchange.getException();
        HttpOperationFailedException answer = find(failure, HttpOperationFailedException.class);
        Long retryAfter = answer != null ? retryAfterMs(header(answer.getResponseHeaders(), "Retry-After"), clock.instant())
                : askedWait(failure);
        long delay = delayMs(attempt, retryAfter);
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay);
        retries.incrementAndGet();
        String route = exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class);
        LOG.warn("{}{}; retry {} of {} in {} ms", route == null ? "" : route + ": ", describe(exchange, failure, answer),
                attempt, max, delay);
    }

    /** How many retries this process has made; tests and the log read it. */
    public long retries() {
        return retries.get();
    }

    /** The wait before retry number {@code attempt} (1, 2, ...), given the server's Retry-After in ms (or null). */
    public long delayMs(int attempt, Long retryAfterMs) {
        long backoff = initialMs;
        for (int i = 1; i < attempt && backoff < maxMs; i++) {
            backoff *= 2;
        }
        if (retryAfterMs != null) {
            backoff = Math.max(backoff, retryAfterMs);
        }
        return Math.min(backoff, maxMs);
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

    /** The wait a {@link TransientFailure} passes on from its server, or null. */
    private static Long askedWait(Throwable failure) {
        TransientFailure transientFailure = find(failure, TransientFailure.class);
        return transientFailure == null ? null : transientFailure.retryAfterMs();
    }

    /** The transaction id of a failed answer ({@code X-Trans-Id} for Swift), or null. */
    public static String transactionId(Map<String, String> headers) {
        for (String name : TRANSACTION_HEADERS) {
            String value = header(headers, name);
            if (value != null) {
                return name + " " + value;
            }
        }
        return null;
    }

    private static String describe(Exchange exchange, Throwable failure, HttpOperationFailedException answer) {
        // The tool's own exception names what failed; one that wraps the answer names it too.
        Throwable own = find(failure, RuntimeException.class, "io.influxswiftbackup.");
        if (own != null && (answer == null || find(own, HttpOperationFailedException.class) == answer)) {
            return own.getMessage();
        }
        if (answer != null) {
            String id = transactionId(answer.getResponseHeaders());
            return withoutQuery(answer.getUri()) + " answered " + answer.getStatusCode()
                    + (answer.getStatusText() == null ? "" : " " + answer.getStatusText()) + (id == null ? "" : " (" + id + ")");
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String endpoint = exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
        return "no answer (" + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
                + ")" + (endpoint == null ? "" : " from " + withoutQuery(endpoint)) + "; the request is sent again whole";
    }

    private static String withoutQuery(String uri) {
        try {
            URI parsed = URI.create(uri);
            return new URI(parsed.getScheme(), parsed.getAuthority(), parsed.getPath(), null, null).toString();
        } catch (Exception e) {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        return find(failure, type, "");
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type, String packagePrefix) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t) && t.getClass().getName().startsWith(packagePrefix)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
