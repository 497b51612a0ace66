package io.influxswiftbackup.catchup;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.monitor.JobState;
import io.influxswiftbackup.monitor.Schedule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.event.Level;

/**
 * What was missed while the process was down, and what can still be made: a pure function of the
 * clock, the crons and the jobs' state files. A job missed the times its cron named after its last
 * recorded run (the later of its last success and last failure; a running marker left by a dead
 * process is a missed run) and up to now. A job with no recorded run has no history: nothing counts
 * as missed. Only the last {@code catch-up.max-days} days are made; older ones are reported.
 * <ul>
 *   <li>restore: once, the day the newest missed time would have restored (the intermediary holds
 *       one day, so older ones are superseded);</li>
 *   <li>dump: each missed day (the time's date minus dump.lag-days), oldest first;</li>
 *   <li>backup: cannot be made up (that night's data was not snapshotted): each missed day is reported.</li>
 * </ul>
 */
public record CatchUpPlan(Day restoreDay, List<Day> supersededRestoreDays, List<Day> dumpDays, List<Day> dumpDaysBeyondBound,
                          List<Missed> missedBackups, List<Note> notes) {

    /** A missed backup: its day, and the time its cron named. */
    public record Missed(Day day, Instant due) {
    }

    /** A line for the log. */
    public record Note(Level level, String text) {
    }

    /** The days a run makes, and the older ones beyond catch-up.max-days that it only reports. */
    public record Days(List<Day> made, List<Day> beyondBound) {
    }

    /** The most missed times looked at per job (a process down for years still plans quickly). */
    static final int MAX_FIRES = 5000;

    public static CatchUpPlan of(Instant now, int maxDays, int lagDays, Map<String, Schedule> schedules,
                                 Map<String, JobState> states) {
        List<Note> notes = new ArrayList<>();
        if (maxDays == 0) {
            notes.add(new Note(Level.INFO, "Catch-up is off (catch-up.max-days=0): missed nights are not looked for"));
            return new CatchUpPlan(null, List.of(), List.of(), List.of(), List.of(), notes);
        }
        Day restoreDay = null;
        List<Day> superseded = List.of();
        Days dumps = new Days(List.of(), List.of());
        List<Missed> backups = new ArrayList<>();
        for (Schedule schedule : schedules.values()) {
            if (!schedule.enabled()) {
                continue;
            }
            String job = schedule.job();
            List<Instant> fires = missedFires(schedule, states.getOrDefault(job, JobState.empty(job)), now);
            if (fires == null) {
                notes.add(new Note(Level.INFO, "Catch-up: " + job + " has no run recorded (no history): nothing counts as missed"));
                continue;
            }
            if (fires.isEmpty()) {
                notes.add(new Note(Level.INFO, "Catch-up: " + job + " missed nothing since its last run"));
                continue;
            }
            notes.add(new Note(Level.INFO, "Catch-up: " + job + " missed " + fires.size() + " time(s) its cron named: "
                    + (fires.size() <= 7 ? fires.stream().map(Instant::toString).collect(Collectors.joining(", "))
                    : "from " + fires.get(0) + " to " + fires.get(fires.size() - 1))));
            ZoneId zone = schedule.zone();
            Instant cutoff = cutoff(now, zone, maxDays);
            switch (job) {
                case "restore" -> {
                    Instant newest = fires.get(fires.size() - 1);
                    Day newestDay = day(newest, zone, 1);
                    if (newest.isAfter(cutoff)) {
                        restoreDay = newestDay;
                        notes.add(new Note(Level.INFO, "Catch-up: restoring " + restoreDay + ", the day the newest missed restore ("
                                + newest + ") would have restored"));
                    } else {
                        notes.add(new Note(Level.WARN, "Catch-up: the restore of " + newestDay + " is older than catch-up.max-days="
                                + maxDays + ": not made"));
                    }
                    superseded = days(fires.subList(0, fires.size() - 1), f -> day(f, zone, 1)).stream()
                            .filter(d -> !d.equals(newestDay)).toList();
                    if (!superseded.isEmpty()) {
                        notes.add(new Note(Level.INFO, "Catch-up: restore of " + join(superseded) + " skipped: a newer day ("
                                + newestDay + ") supersedes them (the intermediary holds one day)"));
                    }
                }
                case "dump" -> {
                    dumps = bounded(fires, cutoff, f -> day(f, zone, lagDays));
                    if (!dumps.made().isEmpty()) {
                        notes.add(new Note(Level.INFO, "Catch-up: dumping " + join(dumps.made())
                                + " in order, those the intermediary's restore covers"));
                    }
                    reportBeyondBound(notes, dumps, maxDays);
                }
                case "backup" -> {
                    for (Instant fire : fires) {
                        Day day = day(fire, zone, 0);
                        if (backups.stream().noneMatch(m -> m.day().equals(day))) {
                            backups.add(new Missed(day, fire));
                        }
                        notes.add(new Note(Level.WARN, "Catch-up: the backup of " + day + " was missed (due at " + fire
                                + ", the process was down): it cannot be made up, that night's data was not snapshotted"));
                    }
                }
                case "verify" -> notes.add(new Note(Level.INFO, "Catch-up: a missed verify is not made up: its next run"
                        + " verifies every day"));
                case "prune" -> notes.add(new Note(Level.INFO, "Catch-up: a missed prune is not made up: its next run"
                        + " prunes every day older than retention.days"));
                default -> throw new IllegalArgumentException("no catch-up rule for job " + job);
            }
        }
        return new CatchUpPlan(restoreDay, superseded, dumps.made(), dumps.beyondBound(), List.copyOf(backups), List.copyOf(notes));
    }

    /**
     * The days the nightly dump makes at {@code now}: its own (today minus dump.lag-days), and every
     * day missed since its last success, within catch-up.max-days.
     */
    public static Days nightlyDumpDays(Schedule dump, JobState state, Instant now, int maxDays, int lagDays) {
        Day today = day(now, dump.zone(), lagDays);
        if (maxDays == 0 || state.lastSuccess() == null) {
            return new Days(List.of(today), List.of());
        }
        List<Instant> fires = dump.firesBetween(state.lastSuccess().started(), now, MAX_FIRES);
        Days days = bounded(fires, cutoff(now, dump.zone(), maxDays), f -> day(f, dump.zone(), lagDays));
        TreeSet<Day> made = new TreeSet<>(java.util.Comparator.comparing(Day::date));
        made.addAll(days.made());
        made.add(today);
        return new Days(List.copyOf(made), days.beyondBound().stream().filter(d -> !made.contains(d)).toList());
    }

    /** The notes of the days beyond the bound: not made, and the command that makes them. */
    static void reportBeyondBound(List<Note> notes, Days days, int maxDays) {
        List<Day> beyond = days.beyondBound();
        if (!beyond.isEmpty()) {
            notes.add(new Note(Level.WARN, "Catch-up: the dump of " + join(beyond) + " is older than catch-up.max-days=" + maxDays
                    + ": not made (dump --from " + beyond.get(0) + " --to " + beyond.get(beyond.size() - 1) + " makes it)"));
        }
    }

    /**
     * The times a job missed, oldest first: after its last recorded run and up to {@code now}. A run
     * in progress in a live process covers its time; a marker left by a dead process does not.
     * Null when the job has no run recorded at all.
     */
    static List<Instant> missedFires(Schedule schedule, JobState state, Instant now) {
        Instant after = state.latestStart();
        JobState.Running running = state.running();
        if (running != null) {
            Instant since = Instant.parse(running.since());
            if (running.processAlive()) {
                after = after == null || since.isAfter(after) ? since : after;
            } else if (after == null) {
                Instant served = schedule.previousFire(since);
                after = (served == null ? since : served).minusNanos(1);
            }
        }
        return after == null ? null : schedule.firesBetween(after, now, MAX_FIRES);
    }

    private static Instant cutoff(Instant now, ZoneId zone, int maxDays) {
        return now.atZone(zone).minusDays(maxDays).toInstant();
    }

    /** The fire's date in the schedule's zone, minus {@code back} days. */
    static Day day(Instant fire, ZoneId zone, int back) {
        return new Day(LocalDate.ofInstant(fire, zone).minusDays(back));
    }

    private static Days bounded(List<Instant> fires, Instant cutoff, Function<Instant, Day> dayOf) {
        List<Day> made = days(fires.stream().filter(f -> f.isAfter(cutoff)).toList(), dayOf);
        List<Day> beyond = days(fires.stream().filter(f -> !f.isAfter(cutoff)).toList(), dayOf).stream()
                .filter(d -> !made.contains(d)).toList();
        return new Days(made, beyond);
    }

    /** Distinct days, in date order. */
    private static List<Day> days(List<Instant> fires, Function<Instant, Day> dayOf) {
        return fires.stream().map(dayOf).distinct().sorted(java.util.Comparator.comparing(Day::date)).toList();
    }

    static String join(List<Day> days) {
        return days.stream().map(Day::container).collect(Collectors.joining(", "));
    }
}
