package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.monitor.JobStats;
import io.influxswiftbackup.verify.VerifyJob;
import io.influxswiftbackup.verify.VerifyRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify on the real Swift: two days backed up (influxd a script writing six files, one of them a
 * static large object of three segments); one left clean (its shards stored once by content, the
 * day's objects links to them), the other (plain objects) damaged by hand with the
 * {@code swift} CLI: an object deleted, one overwritten with other bytes of the same size, an extra
 * object, a segment deleted, a mark left. verify names each problem (exit 1 from the jar), finds
 * the overwritten bytes again by reading them back, and two --read-data 50 runs read every object of
 * the clean day once. Days in May 2014.
 */
@ExtendWith(LocalServers.class)
class VerifyIT {

    static final String CLEAN = "2014-05-01";
    static final String DAMAGED = "2014-05-02";
    static LocalServers.Environment env;
    static SwiftCli swift;
    @TempDir
    static Path shared;
    static Settings settings;
    static Path config;

    @BeforeAll
    static void twoDaysBackedUpOneDamaged() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        swift.deleteContainers(containers());
        Path influxd = shared.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\nfor a; do d=\"$a\"; done\nmkdir -p \"$d\"\necho meta > \"$d/meta.00\"\n"
                + "for n in 1 2 3 4; do head -c $((n * 100)) /dev/urandom > \"$d/sensu_db.autogen.0000$n.00\"; done\n"
                + "head -c 2500 /dev/urandom > \"$d/sensu_db.autogen.00005.00\"\n");
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        config = TestConfig.write(shared, env, Map.of("influx.influxd", influxd.toString(), "swift.segment-size", "1000",
                "verify.enabled", "true"));
        settings = TestConfig.settings(config, env.get("swift.key"));
        // CLEAN as shipped (its shards stored once by content, D/shards/ links); DAMAGED as plain objects,
        // its large object's segments in DAMAGED_segments.
        Settings plain = TestConfig.settings(TestConfig.write(Files.createDirectories(shared.resolve("plain")), env,
                Map.of("influx.influxd", influxd.toString(), "swift.segment-size", "1000", "backup.dedup", "false")), env.get("swift.key"));
        for (String day : List.of(CLEAN, DAMAGED)) {
            try (JobRuntime runtime = JobRuntime.startOnce(day.equals(CLEAN) ? settings : plain, at(day + "T23:55:00Z"))) {
                Exchange backup = runtime.run("direct:backup", Map.of());
                assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
            }
        }
        Path scratch = Files.createDirectories(shared.resolve("scratch"));
        swift.run(scratch, "delete", DAMAGED, DAMAGED + "/shards/sensu_db.autogen.00001.00");
        Path sameSize = Files.write(scratch.resolve("other"), "x".repeat(200).getBytes(StandardCharsets.UTF_8));
        swift.run(scratch, "upload", DAMAGED, sameSize.toString(), "--object-name", DAMAGED + "/shards/sensu_db.autogen.00002.00");
        swift.put(DAMAGED, DAMAGED + "/shards/extra.00", "extra".getBytes(StandardCharsets.UTF_8));
        List<String> segments = swift.run(scratch, "list", DAMAGED + "_segments");
        assertEquals(3, segments.size(), segments.toString());
        swift.run(scratch, "delete", DAMAGED + "_segments", segments.get(1));
        swift.run(scratch, "post", DAMAGED, "-m", "In-Progress-Dump:dump 20140502T003000Z-beef");
    }

    @AfterAll
    static void deleteTheDays() throws Exception {
        swift.deleteContainers(containers());
    }

    static String[] containers() {
        return Stream.of(CLEAN, DAMAGED).flatMap(d -> Stream.of(d, d + "_segments")).toArray(String[]::new);
    }

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    static VerifyRun verify(JobRuntime runtime, String date, Integer percent) {
        Map<String, Object> headers = new HashMap<>(Map.of(VerifyJob.DATE_HEADER, date));
        if (percent != null) {
            headers.put(VerifyJob.READ_PERCENT_HEADER, percent);
        }
        Exchange result = runtime.run("direct:verify", headers);
        assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
        return result.getProperty(VerifyRun.PROPERTY, VerifyRun.class);
    }

    @Test
    void verifyNamesEveryDamageAndExits1AndStatusShowsIt() throws Exception {
        String shards = DAMAGED + "/shards/";
        JarRun jar = JarRun.run(shared, Map.of("SWIFT_KEY", env.get("swift.key")), "verify", "--config", config.toString(),
                "--date", DAMAGED);
        assertEquals(1, jar.exitCode(), jar.toString());
        List<String> lines = jar.stdout().lines().filter(l -> l.startsWith("day ")).toList();
        String day = "day " + DAMAGED + ": ";
        assertTrue(lines.contains(day + "container " + DAMAGED + " is still marked in progress (dump 20140502T003000Z-beef)"), lines.toString());
        assertTrue(lines.contains(day + shards + "sensu_db.autogen.00001.00 is in the manifest but not in Swift"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(day + shards + "sensu_db.autogen.00002.00 has MD5 ")), lines.toString());
        assertTrue(lines.contains(day + shards + "extra.00 is not in the manifest"), lines.toString());
        assertTrue(lines.contains(day + shards + "sensu_db.autogen.00005.00 is a large object of 2500 bytes, but its 2 segment(s)"
                + " hold 1500 bytes: a segment is missing"), lines.toString());
        assertEquals(5, lines.size(), lines.toString());

        try (JobRuntime runtime = JobRuntime.startOnce(settings, at("2014-05-03T02:00:00Z"))) {
            VerifyRun read = verify(runtime, DAMAGED, 100);
            assertTrue(read.findings().stream().anyMatch(f -> f.startsWith(day + shards + "sensu_db.autogen.00002.00 read back:"
                    + " SHA-256 of the bytes received is ")), read.findings().toString());
            assertTrue(read.findings().stream().anyMatch(f -> f.startsWith(day + shards + "sensu_db.autogen.00005.00 read back: ")),
                    read.findings().toString());
            JobStats stats = runtime.monitor().stats("verify");
            assertEquals("WARNING", stats.getStatus(), stats.getStatusText());
            assertTrue(stats.getLastWarnings().contains("verify: " + day + shards + "extra.00 is not in the manifest"),
                    stats.getLastWarnings());
        }
    }

    @Test
    void aCleanDayHasNoFindingAndTwoHalfReadsReadEveryObjectOnce() throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at("2014-05-03T02:00:00Z"))) {
            assertEquals(List.of(), verify(runtime, CLEAN, null).findings());
            VerifyRun first = verify(runtime, CLEAN, 50);
            VerifyRun second = verify(runtime, CLEAN, 50);
            assertEquals(List.of(), first.findings());
            assertEquals(List.of(), second.findings());
            List<String> both = new ArrayList<>(first.objectsRead());
            both.addAll(second.objectsRead());
            Set<String> expected = new HashSet<>(swift.run(shared, "list", CLEAN));
            expected.remove(CLEAN + "/manifest.json");
            assertEquals(6, expected.size(), expected.toString());
            assertEquals(expected, new HashSet<>(both), "together the two runs read every object");
            assertEquals(expected.size(), both.size(), "each once: " + both);
            assertFalse(first.objectsRead().isEmpty() || second.objectsRead().isEmpty(), both.toString());
            assertEquals("OK", runtime.monitor().stats("verify").getStatus());
        }
    }
}
