package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupRun;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.download.Downloads;
import io.influxswiftbackup.failure.RetryAfter;
import io.influxswiftbackup.it.FaultProxy.Fault;
import io.influxswiftbackup.it.FaultProxy.Request;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import io.influxswiftbackup.swift.SwiftException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the wire between the tool and the real Swift, injected by a {@link FaultProxy} through
 * which every data call goes (the login goes straight to Swift). Each test says what it breaks; each
 * asserts that nothing is lost: the run retries, and Swift then holds exactly the files influxd
 * backup wrote, byte for byte (read back with the runbook's swift CLI); or the run fails and no
 * file stands under its final name.
 */
@ExtendWith(LocalServers.class)
class TransportFaultsIT {

    /** This class backs up its own database, so its shards do not depend on other tests' points. */
    static final String DB = "faults_db";
    static final List<String> DAYS = List.of("2016-10-01", "2016-10-02", "2016-10-03", "2016-10-04", "2016-10-05", "2016-10-06");
    static LocalServers.Environment env;
    static SwiftCli swift;
    static URI swiftUrl;

    @TempDir
    Path dir;
    FaultProxy proxy;

    @BeforeAll
    static void writePoints() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        swiftUrl = URI.create(env.get("swift.auth-url"));
        swift.deleteContainers(DAYS.toArray(String[]::new));
        InfluxHttp influx = new InfluxHttp(env.get("influx.production.url"));
        influx.query(null, "DROP DATABASE " + DB);
        influx.query(null, "CREATE DATABASE " + DB);
        // Three weeks (three shards) of random values: shard files of tens of KB, which can be cut in half.
        StringBuilder lines = new StringBuilder();
        long start = Instant.parse("2016-09-05T00:00:00Z").toEpochMilli() * 1_000_000L;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int minute = 0; minute < 21 * 24 * 60; minute += 5) {
            for (int host = 0; host < 4; host++) {
                lines.append("fault_check,host=h").append(host).append(" value=").append(random.nextDouble())
                        .append(' ').append(start + minute * 60_000_000_000L).append('\n');
            }
        }
        influx.write(DB, lines.toString());
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /** The day's object PUTs (not the container's, not the segments'). */
    static Predicate<Request> objectPuts(String day) {
        return r -> r.method().equals("PUT") && r.path().contains("/" + day + "/" + day + "/shards/");
    }

    @Test
    void a503WithRetryAfterIsRetriedNoSoonerThanItSays() throws Exception {
        // Breaks: Swift is "busy" for the first three object uploads (503, Retry-After: 1).
        proxy.inject(Fault.ANSWER_503, 3, objectPuts("2016-10-01")).retryAfter(1);
        Path kept = dir.resolve("kept");
        try (LogCapture log = new LogCapture(RetryAfter.class)) {
            Exchange result = backup("2016-10-01", Map.of("retry.max-delay-ms", "5000"), kept);
            assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
            List<String> retries = log.lines();
            assertEquals(3, retries.size(), retries.toString());
            for (Request refused : proxy.faulted(Fault.ANSWER_503)) {
                // Uploads run in parallel: each refused one has its own retry line, naming its transaction.
                String line = retries.stream().filter(l -> l.contains("(X-Trans-Id tx-fault-" + refused.number() + ")"))
                        .findFirst().orElseThrow(() -> new AssertionError("no retry line for " + refused + " in " + retries));
                assertTrue(line.contains("answered 503 Service Unavailable") && line.matches(".*retry [1-3] of 5 in 1000 ms.*"), line);
                // Uploads run in parallel: the retry is the next request for the same object.
                Request next = proxy.requests().stream().skip(refused.number())
                        .filter(r -> r.method().equals("PUT") && r.path().equals(refused.path())).findFirst().orElseThrow();
                assertTrue(next.atNanos() - refused.atNanos() >= TimeUnit.MILLISECONDS.toNanos(1000),
                        "sent again " + TimeUnit.NANOSECONDS.toMillis(next.atNanos() - refused.atNanos()) + " ms after the 503");
            }
        }
        swift.assertHoldsExactly(dir, "2016-10-01", kept);
        assertEquals(List.of(), BackupIT.runDirs(dir.resolve("work")), "the local copy is deleted once all is verified");
    }

    @Test
    void connectionsCutInTheMiddleOfABodyAreRetriedWhole() throws Exception {
        // Breaks: the connection is cut after half of the body, twice on the way up and twice on the way down.
        proxy.inject(Fault.CUT_REQUEST_BODY, 2, objectPuts("2016-10-02").and(r -> r.contentLength() > 10_000));
        Path kept = dir.resolve("kept");
        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), clockAt("2016-10-02"))) {
            Exchange result = BackupIT.backupKeepingACopy(runtime, kept);
            assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
            assertEquals(2, proxy.faulted(Fault.CUT_REQUEST_BODY).size(), proxy.requests().toString());
            swift.assertHoldsExactly(dir, "2016-10-02", kept);

            String shard = BackupIT.names(kept).stream().filter(n -> !n.equals("meta.00")).findFirst().orElseThrow();
            Predicate<Request> getShard = r -> r.method().equals("GET") && r.path().endsWith("/shards/" + shard);
            proxy.inject(Fault.CUT_RESPONSE, 2, getShard);
            Path target = dir.resolve("restore").resolve("2016-10-02/shards").resolve(shard);
            Exchange download = fetchShards(runtime, "2016-10-02", dir.resolve("restore"));
            assertFalse(download.isFailed(), () -> "download failed: " + download.getException());
            assertEquals(2, proxy.faulted(Fault.CUT_RESPONSE).size(), proxy.requests().toString());
            assertArrayEquals(Files.readAllBytes(kept.resolve(shard)), Files.readAllBytes(target));

            // Breaks: every try of a download is cut. The run fails; no file stands under its name, nor a .part.
            proxy.inject(Fault.CUT_RESPONSE, 100, getShard);
            Path never = dir.resolve("never").resolve("2016-10-02/shards").resolve(shard);
            assertTrue(fetchShards(runtime, "2016-10-02", dir.resolve("never")).isFailed());
            assertEquals(2 + 6, proxy.faulted(Fault.CUT_RESPONSE).size(), "the first try and 5 retries");
            assertFalse(Files.exists(never), "no file under its name");
            assertFalse(Files.exists(never.resolveSibling(shard + ".part")), "nor a part of it");
        }
    }

    @Test
    void aResponseStalledPastTheReadTimeoutIsRetried() throws Exception {
        // Breaks: Swift's answer to one upload never arrives; the client gives up after its 1 s read timeout.
        proxy.inject(Fault.STALL_RESPONSE, 1, objectPuts("2016-10-03"));
        Path kept = dir.resolve("kept");
        Exchange result = backup("2016-10-03", Map.of("swift.timeout-ms", "1000"), kept);
        assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
        Request stalled = proxy.faulted(Fault.STALL_RESPONSE).get(0);
        assertTrue(proxy.requests().stream().skip(stalled.number())
                .anyMatch(r -> r.method().equals("PUT") && r.path().equals(stalled.path())), "the same upload is sent again");
        swift.assertHoldsExactly(dir, "2016-10-03", kept);
    }

    @Test
    void aBodyCorruptedOnTheWayIsCaughtByTheEtagTheObjectDeletedAndTheRunFails() throws Exception {
        // Breaks: one shard's upload reaches Swift whole, with one byte changed; Swift stores it and answers 201.
        proxy.inject(Fault.FLIP_REQUEST_BYTE, 1, objectPuts("2016-10-05").and(r -> r.contentLength() > 10_000));
        Exchange result;
        try (LogCapture log = new LogCapture("io.influxswiftbackup.swift.SwiftClient")) {
            result = backup("2016-10-05", Map.of(), dir.resolve("kept"));
            assertEquals(1, proxy.faulted(Fault.FLIP_REQUEST_BYTE).size(), proxy.requests().toString());
            String corrupt = proxy.faulted(Fault.FLIP_REQUEST_BYTE).get(0).path();
            String object = corrupt.substring(corrupt.indexOf("/2016-10-05/") + "/2016-10-05/".length());
            assertTrue(result.isFailed(), "the run fails");
            Throwable cause = result.getException();
            while (cause.getCause() != null && !(cause instanceof SwiftException)) {
                cause = cause.getCause();
            }
            assertTrue(cause.getMessage().matches("upload of \\Q" + object
                    + "\\E in container 2016-10-05 is corrupt: Swift's ETag \\w{32} is not the MD5 of the \\d+ bytes sent, \\w{32}; the object was deleted"),
                    cause.toString());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("ERROR") && l.contains(object) && l.endsWith(": deleting it")),
                    log.lines().toString());
            assertTrue(proxy.requests().stream().anyMatch(r -> r.method().equals("DELETE") && r.path().equals(corrupt)));
            assertFalse(swift.listIfPresent("2016-10-05", "2016-10-05/shards/").contains(object), "the corrupt object is gone");
        }
        List<String> runDirs = BackupIT.runDirs(dir.resolve("work"));
        assertEquals(1, runDirs.size(), "the local copy stays for the next run");
    }

    @Test
    void aListingThatLagsBehindTheUploadsIsTakenAgain() throws Exception {
        Path kept = dir.resolve("kept");
        AtomicInteger listings = new AtomicInteger();
        try (LogCapture log = new LogCapture(RetryAfter.class);
             JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), clockAt("2016-10-06"))) {
            // Breaks: the first listing after the uploads does not show one of them yet.
            SwiftClient client = runtime.context().getRegistry().lookupByNameAndType("swift", SwiftClient.class);
            AdviceWith.adviceWith(runtime.context(), "backup", route -> route.weaveById("backup-verify-listing").replace()
                    .process(exchange -> {
                        BackupRun run = exchange.getProperty(BackupRun.PROPERTY, BackupRun.class);
                        List<StoredObject> stored = new ArrayList<>(exchange.getMessage().getBody(List.class));
                        if (listings.incrementAndGet() == 1) {
                            // one more object than Swift lists yet: as a listing that lags behind a PUT
                            StoredObject first = stored.get(0);
                            stored.add(new StoredObject(first.container(), first.name() + ".lagging", first.bytes(), first.md5(),
                                    first.sha256(), null, false, 0));
                        }
                        client.requireListed(run.day().container(), run.day().shardsPrefix(), stored);
                    }));
            Exchange result = BackupIT.backupKeepingACopy(runtime, kept);
            assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
            assertEquals(2, listings.get(), "listed again once");
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("is not listed") && l.contains("retry 1 of 5")),
                    log.lines().toString());
        }
        swift.assertHoldsExactly(dir, "2016-10-06", kept);
    }

    @Test
    void influxdBackupFailingIsReportedWithItsExitCodeAndErrorAndNothingIsUploaded() throws Exception {
        // Breaks: influxd backup is pointed at the wrong host (InfluxDB's HTTP port instead of its RPC port).
        URI http = URI.create(env.get("influx.production.url"));
        Path config = TestConfig.write(dir, env, Map.of("influx.database", DB,
                "influx.production.backup-host", http.getHost() + ":" + http.getPort()));
        JarRun cli = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")),
                "backup", "--config", config.toString(), "--date", "2016-10-04");
        assertEquals(1, cli.exitCode(), cli.toString());
        assertEquals(List.of("error: influxd backup exited 1: backup: invalid metadata received"), cli.stderrLines(), cli.toString());
        assertEquals(List.of(), swift.listIfPresent("2016-10-04", ""), "nothing uploaded");
        assertFalse(swift.run(dir, "list").contains("2016-10-04"), "not even the day's container");
    }

    /**
     * Every file goes up as a plain object (backup.dedup = false): content stored once would be sent
     * only the first time, and these faults are those of each upload, the same code for both.
     */
    private Settings settings(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("influx.database", DB,
                "swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test", "backup.dedup", "false"));
        values.putAll(overrides);
        return TestConfig.settings(TestConfig.write(dir, env, values), env.get("swift.key"));
    }

    private Exchange backup(String day, Map<String, String> overrides, Path kept) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(overrides), clockAt(day))) {
            return BackupIT.backupKeepingACopy(runtime, kept);
        }
    }

    /** fetch-shards of the day into {@code dir}: its shards land in {@code dir/<day>/shards/}. */
    private static Exchange fetchShards(JobRuntime runtime, String day, Path dir) {
        return runtime.run("direct:fetch-shards", Map.of(Downloads.DAY, day, Downloads.DIR, dir.toString()));
    }

    static Clock clockAt(String day) {
        return Clock.fixed(Instant.parse(day + "T23:55:00Z"), ZoneOffset.UTC);
    }
}
