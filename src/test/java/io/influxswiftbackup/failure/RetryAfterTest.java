package io.influxswiftbackup.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.config.ConfigException;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A Retry-After replaces the policy's backoff, within retry.initial-delay-ms and retry.max-delay-ms. */
class RetryAfterTest {

    static final Instant NOW = Instant.parse("2016-06-11T23:55:00Z");
    final RetryAfter retryAfter = new RetryAfter(1000, 30_000);

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertEquals(7000L, RetryAfter.retryAfterMs(" 7 ", NOW));
        assertEquals(12_000L, RetryAfter.retryAfterMs("Sat, 11 Jun 2016 23:55:12 GMT", NOW));
        assertEquals(0L, RetryAfter.retryAfterMs("Sat, 11 Jun 2016 23:00:00 GMT", NOW), "a date in the past: now");
        assertNull(RetryAfter.retryAfterMs("soon", NOW));
        assertNull(RetryAfter.retryAfterMs(null, NOW));
    }

    @Test
    void theServersWaitReplacesTheBackoffWithinItsBounds() throws Exception {
        assertEquals(3000L, delayAfter(new TransientFailure("Swift answered 503", 3000L, null), 2));
        assertEquals(30_000L, delayAfter(new TransientFailure("Swift answered 503", 120_000L, null), 2), "at most the maximum");
        assertEquals(1000L, delayAfter(new TransientFailure("Swift answered 429", 0L, null), 2), "at least the initial delay");
        assertEquals(3, retryAfter.retries());
    }

    @Test
    void withoutRetryAfterThePolicysBackoffApplies() throws Exception {
        Exchange exchange = failedExchange(new TransientFailure("connection refused"), 3, 5);
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, 9999L); // an earlier attempt's
        retryAfter.process(exchange);
        assertNull(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY));
        assertEquals(1, retryAfter.retries());
    }

    @Test
    void theLogLineNamesTheBackoffErrorsYamlDeclares() {
        assertEquals(1000, retryAfter.backoffMs(1));
        assertEquals(2000, retryAfter.backoffMs(2));
        assertEquals(16_000, retryAfter.backoffMs(5));
        assertEquals(30_000, retryAfter.backoffMs(6));
        assertEquals(30_000, retryAfter.backoffMs(70), "no overflow after many attempts");
    }

    @Test
    void afterTheLastRetryNothingIsSetOrCounted() throws Exception {
        Exchange exchange = failedExchange(new TransientFailure("Swift answered 503", 3000L, null), 6, 5);
        retryAfter.process(exchange);
        assertNull(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY));
        assertEquals(0, retryAfter.retries());
    }

    @Test
    void refusesAnInitialDelayAboveTheMaximum() {
        assertThrows(ConfigException.class, () -> new RetryAfter(5000, 1000));
    }

    private Long delayAfter(Exception failure, int attempt) {
        Exchange exchange = failedExchange(failure, attempt, 5);
        retryAfter.process(exchange);
        return exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
    }

    private static Exchange failedExchange(Exception failure, int attempt, int max) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setException(failure);
        exchange.getIn().setHeader(Exchange.REDELIVERY_COUNTER, attempt);
        exchange.getIn().setHeader(Exchange.REDELIVERY_MAX_COUNTER, max);
        return exchange;
    }
}
