package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.catchup.CatchUp;
import io.influxswiftbackup.cli.StatusReport;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.monitor.JobLock;
import io.influxswiftbackup.monitor.JobState;
import io.influxswiftbackup.restore.RestoreJob;
import io.influxswiftbackup.restore.RestoreRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon started after missing nights, with a fixed clock of "now" (2014-03-06T10:00Z): the restore
 * of the newest missed day, the dump of each missed day within catch-up.max-days, missed backups
 * reported. Production holds 2014-03-01..05, day n with n+1 points; the backups of 2014-03-04 and
 * 2014-03-05 are in Swift.
 */
@ExtendWith(LocalServers.class)
class CatchUpIT {

    static final String DB = "sensu_db";
    static final Instant NOW = Instant.parse("2014-03-06T10:00:00Z");
    static final String[] CONTAINERS = {"2014-03-01", "2014-03-02", "2014-03-03", "2014-03-04", "2014-03-05", "2014-03-06"};
    static LocalServers.Environment env;
    static SwiftCli swift;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void productionDataAndTwoBackups() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        swift.deleteContainers(CONTAINERS);
        String production = env.get("influx.production.url");
        InfluxSnapshot.query(production, null, "CREATE DATABASE " + DB);
        StringBuilder lines = new StringBuilder();
        for (int day = 1; day <= 5; day++) {
            long noon = Instant.parse(String.format("2014-03-%02dT12:00:00Z", day)).toEpochMilli() * 1_000_000L;
            for (int i = 0; i <= day; i++) {
                lines.append("Aggregated_metrics,host=catch-up value=").append(day * 10 + i).append(' ')
                        .append(noon + i * 1_000_000_000L).append('\n');
            }
        }
        InfluxFixture.writeLines(production, DB, null, lines.toString());
        Settings settings = TestConfig.settings(TestConfig.write(shared, env, Map.of()), env.get("swift.key"));
        for (String day : List.of("2014-03-04", "2014-03-05")) {
            try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse(day + "T23:55:00Z"), ZoneOffset.UTC))) {
                Exchange backup = runtime.run("direct:backup", Map.of());
                assertFalse(backup.isFailed(), () -> "backup of " + day + ": " + backup.getException());
            }
        }
    }

    @AfterAll
    static void cleanSwift() throws Exception {
        swift.deleteContainers(CONTAINERS);
    }

    private Settings settings(Map<String, String> overrides) throws Exception {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("catch-up.max-days", "3");
        return TestConfig.settings(TestConfig.write(dir, env, all), env.get("swift.key"));
    }

    /** A state file saying the job last succeeded, started at {@code startedAt}, for {@code day}. */
    private void lastRan(String job, String startedAt, String day) throws Exception {
        Instant start = Instant.parse(startedAt);
        JobState.Run run = new JobState.Run(day, startedAt, start.plusSeconds(30).toString(), 30_000, 1, 1, null, null);
        new JobState(job, JobState.SUCCESS, run, null, null).write(JobState.file(dir.resolve("work"), job));
    }

    /** Starts the daemon at NOW and waits for its catch-up to end; returns the catch-up's log lines. */
    private List<String> startDaemonAndAwaitCatchUp(Settings settings) throws Exception {
        try (LogCapture log = new LogCapture(CatchUp.class);
             JobRuntime daemon = JobRuntime.start(settings, Clock.fixed(NOW, ZoneOffset.UTC), JobRuntime.Mode.DAEMON)) {
            log.await(line -> line.contains("Catch-up done"), Duration.ofMinutes(5));
            return log.lines();
        }
    }

    @Test
    void theNewestMissedDayIsRestoredAndEachMissedDayWithinTheBoundIsDumped() throws Exception {
        // The restore last ran at 00:15 on 03-04 (it restored 03-03); the dump last ran at 00:30 on 03-02 (it dumped 03-01).
        lastRan("restore", "2014-03-04T00:15:01Z", "2014-03-03");
        lastRan("dump", "2014-03-02T00:30:01Z", "2014-03-01");
        // A dump already in Swift is kept, as any dump keeps it.
        String keptObject = "2014-03-04/influxdb/Aggregated_metrics_2014-03-04-00:00:00_2014-03-05-00:00:00.json";
        Path sentinel = Files.writeString(dir.resolve("sentinel.json"), "{\"kept\":true}\n");
        swift.run(dir, "upload", "2014-03-04", sentinel.toString(), "--object-name", keptObject);

        List<String> log = startDaemonAndAwaitCatchUp(settings(Map.of("restore.enabled", "true", "dump.enabled", "true")));

        assertTrue(log.contains("INFO Catch-up: restore of 2014-03-04 skipped: a newer day (2014-03-05) supersedes them"
                + " (the intermediary holds one day)"), log.toString());
        assertTrue(log.contains("WARN Catch-up: the dump of 2014-03-02 is older than catch-up.max-days=3: not made"
                + " (dump --from 2014-03-02 --to 2014-03-02 makes it)"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("INFO Catch-up done: restore 2014-03-05 done; dump 2014-03-03 done;"
                + " dump 2014-03-04 done; dump 2014-03-05 done; dump 2014-03-02 not made")), log.toString());

        // The intermediary holds the newest day: restored-day, and the points of every day up to 03-05.
        assertEquals("2014-03-05\n", Files.readString(dir.resolve("dump/restored-day")));
        String intermediary = env.get("influx.intermediary.url");
        assertEquals(6, count(intermediary, "2014-03-05"), "the points of 2014-03-05 (in its backup)");

        // Each missed day within max-days is dumped with its own records; 03-04's earlier dump is kept.
        assertEquals(List.of("{\"measurement\":\"Aggregated_metrics\",\"time\":\"2014-03-03T12:00:00Z\",\"tags\":{\"host\":"
                + "\"catch-up\"},\"fields\":{\"value\":30.0}}", "{\"measurement\":\"Aggregated_metrics\",\"time\":"
                + "\"2014-03-03T12:00:01Z\",\"tags\":{\"host\":\"catch-up\"},\"fields\":{\"value\":31.0}}"),
                dumpLines("2014-03-03").subList(0, 2));
        assertEquals(4, dumpLines("2014-03-03").size());
        assertEquals(6, dumpLines("2014-03-05").size());
        assertEquals(List.of("{\"kept\":true}"), dumpLines("2014-03-04"));
        // Nothing beyond max-days: no dump of 03-02, and no restore of a day older than 03-05.
        assertEquals(List.of(), swift.listIfPresent("2014-03-02", "2014-03-02/"));
        JobState dump = JobState.read(JobState.file(dir.resolve("work"), "dump"), "dump");
        assertEquals("2014-03-05", dump.lastSuccess().day());
        JobState restore = JobState.read(JobState.file(dir.resolve("work"), "restore"), "restore");
        assertEquals("2014-03-05", restore.lastSuccess().day());
        assertEquals(null, restore.lastFailure());
    }

    @Test
    void aMissedBackupIsReportedUntilALaterBackupSucceeds() throws Exception {
        lastRan("backup", "2014-03-03T23:55:01Z", "2014-03-03");
        Settings settings = settings(Map.of("backup.enabled", "true"));

        List<String> log = startDaemonAndAwaitCatchUp(settings);

        for (String day : List.of("2014-03-04", "2014-03-05")) {
            assertTrue(log.contains("WARN Catch-up: the backup of " + day + " was missed (due at " + day + "T23:55:00Z, the process"
                    + " was down): it cannot be made up, that night's data was not snapshotted"), log.toString());
        }
        List<String> status = StatusReport.of(settings, NOW, null).lines();
        String missed = "backup missed the backup of 2014-03-04, 2014-03-05 (the process was down at its hour; it cannot be made up)";
        assertTrue(status.get(0).contains(missed), status.toString());
        assertTrue(status.contains("missed   WARNING   " + missed), status.toString());

        // A later backup succeeds: the missed nights are no longer shown.
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(NOW, ZoneOffset.UTC))) {
            Exchange backup = runtime.run("direct:backup", Map.of(BackupJob.DATE_HEADER, "2014-03-06"));
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
        List<String> after = StatusReport.of(settings, NOW, null).lines();
        assertTrue(after.stream().noneMatch(l -> l.contains("missed")), after.toString());
    }

    @Test
    void aStepWhoseJobRunsElsewhereIsSkippedAndSaysSo() throws Exception {
        lastRan("restore", "2014-03-05T00:15:01Z", "2014-03-04");
        Settings settings = settings(Map.of("restore.enabled", "true"));
        List<String> log;
        try (JobLock held = JobLock.tryAcquire(JobLock.file(dir.resolve("work"), "restore"), NOW)) {
            log = startDaemonAndAwaitCatchUp(settings);
        }
        assertTrue(log.stream().anyMatch(l -> l.startsWith("WARN Catch-up: the restore of 2014-03-05 is skipped: restore skipped:"
                + " another restore runs (pid " + ProcessHandle.current().pid())), log.toString());
        assertTrue(log.contains("INFO Catch-up done: restore 2014-03-05 skipped (another restore runs)"), log.toString());
        assertFalse(Files.exists(dir.resolve("dump/restored-day")), "nothing restored");
        assertEquals("2014-03-04", JobState.read(JobState.file(dir.resolve("work"), "restore"), "restore").lastSuccess().day(),
                "the skipped run is not recorded");
    }

    @Test
    void theNightlyDumpAlsoMakesTheDaysMissedSinceItsLastSuccess() throws Exception {
        lastRan("dump", "2014-03-02T00:30:01Z", "2014-03-01");
        for (String day : List.of("2014-03-03", "2014-03-04", "2014-03-05")) {
            for (String object : swift.listIfPresent(day, day + "/influxdb/")) {
                swift.run(dir, "delete", day, object);
            }
        }
        Settings settings = settings(Map.of("dump.enabled", "true"));
        List<String> log;
        try (LogCapture capture = new LogCapture(CatchUp.class);
             JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2014-03-06T00:30:00Z"), ZoneOffset.UTC))) {
            Exchange restore = runtime.run("direct:restore", Map.of(RestoreJob.DATE_HEADER, "2014-03-05"));
            assertFalse(restore.isFailed(), () -> String.valueOf(restore.getException()));
            // What the schedule's quartz trigger sends to at its hour.
            runtime.run("direct:dump-nightly", Map.of());
            log = capture.lines();
        }
        assertTrue(log.contains("WARN Catch-up: the dump of 2014-03-02 is older than catch-up.max-days=3: not made"
                + " (dump --from 2014-03-02 --to 2014-03-02 makes it)"), log.toString());
        assertTrue(log.contains("INFO Catch-up: the dump also makes 2014-03-03, 2014-03-04, missed since its last success"),
                log.toString());
        assertEquals(4, dumpLines("2014-03-03").size());
        assertEquals(5, dumpLines("2014-03-04").size());
        assertEquals(6, dumpLines("2014-03-05").size());
        assertEquals(List.of(), swift.listIfPresent("2014-03-02", "2014-03-02/"));
        assertEquals("2014-03-05", JobState.read(JobState.file(dir.resolve("work"), "dump"), "dump").lastSuccess().day());
    }

    private List<String> dumpLines(String day) throws Exception {
        String object = day + "/influxdb/Aggregated_metrics_" + day + "-00:00:00_" + java.time.LocalDate.parse(day).plusDays(1)
                + "-00:00:00.json";
        Path file = dir.resolve("download-" + day + ".json");
        swift.run(dir, "download", day, object, "-o", file.toString());
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static long count(String url, String day) {
        var result = InfluxSnapshot.query(url, DB, "SELECT COUNT(value) FROM Aggregated_metrics WHERE time >= '" + day
                + "T00:00:00Z' AND time < '" + day + "T23:59:59Z'");
        return result.path("series").path(0).path("values").path(0).path(1).asLong();
    }
}
