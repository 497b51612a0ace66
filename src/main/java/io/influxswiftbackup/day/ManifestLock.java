package io.influxswiftbackup.day;

import io.influxswiftbackup.swift.SwiftException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer of a day's manifest at a time, across hosts. Swift has no compare-and-swap, but it
 * creates an object only if none is there when asked with {@code If-None-Match: *} (412 otherwise).
 * So a run takes {@code D/manifest.lock} that way before it reads the manifest, merges and writes it,
 * and deletes the lock after: a backup and a dump of one day finishing at once cannot both merge
 * into the same old manifest, the later one waits and reads the earlier one's. The lock expires by
 * itself ({@code X-Delete-After}), so a run killed while holding it blocks the day only that long.
 */
public class ManifestLock {

    /** Exchange properties: whether this run holds the lock, how many times it found it taken. */
    public static final String HELD = "manifestLocked";
    public static final String ATTEMPTS = "manifestLockAttempts";

    private static final Logger LOG = LoggerFactory.getLogger(ManifestLock.class);

    private final int tries;
    private final long retryMillis;

    public ManifestLock(int tries, long retryMillis) {
        this.tries = tries;
        this.retryMillis = retryMillis;
    }

    public static String objectName(Day day) {
        return day.container() + "/manifest.lock";
    }

    /** Before the first try: not held, and the PUT's object (the lock) and body (the run's mark). */
    public void begin(Exchange exchange) {
        Day day = exchange.getProperty("day", Day.class);
        exchange.setProperty(HELD, false);
        exchange.setProperty(ATTEMPTS, 0);
        exchange.setProperty("objectName", objectName(day));
    }

    /** After {@code PUT D/manifest.lock} with {@code If-None-Match: *}: 201 taken; 412 held by another run, try again or give up. */
    public void noteAnswer(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Day day = exchange.getProperty("day", Day.class);
        if (status != null && status == 201) {
            exchange.setProperty(HELD, true);
            return;
        }
        int attempts = exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1;
        exchange.setProperty(ATTEMPTS, attempts);
        if (attempts >= tries) {
            throw new SwiftException("cannot write the manifest of day " + day + ": " + objectName(day)
                    + " is held by another run (a backup or dump of the same day writing its manifest) after " + attempts
                    + " tries " + retryMillis + " ms apart; a lock left by a killed run expires by itself (manifest.lock-expiry-seconds)");
        }
        if (attempts == 1) {
            LOG.info("Waiting for {}: another run is writing the manifest of day {} (trying every {} ms, {} tries)",
                    objectName(day), day, retryMillis, tries);
        }
    }
}
