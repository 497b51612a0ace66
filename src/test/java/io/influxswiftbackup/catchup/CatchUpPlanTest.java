package io.influxswiftbackup.catchup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.monitor.JobState;
import io.influxswiftbackup.monitor.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatchUpPlanTest {

    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final long DEAD_PID = Long.MAX_VALUE;

    static Map<String, Schedule> schedules(ZoneId zone, boolean backup, boolean restore, boolean dump) {
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        schedules.put("backup", new Schedule("backup", backup, "0 55 23 * * ?", zone));
        schedules.put("restore", new Schedule("restore", restore, "0 15 0 * * ?", zone));
        schedules.put("dump", new Schedule("dump", dump, "0 30 0 * * ?", zone));
        return schedules;
    }

    static JobState succeeded(String job, String startedAt) {
        Instant start = Instant.parse(startedAt);
        return new JobState(job, JobState.SUCCESS, run(start, null), null, null);
    }

    static JobState.Run run(Instant start, String reason) {
        return new JobState.Run("2000-01-01", start.toString(), start.plusSeconds(60).toString(), 60_000, 1, 1, null, reason);
    }

    static List<Day> days(String... days) {
        return java.util.Arrays.stream(days).map(Day::parse).toList();
    }

    static Map<String, JobState> states(JobState... states) {
        Map<String, JobState> map = new LinkedHashMap<>();
        for (JobState state : states) {
            map.put(state.job(), state);
        }
        return map;
    }

    @Test
    void severalMissedNightsInUtc() {
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 1, schedules(UTC, true, true, true),
                states(succeeded("backup", "2014-03-03T23:55:01Z"), succeeded("restore", "2014-03-03T00:15:01Z"),
                        succeeded("dump", "2014-03-03T00:30:01Z")));
        assertEquals(Day.parse("2014-03-05"), plan.restoreDay(), "the newest missed restore's day");
        assertEquals(days("2014-03-03", "2014-03-04"), plan.supersededRestoreDays());
        assertEquals(days("2014-03-03", "2014-03-04", "2014-03-05"), plan.dumpDays());
        assertEquals(List.of(), plan.dumpDaysBeyondBound());
        assertEquals(List.of(new CatchUpPlan.Missed(Day.parse("2014-03-04"), Instant.parse("2014-03-04T23:55:00Z")),
                new CatchUpPlan.Missed(Day.parse("2014-03-05"), Instant.parse("2014-03-05T23:55:00Z"))), plan.missedBackups());
        assertTrue(plan.notes().stream().anyMatch(n -> n.text().contains("restore of 2014-03-03, 2014-03-04 skipped: a newer day"
                + " (2014-03-05) supersedes them")), plan.notes().toString());
        assertTrue(plan.notes().stream().anyMatch(n -> n.level() == org.slf4j.event.Level.WARN
                && n.text().contains("the backup of 2014-03-05 was missed")), plan.notes().toString());
    }

    @Test
    void aMissedPruneOrVerifyIsNotedNotMade() {
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        schedules.put("prune", new Schedule("prune", true, "0 45 0 * * ?", UTC));
        schedules.put("verify", new Schedule("verify", true, "0 0 3 * * ?", UTC));
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 1, schedules,
                states(succeeded("prune", "2014-03-03T00:45:01Z"), succeeded("verify", "2014-03-03T03:00:01Z")));
        assertNull(plan.restoreDay());
        assertEquals(List.of(), plan.dumpDays());
        assertTrue(plan.notes().stream().anyMatch(n -> n.text().contains("a missed prune is not made up")), plan.notes().toString());
        assertTrue(plan.notes().stream().anyMatch(n -> n.text().contains("a missed verify is not made up")), plan.notes().toString());
    }

    @Test
    void theLastFailureCountsAsARunWhenItIsLater() {
        JobState dump = new JobState("dump", JobState.FAILURE, run(Instant.parse("2014-03-03T00:30:01Z"), null),
                run(Instant.parse("2014-03-05T00:30:01Z"), "boom"), null);
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 2, schedules(UTC, false, false, true),
                states(dump));
        assertEquals(days("2014-03-04"), plan.dumpDays(), "today minus dump.lag-days=2 of the one missed time");
    }

    @Test
    void daysOlderThanMaxDaysAreReportedNotMade() {
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 2, 1, schedules(UTC, false, true, true),
                states(succeeded("restore", "2014-03-01T00:15:01Z"), succeeded("dump", "2014-03-01T00:30:01Z")));
        assertEquals(days("2014-03-04", "2014-03-05"), plan.dumpDays());
        assertEquals(days("2014-03-01", "2014-03-02", "2014-03-03"), plan.dumpDaysBeyondBound());
        assertEquals(Day.parse("2014-03-05"), plan.restoreDay());
        assertTrue(plan.notes().stream().anyMatch(n -> n.text().contains("dump --from 2014-03-01 --to 2014-03-03 makes it")),
                plan.notes().toString());
    }

    @Test
    void firstStartHasNoHistoryAndMissesNothing() {
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 1, schedules(UTC, true, true, true), Map.of());
        assertNull(plan.restoreDay());
        assertEquals(List.of(), plan.dumpDays());
        assertEquals(List.of(), plan.missedBackups());
        assertEquals(3, plan.notes().stream().filter(n -> n.text().contains("no history")).count(), plan.notes().toString());
    }

    @Test
    void maxDaysZeroTurnsCatchUpOff() {
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 0, 1, schedules(UTC, true, true, true),
                states(succeeded("backup", "2014-03-01T23:55:01Z"), succeeded("dump", "2014-03-01T00:30:01Z")));
        assertEquals(List.of(), plan.dumpDays());
        assertEquals(List.of(), plan.missedBackups());
        assertTrue(plan.notes().get(0).text().startsWith("Catch-up is off"));
    }

    @Test
    void disabledJobsAreNotLookedAt() {
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 1, schedules(UTC, false, false, true),
                states(succeeded("backup", "2014-03-01T23:55:01Z"), succeeded("restore", "2014-03-01T00:15:01Z"),
                        succeeded("dump", "2014-03-06T00:30:01Z")));
        assertNull(plan.restoreDay());
        assertEquals(List.of(), plan.missedBackups());
        assertEquals(List.of(), plan.dumpDays(), "the dump ran at its last time");
    }

    @Test
    void aNonUtcZoneNamesTheDaysOfItsOwnCalendar() {
        // 00:15 in Berlin (CET, +1) is 23:15 UTC of the day before: the restore at 2014-03-06T00:15+01 restores 2014-03-05.
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T09:00:00Z"), 7, 1, schedules(BERLIN, false, true, false),
                states(succeeded("restore", "2014-03-03T23:15:05Z")));
        assertEquals(Day.parse("2014-03-05"), plan.restoreDay());
        assertEquals(days("2014-03-04"), plan.supersededRestoreDays());
    }

    @Test
    void aDaylightSavingChangeKeepsOneTimePerNight() {
        // Berlin goes to CEST (+2) on 2014-03-30: 00:30 local is 23:30Z before, 22:30Z after.
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-04-01T12:00:00Z"), 7, 1, schedules(BERLIN, false, false, true),
                states(succeeded("dump", "2014-03-28T23:30:05Z")));
        assertEquals(days("2014-03-29", "2014-03-30", "2014-03-31"), plan.dumpDays());
    }

    @Test
    void aRunLeftUnfinishedByADeadProcessIsMissed() {
        JobState restore = new JobState("restore", JobState.SUCCESS, run(Instant.parse("2014-03-05T00:15:01Z"), null), null,
                new JobState.Running("2014-03-06T00:15:00.500Z", DEAD_PID));
        CatchUpPlan plan = CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 1, schedules(UTC, false, true, false),
                states(restore));
        assertEquals(Day.parse("2014-03-05"), plan.restoreDay());

        JobState neverFinished = new JobState("restore", null, null, null, new JobState.Running("2014-03-06T00:15:00.500Z", DEAD_PID));
        assertEquals(Day.parse("2014-03-05"), CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 1,
                schedules(UTC, false, true, false), states(neverFinished)).restoreDay());

        JobState alive = new JobState("restore", JobState.SUCCESS, run(Instant.parse("2014-03-05T00:15:01Z"), null), null,
                new JobState.Running("2014-03-06T00:15:00.500Z", ProcessHandle.current().pid()));
        assertNull(CatchUpPlan.of(Instant.parse("2014-03-06T10:00:00Z"), 7, 1, schedules(UTC, false, true, false),
                states(alive)).restoreDay(), "a run in progress in a live process covers its time");
    }

    @Test
    void theNightlyDumpMakesEveryDayMissedSinceItsLastSuccess() {
        Schedule dump = schedules(UTC, false, false, true).get("dump");
        Instant now = Instant.parse("2014-03-06T00:30:00.010Z");
        JobState state = succeeded("dump", "2014-03-03T00:30:01Z");
        assertEquals(new CatchUpPlan.Days(days("2014-03-03", "2014-03-04", "2014-03-05"), List.of()),
                CatchUpPlan.nightlyDumpDays(dump, state, now, 7, 1));
        assertEquals(new CatchUpPlan.Days(days("2014-03-04", "2014-03-05"), days("2014-03-03")),
                CatchUpPlan.nightlyDumpDays(dump, state, now, 2, 1));
        assertEquals(new CatchUpPlan.Days(days("2014-03-05"), List.of()),
                CatchUpPlan.nightlyDumpDays(dump, JobState.empty("dump"), now, 7, 1), "no success yet: its own day");
        assertEquals(new CatchUpPlan.Days(days("2014-03-05"), List.of()),
                CatchUpPlan.nightlyDumpDays(dump, succeeded("dump", "2014-03-05T00:30:01Z"), now, 7, 1), "a normal night");
        assertEquals(new CatchUpPlan.Days(days("2014-03-05"), List.of()), CatchUpPlan.nightlyDumpDays(dump, state, now, 0, 1),
                "catch-up off");
    }
}
