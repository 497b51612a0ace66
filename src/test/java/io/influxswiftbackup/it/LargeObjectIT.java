package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.failure.RetryAfter;
import io.influxswiftbackup.it.FaultProxy.Fault;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static large objects on the real Swift, with {@code swift.segment-size} lowered to 1 MiB and a
 * database whose shard file is over 5 MiB (random values do not compress): the shard's content goes
 * up once, in segments, to the content store; the runbook's {@code swift download} of the day returns
 * it whole through the link, a second night sends none of it again, and the restore reads it. Then
 * what breaks a large upload half-way (on plain objects: the upload is the same code for both): a
 * manifest Swift refuses, and the Swift proxy stopped between two segments, with and without
 * starting again in time.
 */
@ExtendWith(LocalServers.class)
class LargeObjectIT {

    static final String DB = "slo_db";
    static final long MIB = 1 << 20;
    static final String ROUND_TRIP = "2016-11-01";
    static final String MANIFEST_REFUSED = "2016-11-02";
    static final String PROXY_STOPPED = "2016-11-03";
    static final String PROXY_BACK = "2016-11-04";
    static final String SECOND_NIGHT = "2016-11-05";
    static final String STORE = "influx-swift-backup-store";
    static final Map<String, String> STORED_ONCE = Map.of("backup.dedup", "true");
    static LocalServers.Environment env;
    static SwiftCli swift;
    static String production;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeAShardOfMoreThanFiveMib() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        production = env.get("influx.production.url");
        for (String day : List.of(ROUND_TRIP, MANIFEST_REFUSED, PROXY_STOPPED, PROXY_BACK, SECOND_NIGHT)) {
            swift.deleteContainers(day, day + "_segments");
        }
        InfluxHttp influx = new InfluxHttp(production);
        influx.query(null, "DROP DATABASE " + DB);
        influx.query(null, "CREATE DATABASE " + DB);
        // One week (one shard group, from Monday) of 8 series every 6 s: 806,400 random doubles.
        long start = Instant.parse("2016-10-17T00:00:00Z").toEpochMilli() * 1_000_000L;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder lines = new StringBuilder();
        for (long second = 0; second < 7 * 86_400; second += 6) {
            for (int host = 0; host < 8; host++) {
                lines.append("slo_check,host=h").append(host).append(" value=").append(random.nextDouble())
                        .append(' ').append(start + second * 1_000_000_000L).append('\n');
            }
            if (lines.length() > 4_000_000) {
                influx.write(DB, lines.toString());
                lines.setLength(0);
            }
        }
        influx.write(DB, lines.toString());
    }

    @Test
    void aShardAboveTheSegmentSizeIsStoredOnceAsAStaticLargeObjectComesBackWholeAndRestores() throws Exception {
        Path kept = dir.resolve("kept");
        try (JobRuntime runtime = JobRuntime.startOnce(settings(STORED_ONCE), at(ROUND_TRIP + "T23:55:00Z"))) {
            Exchange result = BackupIT.backupKeepingACopy(runtime, kept);
            assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
        }
        Path shard = largest(kept);
        long size = Files.size(shard);
        assertTrue(size > 5 * MIB, "the shard must be above 5 MiB, it has " + size + " bytes");

        // Its content is a large object of the store, its segments in the store's segments container.
        String content = "sha256/" + sha256(shard);
        List<String> segments = swift.run(dir, "list", STORE + "_segments", "-p", content + "/");
        assertEquals((size + MIB - 1) / MIB, segments.size(), segments.toString());
        assertTrue(segments.stream().allMatch(s -> s.matches(java.util.regex.Pattern.quote(content)
                + "/slo/\\d+\\.\\d{6}/" + size + "/" + MIB + "/\\d{8}")), segments.toString());
        String stat = String.join("\n", swift.run(dir, "stat", STORE, content));
        assertTrue(stat.contains("Meta Md5: " + md5(shard)), stat);
        // The runbook's commands: the link is listed with the other shards, and downloads whole.
        swift.assertHoldsExactly(dir, ROUND_TRIP, kept);

        // A second night with the same shard stores none of it again, and restores from it.
        try (JobRuntime runtime = JobRuntime.startOnce(settings(STORED_ONCE), at(SECOND_NIGHT + "T23:55:00Z"))) {
            Exchange result = runtime.run("direct:backup", Map.of());
            assertFalse(result.isFailed(), () -> "second backup failed: " + result.getException());
        }
        assertEquals(segments, swift.run(dir, "list", STORE + "_segments", "-p", content + "/"), "no segment sent again");
        String manifest = String.join("\n", swift.run(dir, "download", SECOND_NIGHT, SECOND_NIGHT + "/manifest.json", "-o", "-"));
        assertTrue(manifest.contains("\"content\" : \"" + STORE + "/" + content + "\",\n    \"added\" : false"), manifest);
        try (JobRuntime runtime = JobRuntime.startOnce(settings(STORED_ONCE), at("2016-11-06T00:15:00Z"))) {
            Exchange restored = runtime.run("direct:restore", Map.of());
            assertFalse(restored.isFailed(), () -> "restore failed: " + restored.getException());
        }
        assertEquals(summary(production), summary(env.get("influx.intermediary.url")));
    }

    @Test
    void aManifestSwiftRefusesLeavesNoObjectAndItsSegmentsAreDeletedOrNamed() throws Exception {
        URI swiftUrl = URI.create(env.get("swift.auth-url"));
        try (FaultProxy proxy = FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort());
             LogCapture log = new LogCapture("io.influxswiftbackup.swift.LargeObjectUpload")) {
            // Breaks: Swift answers 503 to every manifest PUT of the day; the segments went up fine.
            proxy.inject(Fault.ANSWER_503, 100, r -> r.path().contains("multipart-manifest=put"));
            Map<String, String> throughProxy = Map.of("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test");
            Exchange failed = backup(MANIFEST_REFUSED, throughProxy);
            assertTrue(failed.isFailed());
            assertTrue(failed.getException().getMessage().contains("503"), failed.getException().getMessage());
            assertEquals(List.of(), swift.listIfPresent(MANIFEST_REFUSED + "_segments", MANIFEST_REFUSED), "its segments are deleted");
            assertNoLargeObject(MANIFEST_REFUSED);
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("deleting its segments")), log.lines().toString());

            // Breaks, besides: the segments' DELETEs are refused too. They stay, and the log says how to delete them.
            proxy.inject(Fault.ANSWER_503, 100, r -> r.path().contains("multipart-manifest=put") || r.method().equals("DELETE"));
            assertTrue(backup(MANIFEST_REFUSED, throughProxy).isFailed());
            assertNoLargeObject(MANIFEST_REFUSED);
            String orphans = log.await(l -> l.startsWith("ERROR Orphaned segments"), Duration.ofSeconds(5));
            String command = orphans.substring(orphans.indexOf("swift delete "));
            assertFalse(swift.listIfPresent(MANIFEST_REFUSED + "_segments", MANIFEST_REFUSED).isEmpty());
            swift.run(dir, command.substring("swift ".length()).split(" "));
            assertEquals(List.of(), swift.listIfPresent(MANIFEST_REFUSED + "_segments", MANIFEST_REFUSED), "the logged command deletes them");
        }
        assertEquals(2, runDirectories().size(), "both failed runs keep their files");
    }

    @Test
    void theSwiftProxyStoppedBetweenTwoSegmentsFailsTheRunAndTheShardsStay() throws Exception {
        // Breaks: the Swift proxy stops before the third segment and does not come back within the retries.
        Map<String, String> fewRetries = Map.of("retry.max-retries", "2");
        try (LogCapture log = new LogCapture("io.influxswiftbackup.swift.LargeObjectUpload")) {
            Exchange failed;
            try {
                failed = backupStoppingSwiftAtSegment(PROXY_STOPPED, fewRetries, 3);
            } finally {
                LocalServers.localEnv("swift-start");
            }
            assertTrue(failed.isFailed());
            assertTrue(failed.getException().getMessage().contains("Swift at "), failed.getException().getMessage());
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("ERROR Orphaned segments")
                    && l.contains("swift delete " + PROXY_STOPPED + "_segments --prefix " + PROXY_STOPPED + "/shards/")),
                    log.lines().toString());
        }
        assertNoLargeObject(PROXY_STOPPED);
        List<String> runs = runDirectories();
        assertEquals(1, runs.size(), runs.toString());
        Path run = dir.resolve("work").resolve(runs.get(0));
        assertTrue(Files.size(largest(run)) > 5 * MIB, "the shard stays on disk, whole");

        // The operator runs the day again once Swift is back.
        Path kept = dir.resolve("kept");
        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), at(PROXY_STOPPED + "T23:59:00Z"))) {
            BackupIT.keepACopy(runtime, kept);
            Exchange again = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
            assertFalse(again.isFailed(), () -> "second backup failed: " + again.getException());
        }
        swift.assertHoldsExactly(dir, PROXY_STOPPED, kept);
    }

    @Test
    void theSwiftProxyStoppedBetweenTwoSegmentsAndStartedAgainIsRetriedThrough() throws Exception {
        // Breaks: the Swift proxy stops before the third segment; it is started again once the tool retries.
        Map<String, String> patient = Map.of("retry.max-retries", "10", "retry.initial-delay-ms", "200",
                "retry.max-delay-ms", "1000");
        Path kept = dir.resolve("kept");
        Exchange result;
        try (LogCapture log = new LogCapture(RetryAfter.class)) {
            CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
                try {
                    log.await(l -> l.contains("retry 1 of 10"), Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    LocalServers.localEnv("swift-start");
                }
            });
            try (FaultProxy proxy = proxyToSwift();
                 JobRuntime runtime = JobRuntime.startOnce(settings(throughProxy(proxy, patient)), at(PROXY_BACK + "T23:55:00Z"))) {
                BackupIT.keepACopy(runtime, kept);
                CompletableFuture<Void> stop = stopSwiftAtSegment(proxy, 3);
                result = runtime.run("direct:backup", Map.of());
                stop.get(90, TimeUnit.SECONDS);
            } finally {
                restart.get(90, TimeUnit.SECONDS);
            }
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("backup: the connection to Swift at ") && l.contains("retry 1 of 10")),
                    log.lines().toString());
        }
        assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
        swift.assertHoldsExactly(dir, PROXY_BACK, kept);
    }

    private Exchange backupStoppingSwiftAtSegment(String day, Map<String, String> overrides, int segment) throws Exception {
        try (FaultProxy proxy = proxyToSwift();
             JobRuntime runtime = JobRuntime.startOnce(settings(throughProxy(proxy, overrides)), at(day + "T23:55:00Z"))) {
            CompletableFuture<Void> stop = stopSwiftAtSegment(proxy, segment);
            Exchange result = runtime.run("direct:backup", Map.of());
            stop.get(90, TimeUnit.SECONDS);
            return result;
        }
    }

    private FaultProxy proxyToSwift() throws Exception {
        URI swiftUrl = URI.create(env.get("swift.auth-url"));
        return FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort());
    }

    private static Map<String, String> throughProxy(FaultProxy proxy, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(overrides);
        values.put("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test");
        return values;
    }

    /** Stops the Swift proxy (scripts/local-env swift-stop) when segment {@code number} (from 1) arrives, before it goes on. */
    private static CompletableFuture<Void> stopSwiftAtSegment(FaultProxy proxy, int number) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        proxy.onFirst(r -> r.method().equals("PUT") && r.path().endsWith(String.format("/%08d", number - 1)), () -> {
            LocalServers.localEnv("swift-stop");
            stopped.complete(null);
        });
        return stopped;
    }

    private Exchange backup(String day, Map<String, String> overrides) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(overrides), at(day + "T23:55:00Z"))) {
            return runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
        }
    }

    /** The failures below are the large-object upload's own, alike for the store and for plain objects: they use plain ones. */
    private Settings settings(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("influx.database", DB, "swift.segment-size", String.valueOf(MIB),
                "backup.dedup", "false"));
        values.putAll(overrides);
        return TestConfig.settings(TestConfig.write(dir, env, values), env.get("swift.key"));
    }

    /** No object of the day is a large one: a manifest never went up, so nothing half-stored passes for the shard. */
    private void assertNoLargeObject(String day) throws Exception {
        List<String> listed = swift.listIfPresent(day, day + "/shards/");
        assertTrue(listed.stream().noneMatch(n -> n.startsWith(day + "/shards/" + DB + ".")), "no shard object in " + listed);
    }

    private List<String> runDirectories() throws Exception {
        return BackupIT.runDirs(dir.resolve("work"));
    }

    private static Path largest(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    /** Count, smallest, largest and sum of every value of the database. */
    private static String summary(String url) {
        JsonNode row = InfluxSnapshot.query(url, DB, "SELECT count(value), min(value), max(value), sum(value) FROM slo_check")
                .path("series").path(0).path("values").path(0);
        return row.path(1).asLong() + " points, min " + row.path(2).asDouble() + ", max " + row.path(3).asDouble()
                + ", sum " + Math.round(row.path(4).asDouble() * 1000) / 1000.0;
    }

    private static String sha256(Path file) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(file));
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static String md5(Path file) throws Exception {
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update(Files.readAllBytes(file));
        return java.util.HexFormat.of().formatHex(md5.digest());
    }

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
