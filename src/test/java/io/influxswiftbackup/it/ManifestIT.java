package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.it.FaultProxy.Fault;
import io.influxswiftbackup.restore.RestoreJob;
import io.influxswiftbackup.restore.RestoreRun;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A day is a unit: the backup marks the day in progress (container metadata), writes
 * D/manifest.json last and then removes the mark; a backup that fails midway leaves the mark, and
 * the restore refuses that day unless forced. influxd is a script writing two small files.
 */
@ExtendWith(LocalServers.class)
class ManifestIT {

    static final String DONE = "2016-11-01";
    static final String FAILED = "2016-11-02";
    static final String TWICE = "2016-11-03";
    static LocalServers.Environment env;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() throws Exception {
        env = LocalServers.environment();
        new SwiftCli(env).deleteContainers(DONE, FAILED, TWICE);
    }

    private Settings settings(Map<String, String> overrides) throws Exception {
        Path influxd = dir.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\nmkdir -p \"$6\" && printf 'meta\\n' > \"$6/meta.00\""
                + " && printf 'one\\n' > \"$6/sensu_db.autogen.00001.00\"\n");
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> values = new HashMap<>(Map.of("influx.influxd", influxd.toString()));
        values.putAll(overrides);
        return TestConfig.settings(TestConfig.write(dir, env, values), env.get("swift.key"));
    }

    private static Clock at(String day) {
        return Clock.fixed(Instant.parse(day + "T23:55:00Z"), ZoneOffset.UTC);
    }

    private JsonNode manifest(String day) throws Exception {
        Path file = dir.resolve(day + "-manifest.json");
        new SwiftCli(env).run(dir, "download", day, day + "/manifest.json", "-o", file.toString());
        return JSON.readTree(file.toFile());
    }

    private List<String> stat(String day) throws Exception {
        return new SwiftCli(env).run(dir, "stat", day);
    }

    @Test
    void theBackupWritesTheManifestLastAndThenRemovesTheMark() throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), at(DONE))) {
            Exchange result = runtime.run("direct:backup", Map.of());
            assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
        }
        assertEquals(List.of(DONE + "/manifest.json", DONE + "/shards/meta.00", DONE + "/shards/sensu_db.autogen.00001.00"),
                new SwiftCli(env).listIfPresent(DONE, DONE + "/"));
        JsonNode manifest = manifest(DONE);
        assertEquals(DONE, manifest.path("day").asText());
        assertEquals(DayManifest.VERSION, manifest.path("by").asText());
        assertEquals("backup", manifest.path("job").asText());
        assertEquals(DONE + "T23:55:00Z", manifest.path("written").asText());
        assertTrue(manifest.path("run").asText().startsWith("backup 20161101T235500Z-"), manifest.toString());
        List<String> objects = new ArrayList<>();
        manifest.path("objects").forEach(o -> objects.add(o.path("name").asText() + " " + o.path("size").asLong() + " "
                + o.path("md5").asText() + " " + o.path("kind").asText() + " " + o.has("records")));
        assertEquals(List.of(
                DONE + "/shards/meta.00 5 " + md5("meta\n") + " shard false",
                DONE + "/shards/sensu_db.autogen.00001.00 4 " + md5("one\n") + " shard false"), objects);
        assertTrue(stat(DONE).stream().noneMatch(l -> l.contains("In-Progress")), stat(DONE).toString());
    }

    @Test
    void aBackupFailingMidwayLeavesTheDayMarkedIncompleteAndTheRestoreRefusesIt() throws Exception {
        URI swiftUrl = URI.create(env.get("swift.auth-url"));
        try (FaultProxy proxy = FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort())) {
            // Breaks: Swift answers 503 to every upload of one of the day's shards (after the mark is set).
            proxy.inject(Fault.ANSWER_503, 1000, r -> r.method().equals("PUT") && r.path().endsWith("/shards/sensu_db.autogen.00001.00"));
            try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test")), at(FAILED))) {
                Exchange result = runtime.run("direct:backup", Map.of());
                assertTrue(result.isFailed(), "the backup fails midway");
            }
        }
        List<String> stat = stat(FAILED);
        assertTrue(stat.stream().anyMatch(l -> l.matches("\\s*Meta In-Progress-Backup: backup 20161102T235500Z-[0-9a-f]{4}")), stat.toString());
        assertFalse(new SwiftCli(env).listIfPresent(FAILED, FAILED + "/").contains(FAILED + "/manifest.json"), "no manifest");

        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of()), at(FAILED))) {
            Exchange refused = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, FAILED));
            assertTrue(refused.isFailed());
            assertTrue(refused.getException().getMessage().matches("day " + FAILED + " is incomplete: container " + FAILED
                    + " is still marked in progress \\(backup 20161102T235500Z-[0-9a-f]{4}\\); restore it anyway with --force"),
                    refused.getException().getMessage());

            Exchange forced = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, FAILED,
                    RestoreJob.FORCE_HEADER, true, RestoreJob.DRY_RUN_HEADER, true));
            assertFalse(forced.isFailed(), () -> "--force goes on: " + forced.getException());
        }
    }

    @Test
    void aForcedReRunUploadsNoIdenticalObjectAgainAndLeavesTheSameObjectSet() throws Exception {
        URI swiftUrl = URI.create(env.get("swift.auth-url"));
        try (FaultProxy proxy = FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort())) {
            Settings settings = settings(Map.of("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test"));
            java.util.function.Supplier<Long> shardPuts = () -> proxy.requests().stream()
                    .filter(r -> r.method().equals("PUT") && r.path().contains("/" + TWICE + "/shards/")).count();
            try (JobRuntime runtime = JobRuntime.startOnce(settings, at(TWICE))) {
                Exchange first = runtime.run("direct:backup", Map.of());
                assertFalse(first.isFailed(), () -> String.valueOf(first.getException()));
            }
            assertEquals(2L, shardPuts.get());
            List<String> objects = new SwiftCli(env).listIfPresent(TWICE, TWICE + "/");
            JsonNode before = manifest(TWICE).path("objects");

            try (JobRuntime runtime = JobRuntime.startOnce(settings, at(TWICE))) {
                Exchange again = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
                assertFalse(again.isFailed(), () -> String.valueOf(again.getException()));
            }
            assertEquals(2L, shardPuts.get(), "the re-run uploads no identical object again");
            assertEquals(objects, new SwiftCli(env).listIfPresent(TWICE, TWICE + "/"), "the same object set");
            assertEquals(before, manifest(TWICE).path("objects"), "the same objects in the manifest");
            assertTrue(stat(TWICE).stream().noneMatch(l -> l.contains("In-Progress")));
        }
    }

    static String md5(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
