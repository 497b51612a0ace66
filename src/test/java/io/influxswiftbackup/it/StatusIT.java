package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.monitor.Schedule;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code status} check as a monitoring agent runs it, a process of its own with no daemon running:
 * after a backup long ago (overdue), a backup now (OK) and a failed one (critical), each read from
 * what the runs left on this host, and the days in the real Swift.
 */
@ExtendWith(LocalServers.class)
class StatusIT {

    static LocalServers.Environment env;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() throws Exception {
        env = LocalServers.environment();
        new SwiftCli(env).deleteContainers("2016-06-23", "2016-06-24", "2016-06-25");
        new InfluxHttp(env.get("influx.production.url")).createWith("sensu_db", "status_check value=1 1466726400000000000\n");
    }

    /** A backup now (the real clock), as the nightly job or a command would run it. */
    private static Exchange backup(Path config, String key, String day) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(TestConfig.settings(config, key), Clock.systemUTC())) {
            return runtime.run("direct:backup", Map.of(BackupJob.DATE_HEADER, day));
        }
    }

    /** With the key, the check also lists the days in Swift (a Camel start more). */
    private JarRun status(Path config, boolean withKey) throws Exception {
        return JarRun.run(dir, withKey ? Map.of("SWIFT_KEY", env.get("swift.key")) : Map.of(), "status", "--config", config.toString());
    }

    @Test
    void overdueThenOkThenCriticalWithTheDaemonStopped() throws Exception {
        // The cron names a time two hours ago, so the check's real clock is past its grace whenever it runs.
        ZonedDateTime twoHoursAgo = ZonedDateTime.now(ZoneOffset.UTC).minusHours(2);
        String cron = "0 " + twoHoursAgo.getMinute() + " " + twoHoursAgo.getHour() + " * * ?";
        Path config = TestConfig.write(dir, env, Map.of("backup.enabled", "true", "backup.cron", cron, "retention.days", "30"));
        try (JobRuntime runtime = JobRuntime.startOnce(TestConfig.settings(config, env.get("swift.key")),
                BackupIT.clockAt("2016-06-23T23:55:00Z"))) {
            assertFalse(runtime.run("direct:backup", Map.of()).isFailed());
        }
        JarRun overdue = status(config, false);
        assertEquals(2, overdue.exitCode(), overdue.toString());
        Instant due = new Schedule("backup", true, cron, ZoneId.of("UTC")).previousFire(Instant.now());
        assertEquals("CRITICAL: backup overdue: due at " + due + ", last run started 2016-06-23T23:55:00Z",
                overdue.stdout().lines().findFirst().orElse(""), overdue.toString());
        assertEquals("", overdue.stderr(), "a check prints on stdout only");

        assertFalse(backup(config, env.get("swift.key"), "2016-06-24").isFailed());
        JarRun ok = status(config, true);
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.stdout().lines().findFirst().orElse("").matches(
                "OK: backup last success at \\S+Z, day 2016-06-24: \\d+ files, [0-9.]+ [KM]?B in [0-9.]+ s"), ok.toString());
        List<String> swiftLine = ok.stdout().lines().filter(l -> l.startsWith("swift ")).toList();
        assertEquals(1, swiftLine.size(), ok.toString());
        assertTrue(swiftLine.get(0).matches("swift +OK +\\d+ days in Swift, from \\d{4}-\\d\\d-\\d\\d to \\d{4}-\\d\\d-\\d\\d"),
                swiftLine.get(0));
        assertTrue(new SwiftCli(env).listIfPresent("2016-06-24", "2016-06-24/shards/").size() > 0);

        assertTrue(backup(config, "wrong-key-Hq8", "2016-06-25").isFailed());
        JarRun critical = status(config, false);
        assertEquals(2, critical.exitCode(), critical.toString());
        String summary = critical.stdout().lines().findFirst().orElse("");
        assertTrue(summary.matches("CRITICAL: backup last run failed at \\S+Z \\(day 2016-06-25\\): Swift at \\S+ refused user"
                + " 'test:tester' \\(401\\): check swift.user and swift.key"), critical.toString());
        assertTrue(critical.stdout().contains("last success at "), "the last success is still shown");
        assertFalse(critical.stdout().contains("wrong-key-Hq8"));
    }
}
