package io.influxswiftbackup.cli;

import io.influxswiftbackup.catchup.MissedBackups;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayState;
import io.influxswiftbackup.monitor.JobCheck;
import io.influxswiftbackup.monitor.JobState;
import io.influxswiftbackup.monitor.Rates;
import io.influxswiftbackup.monitor.Schedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code status} command prints, from what the jobs left behind on this host (their state
 * files, {@code <dump.dir>/restored-day}) and the days in Swift: a summary line first, in the
 * OK/WARNING/CRITICAL/UNKNOWN convention of Nagios and Sensu checks, then one block per job.
 */
public final class StatusReport {

    /**
     * The days that have a container in Swift, or why they could not be listed (null: not asked); the
     * newest day's state (null: none, or not read).
     */
    public record SwiftDays(List<String> days, String problem, DayState newest) {
        public SwiftDays(List<String> days, String problem) {
            this(days, problem, null);
        }
    }

    private record Item(String name, JobCheck.Level level, String text) {
    }

    private final List<Item> items = new ArrayList<>();
    private final List<String> details = new ArrayList<>();

    private StatusReport() {
    }

    public static StatusReport of(Settings settings, Instant now, SwiftDays swift) {
        StatusReport report = new StatusReport();
        Path workDir = Path.of(settings.get("work.dir"));
        Duration grace = Duration.ofMinutes(settings.getInt("status.grace-minutes"));
        for (String job : Schedule.JOBS) {
            report.job(Schedule.of(settings, job), JobState.file(workDir, job), now, grace);
        }
        report.missedBackups(workDir);
        report.retention(settings.getOptional("retention.days"));
        report.swift(swift);
        report.restoredDay(Path.of(settings.get("dump.dir")).resolve(Day.RESTORED_DAY_FILE));
        return report;
    }

    private void job(Schedule schedule, Path file, Instant now, Duration grace) {
        JobState state;
        try {
            state = JobState.read(file, schedule.job());
        } catch (IOException e) {
            items.add(new Item(schedule.job(), JobCheck.Level.UNKNOWN, e.getMessage()));
            details.add(String.format("%-8s %-9s %s", schedule.job(), JobCheck.Level.UNKNOWN, e.getMessage()));
            return;
        }
        JobCheck.Verdict verdict = JobCheck.evaluate(schedule, state, now, grace);
        items.add(new Item(schedule.job(), verdict.level(), verdict.text()));
        String plan = schedule.enabled() ? "enabled, " + schedule.describe() + ", next " + schedule.nextFire(now) : "disabled";
        details.add(String.format("%-8s %-9s %s", schedule.job(), verdict.level(), plan));
        if (schedule.enabled()) {
            // A failure's reason is on the first line already.
            String reason = state.lastFailure() == null ? null : ": " + state.lastFailure().reason();
            details.add(indent(verdict.level() != JobCheck.Level.OK && reason != null && verdict.text().endsWith(reason)
                    ? verdict.text().substring(0, verdict.text().length() - reason.length()) + " (why: the first line)"
                    : verdict.text()));
        }
        if (state.lastSuccess() != null) {
            details.add(indent("last success at " + state.lastSuccess().endedAt() + ", " + state.lastSuccess().describe()));
        }
        if (state.lastFailure() != null && !verdict.text().endsWith(": " + state.lastFailure().reason())) {
            JobState.Run failure = state.lastFailure();
            details.add(indent("last failure at " + failure.endedAt() + (failure.day() == null ? "" : ", day " + failure.day())
                    + ": " + failure.reason()));
        }
    }

    /** Backups missed while the process was down (found by the catch-up), until a later backup succeeds. */
    private void missedBackups(Path workDir) {
        String text;
        try {
            text = MissedBackups.describe(MissedBackups.outstanding(workDir,
                    JobState.read(JobState.file(workDir, "backup"), "backup")));
        } catch (IOException | RuntimeException e) {
            text = "cannot read " + MissedBackups.file(workDir) + ": " + e.getMessage();
        }
        if (text != null) {
            items.add(new Item("backup", JobCheck.Level.WARNING, text));
            details.add(String.format("%-8s %-9s %s", "missed", JobCheck.Level.WARNING, "backup " + text));
        }
    }

    /** Off, Swift grows forever: a warning until retention.days is set. */
    private void retention(String days) {
        if (days == null) {
            items.add(new Item("retention", JobCheck.Level.WARNING, "is off: Swift keeps every day"));
            details.add(String.format("%-9s %-8s %s", "retention", JobCheck.Level.WARNING,
                    "off (retention.days is empty): Swift keeps every day"));
            return;
        }
        details.add(String.format("%-9s %-8s %s", "retention", JobCheck.Level.OK, "days before today minus " + days
                + " go (prune job), the newest complete day stays"));
    }

    private void swift(SwiftDays swift) {
        if (swift == null) {
            details.add(String.format("%-8s %-9s %s", "swift", "", "not asked (swift.key is not set for this check)"));
            return;
        }
        if (swift.problem() != null) {
            // Said once: a wrong key fails the backup and this listing with the same words.
            String problem = items.stream().filter(item -> item.text().endsWith(": " + swift.problem())).findFirst()
                    .map(item -> "the same reason as the " + item.name() + "'s").orElse(swift.problem());
            items.add(new Item("swift", JobCheck.Level.WARNING, "cannot list the days in Swift: " + problem));
            details.add(String.format("%-8s %-9s %s", "swift", JobCheck.Level.WARNING, "cannot list the days: " + problem));
            return;
        }
        List<String> days = swift.days();
        details.add(String.format("%-8s %-9s %s", "swift", JobCheck.Level.OK, days.isEmpty() ? "no day in Swift"
                : days.size() + " days in Swift, from " + days.get(0) + " to " + days.get(days.size() - 1)));
        DayState newest = swift.newest();
        if (newest != null) {
            details.add(String.format("%-8s %-9s %s", "", "", "newest day " + newest.day() + ": " + newest.describe() + ", "
                    + newest.objects() + " objects, " + Rates.size(newest.bytes())
                    + (newest.added() < 0 ? "" : ", " + Rates.size(newest.added()) + " of them added to Swift")));
        }
    }

    private void restoredDay(Path file) {
        String day;
        try {
            day = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            day = null;
        }
        details.add(String.format("%-8s %-9s %s", "restored", "", day == null ? "no restored day (" + file + " is missing)"
                : "the intermediary holds day " + day + " (" + file + ")"));
    }

    private static String indent(String text) {
        return " ".repeat(19) + text;
    }

    public JobCheck.Level level() {
        return items.stream().map(Item::level).reduce(JobCheck.Level.OK, JobCheck.Level::worst);
    }

    /** The summary line, then the details. */
    public List<String> lines() {
        JobCheck.Level level = level();
        List<String> parts = new ArrayList<>();
        for (Item item : items) {
            if (level == JobCheck.Level.OK ? !item.text().startsWith("disabled") : item.level() != JobCheck.Level.OK) {
                parts.add(item.name() + " " + item.text());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(level + ": " + (parts.isEmpty() ? "no job is enabled on this host" : String.join("; ", parts)));
        lines.addAll(details);
        return lines;
    }
}
