package io.influxswiftbackup.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.failure.TransientFailure;
import java.net.SocketException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

/** The wait before each retry: exponential, capped, never shorter than the server's Retry-After. */
class RetryDelayTest {

    static final Instant NOW = Instant.parse("2016-06-11T23:55:00Z");
    final RetryDelay delay = new RetryDelay(1000, 30_000, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void doublesFromTheInitialDelayUpToTheMaximum() {
        assertEquals(1000, delay.delayMs(1, null));
        assertEquals(2000, delay.delayMs(2, null));
        assertEquals(16_000, delay.delayMs(5, null));
        assertEquals(30_000, delay.delayMs(6, null));
        assertEquals(30_000, delay.delayMs(70, null), "no overflow after many attempts");
    }

    @Test
    void waitsAtLeastTheRetryAfterButNeverMoreThanTheMaximum() {
        assertEquals(5000, delay.delayMs(1, 5000L));
        assertEquals(4000, delay.delayMs(3, 1000L), "the backoff when it is longer");
        assertEquals(30_000, delay.delayMs(1, 120_000L));
    }

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertEquals(7000L, RetryDelay.retryAfterMs(" 7 ", NOW));
        assertEquals(12_000L, RetryDelay.retryAfterMs("Sat, 11 Jun 2016 23:55:12 GMT", NOW));
        assertEquals(0L, RetryDelay.retryAfterMs("Sat, 11 Jun 2016 23:00:00 GMT", NOW), "a date in the past: now");
        assertNull(RetryDelay.retryAfterMs("soon", NOW));
        assertNull(RetryDelay.retryAfterMs(null, NOW));
    }

    @Test
    void namesSwiftsTransactionIdWhateverTheHeadersCase() {
        assertEquals("X-Trans-Id tx1f2e", RetryDelay.transactionId(Map.of("x-trans-id", "tx1f2e", "Retry-After", "1")));
        assertNull(RetryDelay.transactionId(Map.of("Content-Length", "0")));
    }

    @Test
    void setsCamelsRedeliveryDelayFromTheFailedAnswer() throws Exception {
        Exchange exchange = failedExchange(new HttpOperationFailedException("http://swift/v1/AUTH_test/c/o", 503,
                "Service Unavailable", null, Map.of("Retry-After", "3", "X-Trans-Id", "tx9"), ""), 2, 5);
        delay.process(exchange);
        assertEquals(3000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class));
        assertEquals(1, delay.retries());
    }

    @Test
    void aTransientFailureWaitsTheRetryAfterItCarries() throws Exception {
        Exchange exchange = failedExchange(new TransientFailure("the intermediary InfluxDB at 127.0.0.1:8086 answered 503"
                + " Service Unavailable", 9000L, null), 1, 5);
        delay.process(exchange);
        assertEquals(9000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class));
    }

    @Test
    void aBrokenConnectionWaitsTheBackoff() throws Exception {
        Exchange exchange = failedExchange(new SocketException("Connection reset"), 3, 5);
        delay.process(exchange);
        assertEquals(4000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class));
    }

    @Test
    void afterTheLastRetryNothingIsSetOrCounted() throws Exception {
        Exchange exchange = failedExchange(new SocketException("Connection reset"), 6, 5);
        delay.process(exchange);
        assertNull(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY));
        assertEquals(0, delay.retries());
    }

    @Test
    void refusesAnInitialDelayAboveTheMaximum() {
        assertThrows(ConfigException.class, () -> new RetryDelay(5000, 1000, Clock.systemUTC()));
    }

    private static Exchange failedExchange(Exception failure, int attempt, int max) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setException(failure);
        exchange.getIn().setHeader(Exchange.REDELIVERY_COUNTER, attempt);
        exchange.getIn().setHeader(Exchange.REDELIVERY_MAX_COUNTER, max);
        return exchange;
    }
}
