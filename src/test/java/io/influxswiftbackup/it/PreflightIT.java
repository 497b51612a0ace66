package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.monitor.JobStats;
import io.influxswiftbackup.restore.RestoreJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is changed before what a job uses is checked, on the real servers (in-process runs, and the
 * jar where the line an operator reads is the point): a restore with a wrong
 * Swift key or without influxd fails naming what is wrong while the intermediary answers throughout
 * and is never stopped; a backup so leaves nothing in work.dir; a typed backup of a day that has
 * shards runs no influxd; the schedule's backup replaces its own day twice and stays OK; a backup
 * killed before its manifest shows in 'list' as incomplete with its mark; 'check' exits 2 naming
 * the key. Days in March 2014; influxd is a script that records its calls (the servers' real
 * InfluxDBs answer every other question).
 */
@ExtendWith(LocalServers.class)
class PreflightIT {

    static final String BACKED_UP = "2014-03-01";
    static final String SCHEDULED = "2014-03-02";
    static final String KILLED = "2014-03-03";
    static final String NEVER = "2014-03-04";
    static LocalServers.Environment env;
    static SwiftCli swift;
    @TempDir
    static Path shared;
    static Path calls;
    static Path stopCalls;

    @TempDir
    Path dir;

    @BeforeAll
    static void aDayBackedUp() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        swift.deleteContainers(containers());
        calls = shared.resolve("influxd-calls");
        stopCalls = shared.resolve("stop-calls");
        try (JobRuntime runtime = JobRuntime.startOnce(settings(shared, Map.of()), at(BACKED_UP + "T23:55:00Z"))) {
            Exchange backup = runtime.run("direct:backup", Map.of());
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
        Files.delete(calls);
    }

    @AfterAll
    static void deleteTheDays() throws Exception {
        swift.deleteContainers(containers());
    }

    static String[] containers() {
        return Stream.of(BACKED_UP, SCHEDULED, KILLED, NEVER).flatMap(d -> Stream.of(d, d + "_segments")).toArray(String[]::new);
    }

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    /** The local servers' config with influxd a script writing two files, and a stop command that records its calls. */
    static Settings settings(Path dir, Map<String, String> overrides) throws Exception {
        return TestConfig.settings(config(dir, overrides), env.get("swift.key"));
    }

    static Path config(Path dir, Map<String, String> overrides) throws Exception {
        Path influxd = shared.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nfor a; do d=\"$a\"; done\nmkdir -p \"$d\"\n"
                + "echo meta > \"$d/meta.00\"; echo shard > \"$d/sensu_db.autogen.00001.00\"\n");
        Path stop = shared.resolve("stop-intermediary");
        Files.writeString(stop, "#!/bin/sh\necho stop >> '" + stopCalls + "'\n");
        for (Path script : List.of(influxd, stop)) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        Map<String, String> values = new HashMap<>(Map.of("influx.influxd", influxd.toString(),
                "influx.intermediary.stop-command", stop.toString()));
        values.putAll(overrides);
        return TestConfig.write(dir, env, values);
    }

    /** Asks the intermediary's /ping every 20 ms while {@code run} runs; returns how many were not answered 204. */
    static int unansweredPings(ThrowingRunnable run) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ping = URI.create(env.get("influx.intermediary.url") + "/ping");
        AtomicInteger missed = new AtomicInteger();
        Runnable askOnce = () -> {
            try {
                if (http.send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 204) {
                    missed.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                missed.incrementAndGet();
            }
        };
        assertEquals(204, http.send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
                "the intermediary answers before");
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(askOnce, 0, 20, TimeUnit.MILLISECONDS);
        try {
            run.run();
        } finally {
            watcher.shutdownNow();
            assertTrue(watcher.awaitTermination(10, TimeUnit.SECONDS), "the /ping watcher stops");
        }
        assertEquals(204, http.send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
                "the intermediary answers after");
        return missed.get();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static List<String> entries(Path workDir) throws Exception {
        if (!Files.isDirectory(workDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(workDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("locks") && !n.equals("state")).sorted().toList();
        }
    }

    @Test
    void aRestoreWithAWrongSwiftKeyOrWithoutInfluxdFailsNamingItAndNeverStopsTheIntermediary() throws Exception {
        JsonNode databases = InfluxSnapshot.query(env.get("influx.intermediary.url"), null, "SHOW DATABASES");
        Map<String, Map<String, String>> cases = Map.of(
                "Swift at " + env.get("swift.auth-url") + " refused user '" + env.get("swift.user") + "' (401): check swift.user and swift.key",
                Map.of(),
                "influxd " + dir.resolve("nowhere/influxd") + " does not exist: check influx.influxd",
                Map.of("influx.influxd", dir.resolve("nowhere/influxd").toString()));
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            Path caseDir = Files.createDirectories(dir.resolve("case" + c.getValue().size()));
            Settings settings = TestConfig.settings(config(caseDir, c.getValue()), c.getValue().isEmpty() ? "wrong" : env.get("swift.key"));
            Exchange[] restore = new Exchange[1];
            int missed;
            try (JobRuntime runtime = JobRuntime.startOnce(settings, at("2014-03-02T00:15:00Z"))) {
                missed = unansweredPings(() -> restore[0] = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, BACKED_UP)));
            }
            assertTrue(restore[0].isFailed(), c.getKey());
            assertEquals(c.getKey(), Failures.describe(restore[0].getException()));
            assertEquals(0, missed, "the intermediary answered /ping throughout");
            assertFalse(Files.exists(stopCalls), "the intermediary was never stopped");
            assertEquals(List.of(), entries(caseDir.resolve("work")), "nothing downloaded");
        }
        assertEquals(databases, InfluxSnapshot.query(env.get("influx.intermediary.url"), null, "SHOW DATABASES"));
    }

    @Test
    void aBackupThatFailsItsPreflightOrFindsItsDayBackedUpRunsNoInfluxdAndLeavesNothingInWorkDir() throws Exception {
        Path config = config(dir, Map.of());
        try (JobRuntime runtime = JobRuntime.startOnce(TestConfig.settings(config, "wrong"), at(NEVER + "T23:55:00Z"))) {
            Exchange wrongKey = runtime.run("direct:backup", Map.of());
            assertTrue(Failures.describe(wrongKey.getException()).endsWith("check swift.user and swift.key"),
                    String.valueOf(wrongKey.getException()));
        }
        // typed, as an operator does (one jar run: the line on stderr)
        JarRun typed = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")), "backup", "--config", config.toString(),
                "--date", BACKED_UP);
        assertEquals(1, typed.exitCode(), typed.toString());
        assertEquals(List.of("error: " + BACKED_UP + "/shards/ already holds objects in Swift (first: " + BACKED_UP
                + "/shards/meta.00); run with --force to back up into it again"), typed.stderrLines());
        assertFalse(Files.exists(calls), "influxd never ran");
        assertEquals(List.of(), entries(dir.resolve("work")), "nothing left in work.dir");
        assertEquals(List.of(), swift.listIfPresent(NEVER, NEVER + "/"), "no container made");
    }

    @Test
    void theScheduledBackupReplacesItsOwnDayAndStaysOk() throws Exception {
        Settings settings = settings(dir, Map.of("backup.enabled", "true", "backup.cron", "0/2 * * * * ?"));
        try (JobRuntime daemon = JobRuntime.start(settings, at(SCHEDULED + "T23:55:00Z"), JobRuntime.Mode.DAEMON)) {
            JobStats stats = daemon.monitor().stats("backup");
            Awaitility.await("two scheduled backups of " + SCHEDULED).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(calls) && Files.readAllLines(calls).size() >= 2 && !stats.isRunning());
            assertEquals("success", stats.getLastOutcome(), stats.getLastFailureReason());
            assertEquals("", stats.getLastFailure(), "no fire failed");
            assertEquals("OK", stats.getStatus(), stats.getStatusText());
        } finally {
            Files.deleteIfExists(calls);
        }
        assertEquals(List.of(SCHEDULED + "/manifest.json", SCHEDULED + "/shards/meta.00", SCHEDULED + "/shards/sensu_db.autogen.00001.00"),
                swift.listIfPresent(SCHEDULED, SCHEDULED + "/"));
    }

    @Test
    void aBackupKilledBeforeItsManifestIsListedIncompleteWithItsMark() throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(settings(dir, Map.of()), at(KILLED + "T23:55:00Z"))) {
            AdviceWith.adviceWith(runtime.context(), "backup", route -> route.weaveById("backup-write-manifest").replace()
                    .throwException(new IllegalStateException("killed")));
            Exchange backup = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, false));
            assertTrue(backup.isFailed());
        } finally {
            Files.deleteIfExists(calls);
        }
        Path config = config(dir, Map.of());
        Map<String, String> key = Map.of("SWIFT_KEY", env.get("swift.key"));
        JarRun list = JarRun.run(dir, key, "list", "--config", config.toString(), "--from", BACKED_UP, "--to", KILLED);
        assertEquals(0, list.exitCode(), list.toString());
        List<String> lines = list.stdout().lines().filter(l -> l.startsWith(BACKED_UP) || l.startsWith(KILLED)).toList();
        assertEquals(2, lines.size(), list.toString());
        assertTrue(lines.get(0).matches(BACKED_UP + "  complete +2 objects +\\d+ bytes +\\d+ added"), lines.get(0));
        assertTrue(lines.get(1).matches(KILLED + "  incomplete +2 objects +\\d+ bytes  incomplete \\(marked: backup \\d{8}T\\d{6}Z-[0-9a-f]{4};"
                + " no manifest\\)"), lines.get(1));
        JarRun json = JarRun.run(dir, key, "list", "--config", config.toString(), "--date", KILLED, "--json");
        JsonNode day = new ObjectMapper().readTree(json.stdout());
        assertEquals("incomplete", day.path("state").asText(), json.toString());
        assertTrue(day.path("marks").path(0).asText().startsWith("backup "), json.toString());
        assertEquals(2, day.path("objects").asInt(), json.toString());
        assertEquals(2, day.path("listing").size(), json.toString());

        JarRun bad = JarRun.run(dir, key, "check", "--config", config(dir, Map.of("influx.influxd", "/nowhere/influxd")).toString(),
                "--job", "backup", "--job", "prune");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertEquals(List.of("FAILED: preflight of backup, prune", "backup   FAILED influxd /nowhere/influxd does not exist: check influx.influxd",
                "prune    OK"), bad.stdout().lines().filter(l -> !l.contains(" WARN ")).toList());
    }
}
