package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.restore.RestoreRun;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores on the real servers: every point of production comes back on the intermediary, in both
 * backup formats; production itself after a disaster; and failures that leave the intermediary
 * answering with the data it held before.
 */
@ExtendWith(LocalServers.class)
class RestoreIT {

    static final String DB = "sensu_db";
    static LocalServers.Environment env;
    static SwiftCli swift;
    static String production;
    static String intermediary;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeTheFixture() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        production = env.get("influx.production.url");
        intermediary = env.get("influx.intermediary.url");
        swift.deleteContainers("2016-08-01", "2016-08-03", "2016-08-07", "2016-08-05", "2016-08-10", "2016-08-11", "2016-08-12");
        InfluxFixture.Summary written = InfluxFixture.write(production, DB);
        assertTrue(InfluxSnapshot.shards(production, DB).size() > 20, "the fixture must make more than 20 shards");
        assertTrue(written.totalPoints() > 1000, written.toString());
    }

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private Settings settings(Map<String, String> overrides) throws IOException {
        return TestConfig.settings(TestConfig.write(dir, env, overrides), env.get("swift.key"));
    }

    private void backup(String day, Map<String, String> overrides) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(overrides), at(day + "T23:55:00Z"))) {
            Exchange result = runtime.run("direct:backup", Map.of());
            assertFalse(result.isFailed(), () -> "backup of " + day + " failed: " + result.getException());
        }
    }

    /** The nightly job: the day before the clock's, into the intermediary. */
    private Exchange restoreNightly(String clock, Map<String, String> overrides, Settings[] used) throws Exception {
        Settings settings = settings(overrides);
        used[0] = settings;
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(clock))) {
            Exchange result = runtime.run("direct:restore", Map.of());
            assertEquals(result.isFailed() ? 0L : 1L, BackupIT.routeAttribute(settings, "restore", "ExchangesCompleted"));
            assertEquals(result.isFailed() ? 1L : 0L, BackupIT.routeAttribute(settings, "restore", "ExchangesFailed"));
            assertEquals(result.isFailed() ? "failure" : "success", Monitoring.job("restore", "LastOutcome"));
            if (!result.isFailed()) {
                RestoreRun run = result.getProperty(RestoreRun.PROPERTY, RestoreRun.class);
                assertEquals((long) run.objectCount(), Monitoring.job("restore", "LastFiles"), "every object downloaded and verified");
                assertEquals(run.objectBytes(), Monitoring.job("restore", "LastBytes"));
            }
            return result;
        }
    }

    private void assertRestoredEveryPoint(String format, String day) throws Exception {
        backup(day, Map.of("backup.format", format));
        InfluxSnapshot before = InfluxSnapshot.take(production, DB);
        Settings[] settings = new Settings[1];
        // Pages of 5 names: the day's 20-odd objects come in several pages.
        Exchange result = restoreNightly(Instant.parse(day + "T00:15:00Z").plusSeconds(86400).toString(),
                Map.of("swift.listing-page-size", "5"), settings);
        assertFalse(result.isFailed(), () -> "restore failed: " + result.getException());
        InfluxSnapshot.assertEqual(before, InfluxSnapshot.take(intermediary, DB));
        assertEquals(day + "\n", Files.readString(dir.resolve("dump/restored-day")));
        assertEquals(List.of(), BackupIT.runDirs(dir.resolve("work")), "the downloads are deleted");
        for (String key : new String[] {"metadir", "datadir", "waldir"}) {
            assertFalse(Files.exists(Path.of(env.get("influx.intermediary." + key) + ".previous")), key + ".previous is removed");
        }
    }

    @Test
    void theLegacyFormatRestoresEveryPointIntoTheIntermediary() throws Exception {
        assertRestoredEveryPoint("legacy", "2016-08-01");
        assertTrue(swift.run(dir, "list", "2016-08-01", "-p", "2016-08-01/shards/").contains("2016-08-01/shards/meta.00"));
    }

    @Test
    void thePortableFormatRestoresEveryPointIntoTheIntermediary() throws Exception {
        assertRestoredEveryPoint("portable", "2016-08-03");
        List<String> objects = swift.run(dir, "list", "2016-08-03", "-p", "2016-08-03/shards/");
        assertTrue(objects.stream().allMatch(n -> n.matches("2016-08-03/shards/\\d{8}T\\d{6}Z\\.(meta|manifest|s\\d+\\.tar\\.gz)")),
                objects.toString());
    }

    @Test
    void disasterDrillRestoresProductionItself() throws Exception {
        backup("2016-08-05", Map.of());
        InfluxSnapshot before = InfluxSnapshot.take(production, DB);
        Path config = TestConfig.write(dir, env, Map.of());
        Map<String, String> key = Map.of("SWIFT_KEY", env.get("swift.key"));

        JarRun dryRun = JarRun.run(dir, key, "restore", "--config", config.toString(), "--date", "2016-08-05",
                "--target", "production", "--dry-run");
        assertEquals(0, dryRun.exitCode(), dryRun.toString());
        assertTrue(dryRun.stdout().startsWith("Dry run: restore of day 2016-08-05 (legacy format) into the production InfluxDB"),
                dryRun.toString());
        InfluxSnapshot.assertEqual(before, InfluxSnapshot.take(production, DB));

        JarRun refused = JarRun.run(dir, key, "restore", "--config", config.toString(), "--date", "2016-08-05",
                "--target", "production");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals("error: production database sensu_db exists and holds data; restore beside it with --newdb NAME,"
                + " or replace it with --force", refused.stderr().strip());

        JarRun beside = JarRun.run(dir, key, "restore", "--config", config.toString(), "--date", "2016-08-05",
                "--target", "production", "--newdb", "sensu_db_beside");
        assertEquals(0, beside.exitCode(), beside.toString());
        InfluxSnapshot.assertEqual(before, InfluxSnapshot.take(production, "sensu_db_beside"));
        InfluxSnapshot.query(production, null, "DROP DATABASE sensu_db_beside");

        InfluxSnapshot.query(production, null, "DROP DATABASE " + DB);
        JarRun restored = JarRun.run(dir, key, "restore", "--config", config.toString(), "--date", "2016-08-05",
                "--target", "production");
        assertEquals(0, restored.exitCode(), restored.toString());
        InfluxSnapshot.assertEqual(before, InfluxSnapshot.take(production, DB));

        InfluxFixture.writeLines(production, DB, null, "written_after_the_backup value=1 1470000000000000000\n");
        JarRun forced = JarRun.run(dir, key, "restore", "--config", config.toString(), "--date", "2016-08-05",
                "--target", "production", "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        InfluxSnapshot.assertEqual(before, InfluxSnapshot.take(production, DB));
    }

    @Test
    void failuresLeaveTheIntermediaryWithThePreviousDay() throws Exception {
        backup("2016-08-10", Map.of());
        backup("2016-08-12", Map.of());
        Settings[] used = new Settings[1];
        assertFalse(restoreNightly("2016-08-11T00:15:00Z", Map.of(), used).isFailed());
        InfluxSnapshot held = InfluxSnapshot.take(intermediary, DB);
        Path config = TestConfig.write(dir, env, Map.of());
        Map<String, String> key = Map.of("SWIFT_KEY", env.get("swift.key"));

        JarRun missing = JarRun.run(dir, key, "restore", "--config", config.toString(), "--date", "2016-08-11");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertEquals("error: no backup for day 2016-08-11: container 2016-08-11 holds no object under 2016-08-11/shards/",
                missing.stderr().strip());
        assertHolds(held, "2016-08-10");

        corruptStoredObject("2016-08-12", "2016-08-12/shards/meta.00");
        JarRun corrupt = JarRun.run(dir, key, "restore", "--config", config.toString(), "--date", "2016-08-12");
        assertEquals(1, corrupt.exitCode(), corrupt.toString());
        assertTrue(corrupt.stderr().startsWith("error: download of 2016-08-12/shards/meta.00 in container 2016-08-12 is corrupt: "),
                corrupt.toString());
        assertHolds(held, "2016-08-10");

        Path failOnce = failingOnce(env.get("influx.intermediary.start-command"));
        Exchange failedStart = restoreNightly("2016-08-11T00:15:00Z",
                Map.of("influx.intermediary.start-command", failOnce.toString()), used);
        assertTrue(failedStart.isFailed());
        assertTrue(failedStart.getException().getMessage().endsWith("exited 1: start refused (simulated)"),
                failedStart.getException().getMessage());
        assertHolds(held, "2016-08-10");
        assertEquals(List.of(), BackupIT.runDirs(dir.resolve("work")), "failed runs delete their downloads too");
    }

    @Test
    void listShowsTheDaysAndADaysObjects() throws Exception {
        backup("2016-08-07", Map.of("swift.listing-page-size", "2"));
        Path config = TestConfig.write(dir, env, Map.of("swift.listing-page-size", "2"));
        Map<String, String> key = Map.of("SWIFT_KEY", env.get("swift.key"));
        swift.run(dir, "post", "not-a-day");
        JarRun days = JarRun.run(dir, key, "list", "--config", config.toString());
        assertEquals(0, days.exitCode(), days.toString());
        List<String> listed = days.stdout().lines().map(l -> l.split(" ")[0]).toList();
        assertTrue(listed.contains("2016-08-07") && !listed.contains("not-a-day"), listed.toString());
        assertTrue(days.stdout().lines().anyMatch(l -> l.matches("2016-08-07  complete +\\d+ objects +\\d+ bytes +\\d+ added")), days.stdout());
        JarRun objects = JarRun.run(dir, key, "list", "--config", config.toString(), "--date", "2016-08-07");
        assertEquals(0, objects.exitCode(), objects.toString());
        List<String> expected = swift.run(dir, "list", "2016-08-07");
        List<String> shown = objects.stdout().lines().skip(1).map(l -> l.strip().split("  ", 2)[1]).toList();
        assertEquals(expected, shown);
    }

    /** The intermediary still answers with the day it held, and says so in restored-day. */
    private void assertHolds(InfluxSnapshot held, String day) throws IOException {
        InfluxSnapshot.assertEqual(held, InfluxSnapshot.take(intermediary, DB));
        assertEquals(day + "\n", Files.readString(dir.resolve("dump/restored-day")));
    }

    /** Bit rot: one byte of the object's file on the Swift object server changes; its ETag does not. */
    private void corruptStoredObject(String container, String object) throws Exception {
        Path copy = dir.resolve("original");
        swift.run(dir, "download", container, object, "-o", copy.toString());
        byte[] original = Files.readAllBytes(copy);
        Path stored = null;
        for (Path root : new Path[] {env.base().resolve("swift"), Path.of("/dev/shm")}) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".data")).toList()) {
                    if (Files.size(file) == original.length && Arrays.equals(Files.readAllBytes(file), original)) {
                        stored = file;
                    }
                }
            }
        }
        assertNotNull(stored, "the object's file on the object server");
        try (RandomAccessFile file = new RandomAccessFile(stored.toFile(), "rw")) {
            file.seek(original.length / 2);
            file.write(original[original.length / 2] ^ 0x5a);
        }
    }

    /** A start command that refuses the first time, then runs the real one. */
    private Path failingOnce(String realCommand) throws IOException {
        Path flag = dir.resolve("failed-once");
        Path script = dir.resolve("start-failing-once");
        Files.writeString(script, "#!/bin/sh\nif [ ! -e '" + flag + "' ]; then\n  touch '" + flag + "'\n"
                + "  echo 'start refused (simulated)' >&2\n  exit 1\nfi\nexec " + realCommand + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    static List<String> names(Path directory) throws IOException {
        return BackupIT.names(directory);
    }
}
