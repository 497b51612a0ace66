package io.influxswiftbackup.monitor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's record: its state file, kept up to date at the start and the end of each run, and the
 * MBean that shows it. The state is read again before each update, so runs of the same job from
 * another process on this host (a command run by hand) are not overwritten.
 */
public final class JobStats implements JobStatsMBean {

    private static final Logger LOG = LoggerFactory.getLogger(JobStats.class);

    private final Schedule schedule;
    private final Path file;
    private final Clock clock;
    private final Duration grace;
    private volatile JobState state;
    private volatile boolean running;

    public JobStats(Schedule schedule, Path file, Clock clock, Duration grace) {
        this.schedule = schedule;
        this.file = file;
        this.clock = clock;
        this.grace = grace;
        this.state = readOrEmpty();
    }

    private JobState readOrEmpty() {
        try {
            return JobState.read(file, schedule.job());
        } catch (IOException e) {
            LOG.warn("{}; starting from an empty state", e.getMessage());
            return JobState.empty(schedule.job());
        }
    }

    synchronized void begin(JobRun run) {
        running = true;
        update(s -> s.starting(new JobState.Running(run.startedAt().toString(), ProcessHandle.current().pid())));
    }

    synchronized JobState.Run end(JobRun run, String failure) {
        JobState.Run outcome = run.finish(clock.instant(), failure);
        update(s -> s.finished(outcome));
        running = false;
        return outcome;
    }

    private void update(Function<JobState, JobState> change) {
        JobState next = change.apply(readOrEmpty());
        try {
            next.write(file);
        } catch (IOException e) {
            LOG.error("Cannot write the state of the {} job to {}: {}", schedule.job(), file, e.getMessage());
        }
        state = next;
    }

    public JobState state() {
        return state;
    }

    public Schedule schedule() {
        return schedule;
    }

    public JobCheck.Verdict verdict() {
        return JobCheck.evaluate(schedule, state, clock.instant(), grace);
    }

    // --- MBean ---

    @Override
    public String getJob() {
        return schedule.job();
    }

    @Override
    public boolean isEnabled() {
        return schedule.enabled();
    }

    @Override
    public String getSchedule() {
        return schedule.describe();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public String getRunningSince() {
        JobState.Running marker = state.running();
        return running && marker != null ? marker.since() : "";
    }

    @Override
    public String getStatus() {
        return verdict().level().name();
    }

    @Override
    public String getStatusText() {
        return verdict().text();
    }

    @Override
    public boolean isOverdue() {
        return verdict().text().startsWith("overdue");
    }

    @Override
    public String getNextRun() {
        Instant next = schedule.enabled() ? schedule.nextFire(clock.instant()) : null;
        return next == null ? "" : next.toString();
    }

    /** A field of a run, "" when there is no such run or field. */
    private static String text(JobState.Run run, Function<JobState.Run, String> field) {
        String value = run == null ? null : field.apply(run);
        return value == null ? "" : value;
    }

    @Override
    public String getLastSuccess() {
        return text(state.lastSuccess(), JobState.Run::endedAt);
    }

    @Override
    public String getLastSuccessDay() {
        return text(state.lastSuccess(), JobState.Run::day);
    }

    @Override
    public String getLastFailure() {
        return text(state.lastFailure(), JobState.Run::endedAt);
    }

    @Override
    public String getLastFailureDay() {
        return text(state.lastFailure(), JobState.Run::day);
    }

    @Override
    public String getLastFailureReason() {
        return text(state.lastFailure(), JobState.Run::reason);
    }

    @Override
    public String getLastOutcome() {
        return state.last() == null ? "" : state.last();
    }

    private JobState.Run last() {
        return state.lastRun();
    }

    @Override
    public String getLastDay() {
        return text(last(), JobState.Run::day);
    }

    @Override
    public long getLastFiles() {
        return last() == null ? 0 : last().files();
    }

    @Override
    public long getLastBytes() {
        return last() == null ? 0 : last().bytes();
    }

    @Override
    public long getLastRecords() {
        return last() == null ? 0 : last().totalRecords();
    }

    @Override
    public String getLastRecordsByMeasurement() {
        if (last() == null || last().records() == null) {
            return "";
        }
        return last().records().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    @Override
    public long getLastDurationMillis() {
        return last() == null ? 0 : last().durationMs();
    }

    @Override
    public String getLastWarnings() {
        return last() == null || !last().hasWarnings() ? "" : String.join("; ", last().warnings());
    }
}
