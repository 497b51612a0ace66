package io.influxswiftbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.monitor.JobState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status check's summary line and exit code from the state files alone (no key: Swift is not asked). */
class StatusCommandTest {

    @TempDir
    Path dir;

    record Result(int exit, List<String> lines) {
    }

    private Result status(String config, String now) throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), "work.dir = " + dir.resolve("work") + "\ndump.dir = "
                + dir.resolve("dump") + "\nretention.days = 30\n" + config);
        Application application = new Application();
        application.clock = Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
        application.environment = Map.of();
        StringWriter out = new StringWriter();
        int exit = Application.execute(application, new String[] {"status", "--config", file.toString()},
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        return new Result(exit, out.toString().lines().toList());
    }

    private void state(String job, JobState.Run... runs) throws Exception {
        JobState state = new JobState(job, null, null, null, null);
        for (JobState.Run run : runs) {
            state = new JobState(job, run.reason() == null ? JobState.SUCCESS : JobState.FAILURE,
                    run.reason() == null ? run : state.lastSuccess(), run.reason() == null ? state.lastFailure() : run, null);
        }
        state.write(JobState.file(dir.resolve("work"), job));
    }

    static JobState.Run run(String day, String ended, String reason) {
        return new JobState.Run(day, ended, ended, 2000, 20, 2_000_000, null, reason);
    }

    @Test
    void noJobEnabledIsOk() throws Exception {
        Result result = status("", "2016-06-12T10:00:00Z");
        assertEquals(0, result.exit());
        assertEquals("OK: no job is enabled on this host", result.lines().get(0));
    }

    @Test
    void retentionOffIsAWarning() throws Exception {
        Result result = status("retention.days =\n", "2016-06-12T10:00:00Z");
        assertEquals(1, result.exit(), String.join("\n", result.lines()));
        assertEquals("WARNING: retention is off: Swift keeps every day", result.lines().get(0));
        assertTrue(result.lines().contains("retention WARNING  off (retention.days is empty): Swift keeps every day"),
                result.lines().toString());

        Result on = status("", "2016-06-12T10:00:00Z");
        assertTrue(on.lines().contains("retention OK       days before today minus 30 go (prune job), the newest complete day stays"),
                on.lines().toString());
    }

    @Test
    void anEnabledJobThatNeverRanIsAWarning() throws Exception {
        Result result = status("backup.enabled = true\n", "2016-06-12T10:00:00Z");
        assertEquals(1, result.exit(), String.join("\n", result.lines()));
        assertEquals("WARNING: backup no run recorded yet", result.lines().get(0));
        assertEquals("backup   WARNING   enabled, cron 0 55 23 * * ? (UTC), next 2016-06-12T23:55:00Z", result.lines().get(1));
        assertTrue(result.lines().contains("swift              not asked (swift.key is not set for this check)"), result.lines().toString());
        assertTrue(result.lines().contains("restored           no restored day (" + dir.resolve("dump/restored-day") + " is missing)"),
                result.lines().toString());
    }

    @Test
    void aFailedNightIsCriticalAndSaysWhy() throws Exception {
        state("restore", run("2016-06-10", "2016-06-11T00:16:00Z", null),
                run("2016-06-11", "2016-06-12T00:16:00Z", "no backup for day 2016-06-11"));
        state("dump", run("2016-06-10", "2016-06-12T00:31:00Z", null));
        Files.createDirectories(dir.resolve("dump"));
        Files.writeString(dir.resolve("dump/restored-day"), "2016-06-10\n");
        Result result = status("restore.enabled = true\ndump.enabled = true\n", "2016-06-12T10:00:00Z");
        assertEquals(2, result.exit(), String.join("\n", result.lines()));
        assertEquals("CRITICAL: restore last run failed at 2016-06-12T00:16:00Z (day 2016-06-11): no backup for day 2016-06-11",
                result.lines().get(0));
        assertEquals(1, result.lines().stream().filter(line -> line.contains("no backup for day")).count(),
                "the reason is said once: " + result.lines());
        assertTrue(result.lines().contains("                   last success at 2016-06-12T00:31:00Z, day 2016-06-10: 20 files, 2.0 MB in 2.0 s"),
                result.lines().toString());
        assertTrue(result.lines().contains("restored           the intermediary holds day 2016-06-10 (" + dir.resolve("dump/restored-day") + ")"),
                result.lines().toString());
    }

    @Test
    void aStateFileThatCannotBeReadIsUnknown() throws Exception {
        Files.createDirectories(dir.resolve("work/state"));
        Files.writeString(dir.resolve("work/state/backup.json"), "{ not json");
        Result result = status("backup.enabled = true\n", "2016-06-12T10:00:00Z");
        assertEquals(3, result.exit(), String.join("\n", result.lines()));
        assertTrue(result.lines().get(0).startsWith("UNKNOWN: backup cannot read " + dir.resolve("work/state/backup.json")),
                result.lines().get(0));
    }
}
