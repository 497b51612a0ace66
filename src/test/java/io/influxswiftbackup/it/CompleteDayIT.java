package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.day.DayMarks;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.ManifestLock;
import io.influxswiftbackup.dump.DumpJob;
import io.influxswiftbackup.it.FaultProxy.Fault;
import io.influxswiftbackup.restore.RestoreJob;
import io.influxswiftbackup.restore.RestoreRun;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a complete day is, on the real servers: the manifest lists exactly the day's objects with
 * the checksums of the stored bytes; a forced re-run in the other format leaves only its shards; a
 * day of the runbook's scripts (no manifest) restores with a warning; a killed backup leaves the
 * day marked and the restore refuses it unless forced; restore and download-dumps check every
 * object against the manifest, and fetch-shards the same way; two writers of one manifest do not
 * lose each other's objects; a backup finishing while a dump of the same day still writes leaves
 * the dump's mark, and the day refused; the single mark of earlier versions still counts. Days in
 * January 2013, February 2012 and (fetch-shards) January 2011.
 */
@ExtendWith(LocalServers.class)
class CompleteDayIT {

    static final String DB = "sensu_db";
    static final String DUMP_ONLY = "2013-01-01";
    static final String RERUN = "2013-01-02";
    static final String RUNBOOK = "2013-01-03";
    static final String KILLED = "2013-01-04";
    static final String COMPLETE = "2013-01-05";
    static final String TWO_WRITERS = "2013-01-06";
    static final String IN_PROGRESS = "2013-01-07";
    static final String NO_MANIFEST = "2013-01-08";
    static final String WRONG_SHA = "2013-01-09";
    static final String WRONG_SHARD_SHA = "2013-01-10";
    static final String TAMPERED_SHARD = "2011-01-01";
    static final String SHARDS_IN_PROGRESS = "2011-01-02";
    static final String SHARDS_NO_MANIFEST = "2011-01-03";
    static final String TWO_JOBS = "2012-02-01";
    static final String OLD_MARK = "2012-02-02";
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalServers.Environment env;
    static SwiftCli swift;
    static Map<String, String> key;
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    /** cpu_usage has a point on 2012-12-20, 2013-01-01 and 2013-01-05; 2013-01-05 is backed up, restored and dumped, 2013-01-01 dumped. */
    @BeforeAll
    static void makeACompleteDay() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        key = Map.of("SWIFT_KEY", env.get("swift.key"));
        swift.deleteContainers(containers());
        String production = env.get("influx.production.url");
        InfluxSnapshot.query(production, null, "CREATE DATABASE " + DB);
        InfluxFixture.writeLines(production, DB, null,
                "cpu_usage,host=a idle=1.5 " + Instant.parse(DUMP_ONLY + "T12:00:00Z").toEpochMilli() * 1_000_000L + "\n"
                + "cpu_usage,host=a idle=5.5 " + Instant.parse(COMPLETE + "T12:00:00Z").toEpochMilli() * 1_000_000L + "\n"
                // (another week: a second shard)
                + "cpu_usage,host=a idle=0.5 " + Instant.parse("2012-12-20T12:00:00Z").toEpochMilli() * 1_000_000L + "\n");
        Settings settings = sharedSettings();
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(COMPLETE + "T23:55:00Z"))) {
            Exchange backup = runtime.run("direct:backup", Map.of());
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at("2013-01-06T00:15:00Z"))) {
            Exchange restore = runtime.run("direct:restore", Map.of());
            assertFalse(restore.isFailed(), () -> String.valueOf(restore.getException()));
            for (String day : List.of(COMPLETE, DUMP_ONLY)) {
                Exchange dump = runtime.run("direct:dump", Map.of(DumpJob.DATE_HEADER, day));
                assertFalse(dump.isFailed(), () -> String.valueOf(dump.getException()));
            }
        }
    }

    /** Every day of this class, with its segment container. */
    static String[] containers() {
        List<String> containers = new ArrayList<>();
        for (String day : List.of(DUMP_ONLY, RERUN, RUNBOOK, KILLED, COMPLETE, TWO_WRITERS, IN_PROGRESS, NO_MANIFEST,
                WRONG_SHA, WRONG_SHARD_SHA, TAMPERED_SHARD, SHARDS_IN_PROGRESS, SHARDS_NO_MANIFEST, TWO_JOBS, OLD_MARK)) {
            containers.add(day);
            containers.add(day + "_segments");
        }
        return containers.toArray(String[]::new);
    }

    @AfterAll
    static void deleteTheDays() throws Exception {
        swift.deleteContainers(containers());
    }

    static Settings sharedSettings() throws Exception {
        return TestConfig.settings(TestConfig.write(shared, env, Map.of("dump.measurements", "cpu_usage")), env.get("swift.key"));
    }

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    static String dumpObject(String day) {
        return day + "/influxdb/cpu_usage_" + day + "-00:00:00_" + java.time.LocalDate.parse(day).plusDays(1) + "-00:00:00.json";
    }

    private Settings settings(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("dump.measurements", "cpu_usage", "dump.dir", shared.resolve("dump").toString()));
        values.putAll(overrides);
        return TestConfig.settings(TestConfig.write(dir, env, values), env.get("swift.key"));
    }

    /** A stand-in influxd: legacy names (one file of 300 bytes), or with -portable the portable format's. */
    private Path influxdStub() throws Exception {
        Path influxd = dir.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\nfor a; do d=\"$a\"; done\nmkdir -p \"$d\"\n"
                + "if [ \"$2\" = -portable ]; then\n"
                + "  printf 'pmeta\\n' > \"$d/20130102T235500Z.meta\"; printf 'pshard\\n' > \"$d/20130102T235500Z.s1.tar.gz\"\n"
                + "  printf '{}\\n' > \"$d/20130102T235500Z.manifest\"\n"
                + "else\n"
                + "  printf 'meta\\n' > \"$d/meta.00\"; head -c 300 /dev/zero | tr '\\0' x > \"$d/sensu_db.autogen.00001.00\"\n"
                + "fi\n");
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        return influxd;
    }

    private JsonNode manifest(String day) throws Exception {
        Path file = dir.resolve(day + "-manifest-" + System.nanoTime() + ".json");
        swift.run(dir, "download", day, day + "/manifest.json", "-o", file.toString());
        return JSON.readTree(file.toFile());
    }

    private static List<String> names(JsonNode manifest) {
        List<String> names = new ArrayList<>();
        manifest.path("objects").forEach(o -> names.add(o.path("name").asText()));
        return names;
    }

    private List<String> stat(String day) throws Exception {
        return swift.run(dir, "stat", day);
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    /** The runbook's own tool: sha256sum FILE. */
    private static String sha256sum(Path file) throws Exception {
        Process process = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, out);
        return out.split("\\s+")[0];
    }

    @Test
    void theManifestListsEveryObjectOfTheDayWithTheChecksumsOfTheBytesSwiftReturns() throws Exception {
        List<String> stored = new ArrayList<>(swift.listIfPresent(COMPLETE, COMPLETE + "/"));
        assertTrue(stored.remove(COMPLETE + "/manifest.json"), stored.toString());
        assertTrue(stored.contains(dumpObject(COMPLETE)), stored.toString());
        assertTrue(stored.stream().anyMatch(n -> n.startsWith(COMPLETE + "/shards/")), stored.toString());
        JsonNode manifest = manifest(COMPLETE);
        assertEquals("dump", manifest.path("job").asText(), "the dump wrote it last");
        assertEquals(stored, names(manifest), "exactly the day's objects");
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        for (JsonNode object : manifest.path("objects")) {
            String name = object.path("name").asText();
            swift.run(downloads, "download", COMPLETE, name);
            Path file = downloads.resolve(name);
            byte[] bytes = Files.readAllBytes(file);
            assertEquals(bytes.length, object.path("size").asLong(), name);
            assertEquals(md5(bytes), object.path("md5").asText(), name);
            assertEquals(sha256sum(file), object.path("sha256").asText(), name);
            boolean dump = name.contains("/influxdb/");
            assertEquals(dump ? "dump" : "shard", object.path("kind").asText(), name);
            if (dump) {
                assertEquals(1, object.path("records").asLong(), "one point of cpu_usage on " + COMPLETE);
            }
        }
    }

    @Test
    void aForcedReRunInThePortableFormatLeavesExactlyItsShardsAndDeletesTheLegacyOnesWithTheirSegments() throws Exception {
        // plain objects: the day's own large objects, whose segments in D_segments go with them
        Settings settings = settings(Map.of("influx.influxd", influxdStub().toString(), "swift.segment-size", "128",
                "backup.dedup", "false"));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(RERUN + "T23:55:00Z"))) {
            Exchange legacy = runtime.run("direct:backup", Map.of());
            assertFalse(legacy.isFailed(), () -> String.valueOf(legacy.getException()));
        }
        assertEquals(List.of(RERUN + "/shards/meta.00", RERUN + "/shards/sensu_db.autogen.00001.00"),
                names(manifest(RERUN)));
        List<String> segments = swift.listIfPresent(RERUN + "_segments", "");
        assertEquals(3, segments.size(), "300 bytes in segments of 128: " + segments);

        Settings portable = settings(Map.of("influx.influxd", influxdStub().toString(), "swift.segment-size", "128",
                "backup.format", "portable", "backup.dedup", "false"));
        try (LogCapture log = new LogCapture(DayStore.class);
             JobRuntime runtime = JobRuntime.startOnce(portable, at(RERUN + "T23:55:00Z"))) {
            Exchange again = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
            assertFalse(again.isFailed(), () -> String.valueOf(again.getException()));
            assertEquals(List.of(
                    "INFO Deleted " + RERUN + "/shards/meta.00 from container " + RERUN + ": the day's manifest no longer lists it",
                    "INFO Deleted " + RERUN + "/shards/sensu_db.autogen.00001.00 from container " + RERUN
                            + ": the day's manifest no longer lists it"), log.lines("Deleted " + RERUN + "/"));
            assertEquals(3, log.lines("Deleted segment " + RERUN + "/shards/sensu_db.autogen.00001.00/slo/").size(), log.lines().toString());
        }
        List<String> portableShards = List.of(RERUN + "/shards/20130102T235500Z.manifest", RERUN + "/shards/20130102T235500Z.meta",
                RERUN + "/shards/20130102T235500Z.s1.tar.gz");
        List<String> all = new ArrayList<>(portableShards);
        all.add(0, RERUN + "/manifest.json");
        assertEquals(all, swift.listIfPresent(RERUN, RERUN + "/"), "exactly the new shards in Swift");
        assertEquals(portableShards, names(manifest(RERUN)), "and in the manifest");
        assertEquals(List.of(), swift.listIfPresent(RERUN + "_segments", ""), "the old shard's segments are gone");
        assertTrue(stat(RERUN).stream().noneMatch(l -> l.contains("In-Progress")));
    }

    @Test
    void aDayWithoutManifestIsRestoredWithAWarning() throws Exception {
        Settings settings = settings(Map.of());
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(RUNBOOK + "T23:55:00Z"))) {
            Exchange backup = runtime.run("direct:backup", Map.of());
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
        // As the runbook's scripts leave a day: shards, no manifest.
        swift.run(dir, "delete", RUNBOOK, RUNBOOK + "/manifest.json");
        try (LogCapture log = new LogCapture(DayStore.class);
             JobRuntime runtime = JobRuntime.startOnce(settings, at("2013-01-04T00:15:00Z"))) {
            Exchange restore = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, RUNBOOK));
            assertFalse(restore.isFailed(), () -> String.valueOf(restore.getException()));
            assertEquals(List.of("WARN Day " + RUNBOOK + " has no manifest (" + RUNBOOK + "/manifest.json missing: made by the"
                    + " runbook's scripts?); restoring its shards as listed"), log.lines("has no manifest"));
        }
    }

    @Test
    void aBackupKilledDuringItsUploadsLeavesTheDayMarkedAndTheRestoreRefusesItUnlessForced() throws Exception {
        URI swiftUrl = URI.create(env.get("swift.auth-url"));
        try (FaultProxy proxy = FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort())) {
            // Swift never answers the upload of one shard: the backup waits there until it is killed.
            // (the second shard: the first is in Swift then, so the forced restore has data to restore)
            int[] shardPuts = {0};
            proxy.inject(Fault.STALL_RESPONSE, 1, r -> r.method().equals("PUT") && r.path().contains("/" + KILLED + "/shards/" + DB + ".")
                    && ++shardPuts[0] == 2);
            Path config = TestConfig.write(dir, env, Map.of("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test",
                    "swift.concurrency", "1"));
            JarRun.Running backup = JarRun.start(dir, key, "backup", "--config", config.toString(), "--date", KILLED);
            proxy.await(r -> r.fault() == Fault.STALL_RESPONSE, Duration.ofSeconds(120));
            backup.process().destroyForcibly();
            assertTrue(backup.process().waitFor(30, TimeUnit.SECONDS));
        }
        List<String> stat = stat(KILLED);
        assertTrue(stat.stream().anyMatch(l -> l.matches("\\s*Meta In-Progress-Backup: backup \\d{8}T\\d{6}Z-[0-9a-f]{4}")), stat.toString());
        assertFalse(swift.listIfPresent(KILLED, KILLED + "/").contains(KILLED + "/manifest.json"), "no manifest");

        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), at("2013-01-05T00:15:00Z"))) {
            Exchange refused = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, KILLED));
            assertTrue(refused.isFailed());
            assertTrue(refused.getException().getMessage().matches("day " + KILLED + " is incomplete: container " + KILLED
                    + " is still marked in progress \\(backup \\d{8}T\\d{6}Z-[0-9a-f]{4}\\); restore it anyway with --force"),
                    refused.getException().getMessage());

            Exchange forced = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, KILLED, RestoreJob.FORCE_HEADER, true));
            assertFalse(forced.isFailed(), () -> "--force restores what is there: " + forced.getException());
        }
    }

    @Test
    void theRestoreRefusesAShardWhoseSha256IsNotTheManifests() throws Exception {
        Settings settings = settings(Map.of("influx.influxd", influxdStub().toString()));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(WRONG_SHARD_SHA + "T23:55:00Z"))) {
            assertFalse(runtime.run("direct:backup", Map.of()).isFailed());
        }
        ObjectNode manifest = (ObjectNode) manifest(WRONG_SHARD_SHA);
        ObjectNode meta = (ObjectNode) manifest.path("objects").path(0);
        assertEquals(WRONG_SHARD_SHA + "/shards/meta.00", meta.path("name").asText());
        String right = meta.path("sha256").asText();
        meta.put("sha256", "0".repeat(64));
        swift.put(WRONG_SHARD_SHA, WRONG_SHARD_SHA + "/manifest.json", JSON.writeValueAsBytes(manifest));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at("2013-01-11T00:15:00Z"))) {
            Exchange restore = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, WRONG_SHARD_SHA));
            assertTrue(restore.isFailed());
            assertTrue(restore.getException().getMessage().contains("download of " + WRONG_SHARD_SHA + "/shards/meta.00 does not"
                    + " match the day's manifest: SHA-256 of the bytes received is " + right + ", the manifest says " + "0".repeat(64)),
                    restore.getException().getMessage());
        }
    }

    private JarRun downloadDumps(Path target, String... selection) throws Exception {
        Path config = TestConfig.write(dir, env, Map.of("dump.measurements", "cpu_usage"));
        List<String> args = new ArrayList<>(List.of("download-dumps", "--config", config.toString(), "--dir", target.toString()));
        args.addAll(List.of(selection));
        return JarRun.run(dir, key, args.toArray(String[]::new));
    }

    private static List<String> filesIn(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String fileName(String object) {
        return object.substring(object.lastIndexOf('/') + 1);
    }

    @Test
    void downloadDumpsChecksEachFileAgainstItsDaysManifestAndRefusesAMismatch() throws Exception {
        Path good = dir.resolve("good");
        JarRun ok = downloadDumps(good, "--date", DUMP_ONLY);
        assertEquals(0, ok.exitCode(), ok.toString());
        assertEquals(List.of(fileName(dumpObject(DUMP_ONLY))), filesIn(good));
        JsonNode dumpOnly = manifest(DUMP_ONLY);
        assertEquals(List.of(dumpObject(DUMP_ONLY)), names(dumpOnly), "a day the dump alone wrote");
        assertEquals(sha256sum(good.resolve(fileName(dumpObject(DUMP_ONLY)))), dumpOnly.path("objects").path(0).path("sha256").asText());

        // A stray writer replaces the object: Swift's own checksums match the new bytes, the manifest does not.
        byte[] stray = "{\"tampered\":true}\n".getBytes(StandardCharsets.UTF_8);
        swift.put(DUMP_ONLY, dumpObject(DUMP_ONLY), stray);
        Path tampered = dir.resolve("tampered");
        JarRun refused = downloadDumps(tampered, "--date", DUMP_ONLY);
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.toString().contains("refused " + dumpObject(DUMP_ONLY) + ": Swift's object differs from the day's"
                + " manifest (" + stray.length + " bytes, the manifest says "), refused.toString());
        assertEquals(List.of(), filesIn(tampered), "nothing written");

        // Same size and MD5, another SHA-256 in the manifest: found after the download, the file deleted.
        byte[] body = "{\"idle\":9.5}\n".getBytes(StandardCharsets.UTF_8);
        swift.run(dir, "post", WRONG_SHA);
        swift.put(WRONG_SHA, dumpObject(WRONG_SHA), body);
        ObjectNode manifest = JSON.createObjectNode().put("day", WRONG_SHA);
        manifest.putArray("objects").addObject().put("name", dumpObject(WRONG_SHA)).put("size", body.length)
                .put("md5", md5(body)).put("sha256", "1".repeat(64)).put("kind", "dump");
        swift.put(WRONG_SHA, WRONG_SHA + "/manifest.json", JSON.writeValueAsBytes(manifest));
        Path wrongSha = dir.resolve("wrong-sha");
        JarRun failed = downloadDumps(wrongSha, "--date", WRONG_SHA);
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.toString().contains("download of " + dumpObject(WRONG_SHA) + " does not match the day's manifest:"
                + " SHA-256 of the bytes received is "), failed.toString());
        assertEquals(List.of(), filesIn(wrongSha), "the download is deleted");
    }

    @Test
    void downloadDumpsRefusesADayInProgressUnlessForcedAndWarnsAboutADayWithoutManifest() throws Exception {
        for (String day : List.of(IN_PROGRESS, NO_MANIFEST)) {
            swift.run(dir, "post", day);
            swift.put(day, dumpObject(day), ("{\"day\":\"" + day + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        // (the single key of earlier versions: it still marks the day)
        swift.run(dir, "post", IN_PROGRESS, "-m", "In-Progress:dump 20130108T003000Z-beef");
        Path target = dir.resolve("target");
        JarRun refused = downloadDumps(target, "--from", IN_PROGRESS, "--to", NO_MANIFEST);
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.toString().contains("day " + IN_PROGRESS + " is incomplete: still marked in progress (dump"
                + " 20130108T003000Z-beef); its dump files are not downloaded (use --force to download them anyway)"), refused.toString());
        assertTrue(refused.stdout().contains("Day " + NO_MANIFEST + " has no manifest"), refused.toString());
        assertEquals(List.of(fileName(dumpObject(NO_MANIFEST))), filesIn(target), "the day without manifest is downloaded");

        JarRun forced = downloadDumps(target, "--from", IN_PROGRESS, "--to", NO_MANIFEST, "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertEquals(List.of(fileName(dumpObject(IN_PROGRESS)), fileName(dumpObject(NO_MANIFEST))), filesIn(target));
    }

    @Test
    void aSecondWriterWaitsForTheManifestLockAndMergesWhatTheFirstWrote() throws Exception {
        // The first writer (a dump of the same day, on another host) holds the lock while it writes its manifest.
        swift.run(dir, "post", TWO_WRITERS);
        byte[] dumped = "{\"idle\":6.5}\n".getBytes(StandardCharsets.UTF_8);
        swift.put(TWO_WRITERS, dumpObject(TWO_WRITERS), dumped);
        swift.put(TWO_WRITERS, new io.influxswiftbackup.day.Day(java.time.LocalDate.parse(TWO_WRITERS)).manifestLock(),
                "dump 20130107T003000Z-beef".getBytes(StandardCharsets.UTF_8));
        Settings settings = settings(Map.of("influx.influxd", influxdStub().toString(), "manifest.lock-retry-ms", "20",
                "manifest.lock-tries", "3000"));
        try (LogCapture log = new LogCapture(ManifestLock.class);
             JobRuntime runtime = JobRuntime.startOnce(settings, at(TWO_WRITERS + "T23:55:00Z"))) {
            CompletableFuture<Exchange> backup = CompletableFuture.supplyAsync(() -> runtime.run("direct:backup", Map.of()));
            log.await(l -> l.contains("Waiting for " + TWO_WRITERS + "/manifest.lock"), Duration.ofSeconds(120));
            // Meanwhile the first writer's manifest goes in, then its lock goes.
            ObjectNode first = JSON.createObjectNode().put("day", TWO_WRITERS).put("job", "dump");
            first.putArray("objects").addObject().put("name", dumpObject(TWO_WRITERS)).put("size", dumped.length)
                    .put("md5", md5(dumped)).put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dumped)))
                    .put("kind", "dump").put("records", 1);
            swift.put(TWO_WRITERS, TWO_WRITERS + "/manifest.json", JSON.writeValueAsBytes(first));
            swift.run(dir, "delete", TWO_WRITERS, TWO_WRITERS + "/manifest.lock");
            Exchange done = backup.get(120, TimeUnit.SECONDS);
            assertFalse(done.isFailed(), () -> String.valueOf(done.getException()));
        }
        JsonNode manifest = manifest(TWO_WRITERS);
        assertEquals(List.of(dumpObject(TWO_WRITERS), TWO_WRITERS + "/shards/meta.00", TWO_WRITERS + "/shards/sensu_db.autogen.00001.00"),
                names(manifest), "the dump's object kept, the backup's added");
        assertEquals(List.of(dumpObject(TWO_WRITERS), TWO_WRITERS + "/manifest.json", TWO_WRITERS + "/shards/meta.00",
                TWO_WRITERS + "/shards/sensu_db.autogen.00001.00"), swift.listIfPresent(TWO_WRITERS, TWO_WRITERS + "/"),
                "the lock is gone");

        // A lock that is never released: the run gives up, the day stays marked, the manifest as it was.
        swift.put(TWO_WRITERS, TWO_WRITERS + "/manifest.lock", "dump 20130107T003000Z-beef".getBytes(StandardCharsets.UTF_8));
        Settings impatient = settings(Map.of("influx.influxd", influxdStub().toString(), "manifest.lock-retry-ms", "10",
                "manifest.lock-tries", "3"));
        try (JobRuntime runtime = JobRuntime.startOnce(impatient, at(TWO_WRITERS + "T23:55:00Z"))) {
            Exchange blocked = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
            assertTrue(blocked.isFailed());
            assertEquals("cannot write the manifest of day " + TWO_WRITERS + ": " + TWO_WRITERS + "/manifest.lock is held by"
                    + " another run (a backup or dump of the same day writing its manifest) after 3 tries 10 ms apart; a lock"
                    + " left by a killed run expires by itself (manifest.lock-expiry-seconds)", blocked.getException().getMessage());
        }
        assertEquals(manifest, manifest(TWO_WRITERS));
        assertTrue(stat(TWO_WRITERS).stream().anyMatch(l -> l.contains("In-Progress-Backup: backup")), stat(TWO_WRITERS).toString());
        swift.run(dir, "delete", TWO_WRITERS, TWO_WRITERS + "/manifest.lock");

        // A lock left by a killed run (created as the tool creates it, expiring): once it expires the next run takes it.
        Path left = Files.writeString(dir.resolve("left-lock"), "backup 20130106T235500Z-dead");
        Settings patient = settings(Map.of("influx.influxd", influxdStub().toString(), "manifest.lock-retry-ms", "100",
                "manifest.lock-tries", "600"));
        try (LogCapture log = new LogCapture(ManifestLock.class);
             JobRuntime runtime = JobRuntime.startOnce(patient, at(TWO_WRITERS + "T23:55:00Z"))) {
            swift.run(dir, "upload", TWO_WRITERS, left.toString(), "--object-name", TWO_WRITERS + "/manifest.lock",
                    "-H", "X-Delete-After:15");
            Exchange after = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
            assertFalse(after.isFailed(), () -> String.valueOf(after.getException()));
            assertEquals(1, log.lines("Waiting for " + TWO_WRITERS + "/manifest.lock").size(), "it found the lock held first");
        }
        assertTrue(stat(TWO_WRITERS).stream().noneMatch(l -> l.contains("In-Progress")), stat(TWO_WRITERS).toString());
        assertEquals(names(manifest), names(manifest(TWO_WRITERS)));
    }

    private JarRun fetchShards(Path target, String day, String... more) throws Exception {
        Path config = TestConfig.write(dir, env, Map.of());
        List<String> args = new ArrayList<>(List.of("fetch-shards", "--config", config.toString(), "--date", day, "--dir", target.toString()));
        args.addAll(List.of(more));
        return JarRun.run(dir, key, args.toArray(String[]::new));
    }

    /** A day backed up by the stand-in influxd: meta.00 ("meta\n") and sensu_db.autogen.00001.00 (300 bytes of x), with its manifest. */
    private void backUpWithTheStub(String day) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of("influx.influxd", influxdStub().toString())), at(day + "T23:55:00Z"))) {
            Exchange backup = runtime.run("direct:backup", Map.of());
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
    }

    private static final String STUB_SHARD = "sensu_db.autogen.00001.00";

    private static Map<String, String> stubShards() {
        return Map.of("meta.00", "meta\n", STUB_SHARD, "x".repeat(300));
    }

    private static Map<String, String> contents(Path directory) throws Exception {
        Map<String, String> contents = new java.util.TreeMap<>();
        for (String name : filesIn(directory)) {
            contents.put(name, Files.readString(directory.resolve(name)));
        }
        return contents;
    }

    @Test
    void fetchShardsOfACompleteDayGivesTheStoredFilesWithTheManifestsSha256() throws Exception {
        Path target = dir.resolve("fetched");
        JarRun run = fetchShards(target, COMPLETE);
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("has no manifest"), run.toString());
        Path fetched = target.resolve(COMPLETE + "/shards");
        Path runbook = Files.createDirectories(dir.resolve("runbook"));
        swift.run(runbook, "download", COMPLETE, "-p", COMPLETE + "/shards/");
        List<String> files = filesIn(fetched);
        assertEquals(filesIn(runbook.resolve(COMPLETE + "/shards")), files);
        Map<String, String> shas = new HashMap<>();
        manifest(COMPLETE).path("objects").forEach(o -> {
            if (o.path("kind").asText().equals("shard")) {
                shas.put(fileName(o.path("name").asText()), o.path("sha256").asText());
            }
        });
        assertEquals(shas.keySet(), new java.util.HashSet<>(files), "every shard of the manifest, nothing else");
        assertTrue(files.size() >= 3, "meta.00 and two shards: " + files);
        for (String file : files) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(runbook.resolve(COMPLETE + "/shards/" + file)),
                    Files.readAllBytes(fetched.resolve(file))), file);
            assertEquals(shas.get(file), sha256sum(fetched.resolve(file)), file);
        }
    }

    @Test
    void fetchShardsRefusesAShardAStrayWriterReplacedAndFetchesTheOthers() throws Exception {
        backUpWithTheStub(TAMPERED_SHARD);
        Path source = dir.resolve("source");
        Path clean = fetchShardsInto(source, TAMPERED_SHARD);
        assertEquals(stubShards(), contents(clean), "the files the backup stored");

        // Same size, other bytes: Swift's own checksums match them, the manifest's MD5 does not.
        String shard = TAMPERED_SHARD + "/shards/" + STUB_SHARD;
        swift.put(TAMPERED_SHARD, shard, "y".repeat(300).getBytes(StandardCharsets.UTF_8));
        Path target = dir.resolve("tampered");
        JarRun refused = fetchShards(target, TAMPERED_SHARD);
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().startsWith("error: 1 object(s) not downloaded: refused " + shard + ": Swift's object differs"
                + " from the day's manifest (MD5 " + md5("y".repeat(300).getBytes(StandardCharsets.UTF_8)) + ", the manifest says "
                + md5("x".repeat(300).getBytes(StandardCharsets.UTF_8)) + "); nothing written"), refused.toString());
        assertEquals(Map.of("meta.00", "meta\n"), contents(target.resolve(TAMPERED_SHARD + "/shards")),
                "no file under the tampered shard's name; the other shard fetched");
        assertFalse(refused.stdout().contains("influxd restore"), "no restore advice for a day not fetched whole");
    }

    private Path fetchShardsInto(Path target, String day) throws Exception {
        JarRun run = fetchShards(target, day);
        assertEquals(0, run.exitCode(), run.toString());
        return target.resolve(day + "/shards");
    }

    @Test
    void fetchShardsRefusesADayInProgressUnlessForced() throws Exception {
        backUpWithTheStub(SHARDS_IN_PROGRESS);
        swift.run(dir, "post", SHARDS_IN_PROGRESS, "-m", "In-Progress:backup 20110102T235500Z-beef");
        Path target = dir.resolve("target");
        JarRun refused = fetchShards(target, SHARDS_IN_PROGRESS);
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals(List.of("error: 1 object(s) not downloaded: day " + SHARDS_IN_PROGRESS + " is incomplete: still marked in"
                + " progress (backup 20110102T235500Z-beef); its shards are not downloaded (use --force to download them anyway)"),
                refused.stderrLines(), refused.toString());
        assertEquals(List.of(), filesIn(target.resolve(SHARDS_IN_PROGRESS + "/shards")), "nothing fetched");

        JarRun forced = fetchShards(target, SHARDS_IN_PROGRESS, "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(forced.stdout().contains("Day " + SHARDS_IN_PROGRESS + " is incomplete (marked in progress: backup"
                + " 20110102T235500Z-beef); --force given, downloading what is there"), forced.toString());
        assertEquals(stubShards(), contents(target.resolve(SHARDS_IN_PROGRESS + "/shards")));
    }

    @Test
    void fetchShardsOfADayWithoutManifestWarnsAndFetches() throws Exception {
        backUpWithTheStub(SHARDS_NO_MANIFEST);
        swift.run(dir, "delete", SHARDS_NO_MANIFEST, SHARDS_NO_MANIFEST + "/manifest.json");
        Path target = dir.resolve("target");
        JarRun run = fetchShards(target, SHARDS_NO_MANIFEST);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("Day " + SHARDS_NO_MANIFEST + " has no manifest (" + SHARDS_NO_MANIFEST + "/manifest.json"
                + " missing: made by the runbook's scripts?); its shards are verified against Swift's checksums only"), run.toString());
        assertEquals(stubShards(), contents(target.resolve(SHARDS_NO_MANIFEST + "/shards")));
        assertTrue(run.stdout().contains("influxd restore -online -db " + DB), run.toString());
    }

    private static List<String> marks(List<String> stat) {
        return stat.stream().map(String::trim).filter(l -> l.startsWith("Meta In-Progress")).sorted().toList();
    }

    @Test
    void aBackupFinishingWhileADumpOfTheDayStillWritesLeavesTheDumpsMarkAndTheDayRefused() throws Exception {
        Settings settings = settings(Map.of("influx.influxd", influxdStub().toString()));
        String dumpMark = "dump 20120202T003000Z-beef";
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(TWO_JOBS + "T23:55:00Z"))) {
            // A dump of the day (another host) has marked it and is still uploading.
            swift.run(dir, "post", "-H", "X-Container-Meta-In-Progress-Dump: " + dumpMark, TWO_JOBS);
            // The backup of the same day runs and finishes first: it clears its own mark only.
            Exchange backup = runtime.run("direct:backup", Map.of());
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
        assertEquals(List.of("Meta In-Progress-Dump: " + dumpMark), marks(stat(TWO_JOBS)), "the dump's mark stays");
        assertTrue(swift.listIfPresent(TWO_JOBS, TWO_JOBS + "/").contains(TWO_JOBS + "/manifest.json"), "the backup wrote its manifest");

        Settings restoring = settings(Map.of());
        try (JobRuntime runtime = JobRuntime.startOnce(restoring, at("2012-02-02T00:15:00Z"))) {
            Exchange refused = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, TWO_JOBS, RestoreJob.DRY_RUN_HEADER, true));
            assertTrue(refused.isFailed(), "the day is incomplete while the dump writes");
            assertEquals("day " + TWO_JOBS + " is incomplete: container " + TWO_JOBS + " is still marked in progress (" + dumpMark
                    + "); restore it anyway with --force", refused.getException().getMessage());

            // The dump writes its manifest and clears its mark: now the day is complete.
            swift.run(dir, "post", "-H", "X-Remove-Container-Meta-In-Progress-Dump: x", TWO_JOBS);
            assertEquals(List.of(), marks(stat(TWO_JOBS)));
            Exchange accepted = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, TWO_JOBS, RestoreJob.DRY_RUN_HEADER, true));
            assertFalse(accepted.isFailed(), () -> String.valueOf(accepted.getException()));
        }
    }

    @Test
    void theSingleMarkOfEarlierVersionsIsStillRefusedAndABackupThatCompletesTheDayRemovesIt() throws Exception {
        Settings settings = settings(Map.of("influx.influxd", influxdStub().toString()));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(OLD_MARK + "T23:55:00Z"))) {
            assertFalse(runtime.run("direct:backup", Map.of()).isFailed());
        }
        // An earlier version's dump of the day, still writing (or killed): the single key.
        swift.run(dir, "post", OLD_MARK, "-m", "In-Progress:dump 20120203T003000Z-0ld1");
        assertEquals(List.of("Meta In-Progress: dump 20120203T003000Z-0ld1"), marks(stat(OLD_MARK)));
        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), at("2012-02-03T00:15:00Z"))) {
            Exchange refused = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, OLD_MARK, RestoreJob.DRY_RUN_HEADER, true));
            assertTrue(refused.isFailed());
            assertEquals("day " + OLD_MARK + " is incomplete: container " + OLD_MARK + " is still marked in progress"
                    + " (dump 20120203T003000Z-0ld1); restore it anyway with --force", refused.getException().getMessage());
        }
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(OLD_MARK + "T23:55:00Z"))) {
            Exchange again = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
            assertFalse(again.isFailed(), () -> String.valueOf(again.getException()));
        }
        assertEquals(List.of(), marks(stat(OLD_MARK)), "the backup that completes the day removes the old key too");
        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), at("2012-02-03T00:15:00Z"))) {
            Exchange accepted = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, OLD_MARK, RestoreJob.DRY_RUN_HEADER, true));
            assertFalse(accepted.isFailed(), () -> String.valueOf(accepted.getException()));
        }
    }
}
