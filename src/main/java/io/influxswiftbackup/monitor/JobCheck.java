package io.influxswiftbackup.monitor;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a job is fine, as monitoring checks say it (Nagios/Sensu levels): the same rules for the
 * {@code status} command and for the daemon's health checks.
 * <ul>
 *   <li>a disabled job is OK whatever it last did (it is reported, not judged);</li>
 *   <li>running, in a process that is alive: OK; a running marker whose process is gone: CRITICAL;</li>
 *   <li>its last run failed: CRITICAL;</li>
 *   <li>it has not run since the time its cron last named, {@code grace} ago or more: CRITICAL (overdue);</li>
 *   <li>no run recorded yet: WARNING;</li>
 *   <li>its last run succeeded but found something amiss (a drill's difference, a verify's findings): WARNING.</li>
 * </ul>
 */
public final class JobCheck {

    /** Monitoring levels; the ordinal order is also their severity, the code the plugin exit status. */
    public enum Level {
        OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

        private final int exitCode;

        Level(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }

        public Level worst(Level other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    /** A level and the words that say why. */
    public record Verdict(Level level, String text) {
    }

    private JobCheck() {
    }

    public static Verdict evaluate(Schedule schedule, JobState state, Instant now, Duration grace) {
        JobState.Run last = state.lastRun();
        if (!schedule.enabled()) {
            return new Verdict(Level.OK, "disabled" + (last == null ? "" : "; last " + (state.lastRunFailed()
                    ? "run failed at " + last.endedAt() + ": " + last.reason() : "success at " + last.endedAt())));
        }
        JobState.Running running = state.running();
        if (running != null) {
            if (running.processAlive()) {
                return new Verdict(Level.OK, "running since " + running.since() + " (pid " + running.pid() + ")");
            }
            return new Verdict(Level.CRITICAL, "the run started at " + running.since() + " did not finish (process "
                    + running.pid() + " is gone)");
        }
        if (last == null) {
            return new Verdict(Level.WARNING, "no run recorded yet");
        }
        if (state.lastRunFailed()) {
            return new Verdict(Level.CRITICAL, "last run failed at " + last.endedAt()
                    + (last.day() == null ? "" : " (day " + last.day() + ")") + ": " + last.reason());
        }
        Instant due = schedule.previousFire(now);
        if (due != null && last.started().isBefore(due) && !now.isBefore(due.plus(grace))) {
            return new Verdict(Level.CRITICAL, "overdue: due at " + due + ", last run started " + last.startedAt());
        }
        if (last.hasWarnings()) {
            return new Verdict(Level.WARNING, "last success at " + last.endedAt() + ", " + last.describe() + ", found: "
                    + String.join("; ", last.warnings()));
        }
        return new Verdict(Level.OK, "last success at " + last.endedAt() + ", " + last.describe());
    }
}
