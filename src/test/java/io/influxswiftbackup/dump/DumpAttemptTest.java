package io.influxswiftbackup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.failure.TransientFailure;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.influx.InfluxException;
import io.influxswiftbackup.influx.InfluxUnavailableException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed attempt at the day's query throws: the wire's failures named for the retry, anything else as fatal. */
class DumpAttemptTest {

    private static final String INTERMEDIARY = "the intermediary InfluxDB at 127.0.0.1:1";

    @TempDir
    Path dir;

    private final InfluxClient influx = new InfluxClient("intermediary", "http://127.0.0.1:1", null, null, 1000, 1000);

    @AfterEach
    void close() {
        influx.close();
    }

    private DumpJob job() {
        return new DumpJob(dir, "UTC", Clock.systemUTC(), 1, "m", "db", "", 10, influx, null, null);
    }

    private MeasurementDump cpu() {
        return new MeasurementDump("cpu", dir.resolve("cpu.json"), "D/influxdb/cpu.json", false);
    }

    private static Exchange failedWith(Exception failure, Integer redeliveries) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        if (redeliveries != null) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_COUNTER, redeliveries);
        }
        return exchange;
    }

    @Test
    void aCutConnectionIsNamedWithTheMeasurementTheAttemptAndRetried() {
        SocketException reset = new SocketException("Connection reset");
        InfluxUnavailableException cut = new InfluxUnavailableException(INTERMEDIARY, "cut the connection (SocketException: Connection reset)", null, reset);
        Exchange exchange = failedWith(new RuntimeCamelException(cut), 1);
        DumpQueryBroke broke = assertThrows(DumpQueryBroke.class, () -> job().attemptFailed(exchange, cpu()));
        assertEquals("the day's query of cpu failed before its first page, attempt 2: InfluxDB cut the connection"
                + " (SocketException: Connection reset)", broke.getMessage());
        assertSame(cut, broke.getCause());
    }

    @Test
    void anAnswer503KeepsItsRetryAfter() {
        var busy = new InfluxUnavailableException(INTERMEDIARY, "answered 503 Service Unavailable", 1000L, null);
        DumpQueryBroke broke = assertThrows(DumpQueryBroke.class, () -> job().attemptFailed(failedWith(busy, null), cpu()));
        assertEquals("the day's query of cpu failed before its first page, attempt 1: InfluxDB answered 503 Service Unavailable",
                broke.getMessage());
        assertEquals(1000L, broke.retryAfterMs());
    }

    @Test
    void influxDbsOwnErrorIsThrownAsItIs() {
        InfluxException error = new InfluxException("InfluxDB failed on page 3 of cpu: timeout");
        Exchange exchange = failedWith(new RuntimeCamelException(error), null);
        assertSame(error, assertThrows(InfluxException.class, () -> job().attemptFailed(exchange, cpu())));
    }

    @Test
    void aFailureOffTheWireIsFatalNamedTheSameWay() {
        Exchange exchange = failedWith(new RuntimeCamelException(new IOException("No space left on device")), null);
        RuntimeException failed = assertThrows(RuntimeException.class, () -> job().attemptFailed(exchange, cpu()));
        assertEquals(DumpException.class, failed.getClass());
        assertFalse(failed instanceof TransientFailure);
        assertEquals("the day's query of cpu failed before its first page, attempt 1: IOException: No space left on device",
                failed.getMessage());
    }
}
