package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.swift.SwiftException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ManifestLockTest {

    private static Exchange answer(Exchange exchange, int status) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        return exchange;
    }

    @Test
    void theLockIsTakenOn201AndTriedAgainOn412UntilTheTriesRunOut() {
        ManifestLock lock = new ManifestLock(3, 10);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty("day", Day.parse("2013-01-05"));
        lock.begin(exchange);
        assertEquals("2013-01-05/manifest.lock", exchange.getProperty("objectName"));
        assertEquals(false, exchange.getProperty(ManifestLock.HELD));

        lock.noteAnswer(answer(exchange, 412));
        lock.noteAnswer(answer(exchange, 412));
        assertEquals(false, exchange.getProperty(ManifestLock.HELD));
        SwiftException gaveUp = assertThrows(SwiftException.class, () -> lock.noteAnswer(answer(exchange, 412)));
        assertEquals("cannot write the manifest of day 2013-01-05: 2013-01-05/manifest.lock is held by another run (a backup"
                + " or dump of the same day writing its manifest) after 3 tries 10 ms apart; a lock left by a killed run"
                + " expires by itself (manifest.lock-expiry-seconds)", gaveUp.getMessage());

        lock.begin(exchange);
        lock.noteAnswer(answer(exchange, 412));
        lock.noteAnswer(answer(exchange, 201));
        assertEquals(true, exchange.getProperty(ManifestLock.HELD));
    }
}
