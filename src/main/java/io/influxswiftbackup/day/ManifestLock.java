package io.influxswiftbackup.day;

import io.influxswiftbackup.swift.ObjectStore;
import io.influxswiftbackup.swift.SwiftException;
import java.nio.charset.StandardCharsets;
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
public final class ManifestLock {

    /** How long to wait between tries; a test's pause need not sleep. */
    @FunctionalInterface
    interface Pause {
        void pause(long millis) throws InterruptedException;
    }

    /** {@code manifest.lock-tries}, {@code manifest.lock-retry-ms}, {@code manifest.lock-expiry-seconds}. */
    record Settings(int tries, long retryMillis, int expirySeconds) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ManifestLock.class);

    private final ObjectStore swift;
    private final Settings settings;
    private final Pause pause;

    ManifestLock(ObjectStore swift, Settings settings, Pause pause) {
        this.swift = swift;
        this.settings = settings;
        this.pause = pause;
    }

    /** Takes the day's lock for {@code mark} (the run), waiting while another run holds it, at most the configured tries. */
    void acquire(Day day, String mark) {
        byte[] body = mark.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; ; attempt++) {
            if (swift.createIfAbsent(day.container(), day.manifestLock(), body, settings.expirySeconds())) {
                return;
            }
            if (attempt >= settings.tries()) {
                throw new SwiftException("cannot write the manifest of day " + day + ": " + day.manifestLock()
                        + " is held by another run (a backup or dump of the same day writing its manifest) after " + attempt
                        + " tries " + settings.retryMillis() + " ms apart; a lock left by a killed run expires by itself"
                        + " (manifest.lock-expiry-seconds)");
            }
            if (attempt == 1) {
                LOG.info("Waiting for {}: another run is writing the manifest of day {} (trying every {} ms, {} tries)",
                        day.manifestLock(), day, settings.retryMillis(), settings.tries());
            }
            try {
                pause.pause(settings.retryMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SwiftException("interrupted while waiting for " + day.manifestLock());
            }
        }
    }

    /**
     * Deletes the lock if it is still this run's ({@code mark}): one that expired and was taken by
     * another run meanwhile stays. A failure to release is only logged: the lock expires by itself.
     */
    void release(Day day, String mark) {
        try {
            byte[] held = swift.readSmall(day.container(), day.manifestLock());
            if (held == null) {
                return;
            }
            if (!mark.equals(new String(held, StandardCharsets.UTF_8))) {
                LOG.warn("{} is another run's now ({}): this run's expired while it wrote; left in place", day.manifestLock(),
                        new String(held, StandardCharsets.UTF_8));
                return;
            }
            swift.delete(day.container(), day.manifestLock());
        } catch (RuntimeException e) {
            LOG.warn("Could not release {} ({}); it expires by itself after manifest.lock-expiry-seconds",
                    day.manifestLock(), e.getMessage());
        }
    }
}
