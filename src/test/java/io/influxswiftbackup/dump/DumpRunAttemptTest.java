package io.influxswiftbackup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.influx.InfluxException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed attempt at the day's query throws: the wire's failures named for the retry, InfluxDB's answer as it is. */
class DumpRunAttemptTest {

    @TempDir
    Path dir;

    private DumpRun run() {
        return new DumpRun(dir, "UTC", Clock.systemUTC(), 1, "m", "db", "", 10, "http://127.0.0.1:1", null, null, null);
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
    void aCutConnectionIsNamedWithTheMeasurementTheAttemptAndKeptAsTheCause() {
        SocketException reset = new SocketException("Connection reset");
        Exchange exchange = failedWith(new RuntimeCamelException(reset), 1);
        DumpQueryBroke broke = assertThrows(DumpQueryBroke.class, () -> run().attemptFailed(exchange, "cpu", null));
        assertEquals("the day's query of cpu failed before its first page, attempt 2: SocketException: Connection reset",
                broke.getMessage());
        assertSame(reset, broke.getCause().getCause());
        assertEquals(0, broke.getStatusCode());
    }

    @Test
    void anAnswer503KeepsItsStatusForTheRetryPolicy() {
        var answer = new HttpOperationFailedException("http://i/query", 503, "Service Unavailable", null, Map.of(), "");
        DumpQueryBroke broke = assertThrows(DumpQueryBroke.class, () -> run().attemptFailed(failedWith(answer, null), "cpu", null));
        assertEquals("the day's query of cpu failed before its first page, attempt 1: InfluxDB answered 503 Service Unavailable",
                broke.getMessage());
        assertEquals(503, broke.getStatusCode());
    }

    @Test
    void influxDbsOwnErrorIsThrownAsItIs() {
        InfluxException error = new InfluxException("InfluxDB failed on page 3 of cpu: timeout");
        Exchange exchange = failedWith(new RuntimeCamelException(error), null);
        assertSame(error, assertThrows(InfluxException.class, () -> run().attemptFailed(exchange, "cpu", null)));
    }
}
