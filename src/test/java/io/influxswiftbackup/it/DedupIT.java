package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.prune.PruneJob;
import io.influxswiftbackup.restore.RestoreJob;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard files stored once by content, on the real Swift and InfluxDB: a database of 10 weekly shards
 * backed up on two nights, with points written only into the newest shard in between. Night two
 * sends only that shard and meta.00 (counted through a proxy) and the account grows by their bytes;
 * the runbook's {@code swift download D2 -p D2/shards/} gives what {@code influxd backup} wrote; the
 * restore of D2 equals production, after {@code swift delete D1} too. The prune deleting D1 keeps
 * every content D2 needs and sweeps the rest after the grace. A content deleted or overwritten by
 * hand makes the restore and fetch-shards refuse the day, naming the file. With {@code backup.dedup
 * = false} the day holds plain objects, and days of both kinds restore alike.
 */
@ExtendWith(LocalServers.class)
class DedupIT {

    static final String DB = "dedup_db";
    static final String STORE = "influx-swift-backup-store";
    static final Instant FIRST_WEEK = Instant.parse("2016-05-05T00:00:00Z");
    static final int WEEKS = 10;
    static LocalServers.Environment env;
    static SwiftCli swift;
    static String production;
    static InfluxHttp influx;

    @TempDir
    Path dir;

    @BeforeAll
    static void aDatabaseOfTenWeeklyShards() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        production = env.get("influx.production.url");
        influx = new InfluxHttp(production);
        influx.query(null, "DROP DATABASE " + DB);
        influx.query(null, "CREATE DATABASE " + DB);
        StringBuilder lines = new StringBuilder();
        for (int week = 0; week < WEEKS; week++) {
            for (int i = 0; i < 300; i++) {
                lines.append("Aggregated_metrics,host=h").append(i % 3).append(" value=").append(i).append(' ')
                        .append(nanos(FIRST_WEEK.plusSeconds(week * 7 * 86_400L + i * 600L))).append('\n');
            }
        }
        influx.write(DB, lines.toString());
    }

    /** Points (random values: they do not compress) into the newest week only, so only its shard changes. */
    static void writeIntoTheNewestShard(int points) throws Exception {
        Instant newestWeek = FIRST_WEEK.plusSeconds((WEEKS - 1) * 7 * 86_400L);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder lines = new StringBuilder();
        int host = random.nextInt(1000, 1_000_000);
        for (int i = 0; i < points; i++) {
            lines.append("Aggregated_metrics,host=n").append(host).append(" value=").append(random.nextDouble())
                    .append(",other=").append(random.nextDouble()).append(' ')
                    .append(nanos(newestWeek.plusSeconds(3600 + i * 5L))).append('\n');
        }
        influx.write(DB, lines.toString());
    }

    /** Per host: the count and sum of each field, and the first and last time (too many points to compare one by one). */
    static String summary(String url) {
        return InfluxSnapshot.query(url, DB, "SELECT count(value), sum(value), count(other), sum(other) FROM Aggregated_metrics"
                + " GROUP BY host").path("series").toString() + InfluxSnapshot.query(url, DB,
                "SELECT first(value), last(value) FROM Aggregated_metrics GROUP BY host").path("series");
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L;
    }

    @Test
    void nightTwoSendsAndStoresOnlyTheShardThatChangedAndEachDayStaysARunbookDay() throws Exception {
        String d1 = "2016-07-11";
        String d2 = "2016-07-12";
        swift.deleteContainers(d1, d2);
        Path kept1 = dir.resolve("kept1");
        Path kept2 = dir.resolve("kept2");
        backup(d1, kept1, Map.of());
        writeIntoTheNewestShard(60_000);

        long storedBefore = accountBytesUsed();
        List<FaultProxy.Request> sent;
        try (FaultProxy proxy = proxyToSwift()) {
            backup(d2, kept2, Map.of("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test"));
            sent = proxy.requests();
        }
        long stored = accountBytesUsed() - storedBefore;

        Set<String> changed = changedFiles(kept1, kept2);
        assertEquals(1, changed.stream().filter(f -> !f.equals("meta.00")).count(), "one shard changed: " + changed);
        long changedBytes = bytes(kept2, changed) + Files.size(kept2.resolve("meta.00"));
        assertTrue(changedBytes > 500_000, "the changed shard holds the new points: " + changedBytes);
        Set<String> withBody = sent.stream().filter(r -> r.method().equals("PUT") && r.contentLength() > 0)
                .map(r -> r.path().replaceFirst("^/v1/AUTH_test/", "")).filter(p -> !p.startsWith(d2 + "/" + d2 + "/manifest."))
                .collect(Collectors.toSet());
        Set<String> expected = changed.stream().filter(f -> !f.equals("meta.00"))
                .map(f -> STORE + "/sha256/" + sha256(kept2.resolve(f))).collect(Collectors.toSet());
        expected.add(d2 + "/" + d2 + "/shards/meta.00");
        assertEquals(expected, withBody, "night two sends the changed shard's content and meta.00, nothing else");
        long sentBytes = sent.stream().filter(r -> r.method().equals("PUT")).mapToLong(r -> Math.max(0, r.contentLength())).sum();
        assertTrue(sentBytes <= 1.1 * changedBytes, sentBytes + " bytes sent for " + changedBytes + " bytes changed");
        assertTrue(stored <= 1.1 * changedBytes, "the account grew by " + stored + " bytes for " + changedBytes + " bytes changed");

        JsonNode manifest = new ObjectMapper().readTree(swift.run(dir, "download", d2, d2 + "/manifest.json", "-o", "-")
                .stream().collect(Collectors.joining("\n")));
        for (JsonNode entry : manifest.path("objects")) {
            String file = entry.path("name").asText().substring((d2 + "/shards/").length());
            if (!file.equals("meta.00")) {
                assertEquals(STORE + "/sha256/" + sha256(kept2.resolve(file)), entry.path("content").asText(), file);
                assertEquals(changed.contains(file), entry.path("added").asBoolean(), file);
            }
        }

        // The runbook's commands on D2: every shard listed, 'swift download' writes what influxd backup wrote.
        swift.assertHoldsExactly(dir, d2, kept2);
        // 'swift delete D1' deletes only D1's links: D2 restores, equal to production.
        swift.run(dir, "delete", d1);
        restore(d2);
        assertEquals(summary(production), summary(env.get("influx.intermediary.url")));
    }

    @Test
    void thePruneDeletingD1KeepsEveryContentD2NeedsAndSweepsTheRestAfterTheGrace() throws Exception {
        String d1 = "2016-07-20";
        String d2 = "2016-07-21";
        swift.deleteContainers(d1, d2);
        Path kept1 = dir.resolve("kept1");
        Path kept2 = dir.resolve("kept2");
        writeIntoTheNewestShard(2_000);
        backup(d1, kept1, Map.of());
        writeIntoTheNewestShard(2_000);
        backup(d2, kept2, Map.of());
        Set<String> onlyD1 = changedFiles(kept1, kept2).stream().filter(f -> !f.equals("meta.00"))
                .map(f -> "sha256/" + sha256(kept1.resolve(f))).collect(Collectors.toSet());
        Set<String> d2Needs = contents(kept2);

        // retention.days = 1 on the 22nd: D1 goes, D2 stays; within the grace D1's own content stays too
        Map<String, String> prune = Map.of("retention.days", "1");
        Exchange dryRun = prune(prune, Map.of(PruneJob.DRY_RUN_HEADER, true));
        String plan = dryRun.getMessage().getBody(String.class);
        assertTrue(plan.contains(d1 + ": ") && plan.contains("store " + STORE + ": "), plan);
        prune(prune, Map.of());
        assertEquals(List.of(), swift.listIfPresent(d1, ""));
        List<String> store = swift.listIfPresent(STORE, "sha256/");
        assertTrue(store.containsAll(d2Needs) && store.containsAll(onlyD1), "within the grace nothing goes: " + store);

        // once the grace is over, D1's own content goes, and D2 restores from what is left
        prune(Map.of("retention.days", "1", "retention.store-grace-hours", "0"), Map.of());
        store = swift.listIfPresent(STORE, "sha256/");
        assertTrue(store.containsAll(d2Needs), "D2's content stays: " + store);
        assertTrue(onlyD1.stream().noneMatch(store::contains), "D1's own content went: " + onlyD1 + " in " + store);
        restore(d2);
        assertEquals(summary(production), summary(env.get("influx.intermediary.url")));
    }

    @Test
    void aContentDeletedOrOverwrittenByHandMakesRestoreAndFetchShardsRefuseTheDayNamingTheFile() throws Exception {
        String day = "2016-07-25";
        swift.deleteContainers(day);
        Path kept = dir.resolve("kept");
        backup(day, kept, Map.of());
        String shard;
        try (Stream<Path> files = Files.list(kept)) {
            shard = files.map(p -> p.getFileName().toString()).filter(f -> !f.equals("meta.00")).sorted().findFirst().orElseThrow();
        }
        String content = "sha256/" + sha256(kept.resolve(shard));
        Path original = dir.resolve("original");
        Files.copy(kept.resolve(shard), original);
        try {
            swift.run(dir, "delete", STORE, content);
            String missing = day + "/shards/" + shard + " links to " + STORE + "/" + content + ", which is not in Swift";
            assertRefused(day, missing);

            // other bytes of the same size under the content's name
            byte[] other = Files.readAllBytes(original);
            other[other.length / 2] ^= 1;
            swift.put(STORE, content, other);
            assertRefused(day, day + "/shards/" + shard + " links to " + STORE + "/" + content + ", which Swift holds with other bytes");
        } finally {
            swift.put(STORE, content, Files.readAllBytes(original));
        }
        restore(day);
    }

    @Test
    void withoutDedupTheDayHoldsPlainObjectsAndDaysOfBothKindsRestoreAlike() throws Exception {
        String plain = "2016-07-27";
        String linked = "2016-07-28";
        swift.deleteContainers(plain, linked);
        Path keptPlain = dir.resolve("plain");
        backup(plain, keptPlain, Map.of("backup.dedup", "false"));
        backup(linked, dir.resolve("linked"), Map.of());
        String listing = String.join("\n", swift.run(dir, "list", plain, "--lh", "-p", plain + "/shards/"));
        assertTrue(listing.lines().noneMatch(l -> l.trim().startsWith("0 ")), "no link, every object holds its bytes:\n" + listing);
        swift.assertHoldsExactly(dir, plain, keptPlain);
        restore(plain);
        String plainRestore = summary(env.get("influx.intermediary.url"));
        restore(linked);
        assertEquals(plainRestore, summary(env.get("influx.intermediary.url")));
        assertEquals(summary(production), plainRestore);
    }

    private void assertRefused(String day, String problem) throws Exception {
        Exchange restore = run("direct:restore", at(day), Map.of(), Map.of(RestoreJob.DATE_HEADER, day));
        assertTrue(restore.isFailed(), "the restore must refuse the day");
        assertTrue(restore.getException().getMessage().contains(problem), restore.getException().getMessage());
        Path target = dir.resolve("fetched-" + System.nanoTime());
        JarRun fetch = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")), "fetch-shards", "--config",
                TestConfig.write(dir, env, Map.of("influx.database", DB)).toString(), "--date", day, "--dir", target.toString());
        assertTrue(fetch.exitCode() != 0 && (fetch.stdout() + fetch.stderr()).contains(problem), fetch.toString());
        if (Files.exists(target)) {
            try (Stream<Path> files = Files.walk(target)) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "nothing downloaded");
            }
        }
    }

    private void backup(String day, Path kept, Map<String, String> overrides) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(overrides), at(day))) {
            Exchange result = BackupIT.backupKeepingACopy(runtime, kept);
            assertFalse(result.isFailed(), () -> "backup of " + day + " failed: " + result.getException());
        }
    }

    private void restore(String day) throws Exception {
        Exchange result = run("direct:restore", at(day), Map.of(), Map.of(RestoreJob.DATE_HEADER, day));
        assertFalse(result.isFailed(), () -> "restore of " + day + " failed: " + result.getException());
    }

    private Exchange prune(Map<String, String> overrides, Map<String, Object> headers) throws Exception {
        Exchange result = run("direct:prune", Clock.fixed(Instant.parse("2016-07-22T00:45:00Z"), ZoneOffset.UTC), overrides, headers);
        assertFalse(result.isFailed(), () -> "prune failed: " + result.getException());
        return result;
    }

    private Exchange run(String endpoint, Clock clock, Map<String, String> overrides, Map<String, Object> headers) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(overrides), clock)) {
            return runtime.run(endpoint, headers);
        }
    }

    private Settings settings(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("influx.database", DB));
        values.putAll(overrides);
        return TestConfig.settings(TestConfig.write(dir, env, values), env.get("swift.key"));
    }

    private static Clock at(String day) {
        return Clock.fixed(Instant.parse(day + "T23:55:00Z"), ZoneOffset.UTC);
    }

    private FaultProxy proxyToSwift() throws Exception {
        URI swiftUrl = URI.create(env.get("swift.auth-url"));
        return FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort());
    }

    /** X-Account-Bytes-Used once Swift's container-updater has pushed every container's usage into the account. */
    private long accountBytesUsed() throws Exception {
        LocalServers.localEnv("account-update");
        return swift.run(dir, "stat").stream().map(String::trim).filter(l -> l.startsWith("Bytes:"))
                .map(l -> Long.parseLong(l.substring("Bytes:".length()).trim())).findFirst().orElseThrow();
    }

    /** The files whose bytes differ between two backups (or that only the second has). */
    private static Set<String> changedFiles(Path before, Path after) throws Exception {
        try (Stream<Path> files = Files.list(after)) {
            return files.filter(f -> !Files.exists(before.resolve(f.getFileName())) || !sha256(f).equals(sha256(before.resolve(f.getFileName()))))
                    .map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** The store's names of a backup's shard files. */
    private static Set<String> contents(Path kept) throws Exception {
        try (Stream<Path> files = Files.list(kept)) {
            return files.filter(f -> !f.getFileName().toString().equals("meta.00")).map(f -> "sha256/" + sha256(f))
                    .collect(Collectors.toSet());
        }
    }

    private static long bytes(Path dir, Set<String> files) {
        return files.stream().filter(f -> !f.equals("meta.00")).mapToLong(f -> dir.resolve(f).toFile().length()).sum();
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
