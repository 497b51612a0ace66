package io.influxswiftbackup.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.monitor.JobCheck.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules a monitoring check applies to a job, its schedule's arithmetic, and its state file. */
class JobCheckTest {

    static final Schedule NIGHTLY = new Schedule("backup", true, "0 55 23 * * ?", ZoneId.of("Europe/Paris"));
    static final Duration GRACE = Duration.ofMinutes(30);

    @TempDir
    Path dir;

    static JobState.Run run(String day, String started, String ended, String reason) {
        return new JobState.Run(day, started, ended, 1500, 3, 1234, null, reason);
    }

    static JobState succeeded(String started) {
        return JobState.empty("backup").finished(run("2016-06-11", started, started, null));
    }

    @Test
    void theScheduleCountsInItsTimeZone() {
        Instant now = Instant.parse("2016-06-12T10:00:00Z");
        assertEquals(Instant.parse("2016-06-11T21:55:00Z"), NIGHTLY.previousFire(now), "23:55 in Paris (summer) is 21:55 UTC");
        assertEquals(Instant.parse("2016-06-12T21:55:00Z"), NIGHTLY.nextFire(now));
        assertEquals(Instant.parse("2016-06-11T21:55:00Z"), NIGHTLY.previousFire(Instant.parse("2016-06-11T21:55:00Z")),
                "a fire time at now is the previous one");
        Schedule monthly = new Schedule("dump", true, "0 30 0 1 * ?", ZoneId.of("UTC"));
        assertEquals(Instant.parse("2016-06-01T00:30:00Z"), monthly.previousFire(now), "found a month back");
        Schedule never = new Schedule("dump", true, "0 0 0 1 1 ? 2099", ZoneId.of("UTC"));
        assertNull(never.previousFire(now));
    }

    @Test
    void aJobThatRanAfterItsLastFireTimeIsOk() {
        JobCheck.Verdict verdict = JobCheck.evaluate(NIGHTLY, succeeded("2016-06-11T21:55:01Z"),
                Instant.parse("2016-06-12T10:00:00Z"), GRACE);
        assertEquals(Level.OK, verdict.level());
        assertEquals("last success at 2016-06-11T21:55:01Z, day 2016-06-11: 3 files, 1.2 KB in 1.5 s", verdict.text());
    }

    @Test
    void aJobThatMissedItsFireTimeIsOverdueOnceTheGraceIsOver() {
        JobState state = succeeded("2016-06-10T21:55:01Z");
        assertEquals(Level.OK, JobCheck.evaluate(NIGHTLY, state, Instant.parse("2016-06-11T22:20:00Z"), GRACE).level(),
                "within the grace after 21:55");
        JobCheck.Verdict late = JobCheck.evaluate(NIGHTLY, state, Instant.parse("2016-06-11T22:25:00Z"), GRACE);
        assertEquals(Level.CRITICAL, late.level());
        assertEquals("overdue: due at 2016-06-11T21:55:00Z, last run started 2016-06-10T21:55:01Z", late.text());
    }

    @Test
    void aFailedLastRunIsCriticalUntilASuccessFollows() {
        JobState failed = succeeded("2016-06-10T21:55:01Z")
                .finished(run("2016-06-11", "2016-06-11T21:55:01Z", "2016-06-11T21:56:01Z", "Swift answered 503"));
        JobCheck.Verdict verdict = JobCheck.evaluate(NIGHTLY, failed, Instant.parse("2016-06-12T10:00:00Z"), GRACE);
        assertEquals(Level.CRITICAL, verdict.level());
        assertEquals("last run failed at 2016-06-11T21:56:01Z (day 2016-06-11): Swift answered 503", verdict.text());
        JobState recovered = failed.finished(run("2016-06-11", "2016-06-12T09:00:00Z", "2016-06-12T09:01:00Z", null));
        assertEquals(Level.OK, JobCheck.evaluate(NIGHTLY, recovered, Instant.parse("2016-06-12T10:00:00Z"), GRACE).level());
        assertEquals("Swift answered 503", recovered.lastFailure().reason(), "the failure stays on record");
    }

    @Test
    void runningIsOkWhileItsProcessLivesAndCriticalWhenItIsGone() {
        JobState alive = succeeded("2016-06-10T21:55:01Z").starting(new JobState.Running("2016-06-11T21:55:00Z",
                ProcessHandle.current().pid()));
        assertEquals(Level.OK, JobCheck.evaluate(NIGHTLY, alive, Instant.parse("2016-06-12T10:00:00Z"), GRACE).level());
        JobState gone = alive.starting(new JobState.Running("2016-06-11T21:55:00Z", Long.MAX_VALUE));
        JobCheck.Verdict verdict = JobCheck.evaluate(NIGHTLY, gone, Instant.parse("2016-06-12T10:00:00Z"), GRACE);
        assertEquals(Level.CRITICAL, verdict.level());
        assertTrue(verdict.text().startsWith("the run started at 2016-06-11T21:55:00Z did not finish"), verdict.text());
    }

    @Test
    void neverRunIsAWarningAndADisabledJobIsNotJudged() {
        assertEquals(Level.WARNING, JobCheck.evaluate(NIGHTLY, JobState.empty("backup"), Instant.now(), GRACE).level());
        Schedule off = new Schedule("backup", false, NIGHTLY.cron(), NIGHTLY.zone());
        JobState failed = JobState.empty("backup").finished(run("2016-06-11", "2016-06-11T21:55:01Z", "2016-06-11T21:56:01Z", "x"));
        JobCheck.Verdict verdict = JobCheck.evaluate(off, failed, Instant.now(), GRACE);
        assertEquals(Level.OK, verdict.level());
        assertEquals("disabled; last run failed at 2016-06-11T21:56:01Z: x", verdict.text());
    }

    @Test
    void theStateFileIsReplacedWholeAndReadBack() throws IOException {
        Path file = JobState.file(dir, "dump");
        JobState state = JobState.empty("dump").finished(new JobState.Run("2016-06-11", "2016-06-12T00:30:00Z",
                "2016-06-12T00:31:00Z", 60000, 2, 4096, Map.of("cpu", 10L), null));
        state.write(file);
        assertEquals(state, JobState.read(file, "dump"));
        assertFalse(Files.exists(file.resolveSibling("dump.json.tmp")), "no temporary file is left");
        assertEquals(JobState.empty("restore"), JobState.read(JobState.file(dir, "restore"), "restore"), "never ran: empty");
        Files.writeString(file, "{\"job\": \"dump\", \"last\": ");
        IOException broken = assertThrows(IOException.class, () -> JobState.read(file, "dump"));
        assertTrue(broken.getMessage().startsWith("cannot read " + file + ": "), broken.getMessage());
    }
}
