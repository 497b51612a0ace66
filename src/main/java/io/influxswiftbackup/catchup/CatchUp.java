package io.influxswiftbackup.catchup;

import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.dump.DumpJob;
import io.influxswiftbackup.monitor.JobState;
import io.influxswiftbackup.monitor.Schedule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catch-up route's bean (routes/catch-up.yaml) and the nightly dump's list of days: reads the
 * jobs' state files, plans with {@link CatchUpPlan}, keeps the missed backups for {@code status},
 * and says what was made, skipped or failed.
 */
public class CatchUp {

    public static final String PLAN = "catchUpPlan";
    public static final String OUTCOMES = "catchUpOutcomes";
    /** The job and the day a step of the catch-up works on. */
    public static final String JOB = "catchUpJob";
    public static final String DAY = "catchUpDay";

    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);

    private final Path workDir;
    private final Path dumpDir;
    private final Clock clock;
    private final int maxDays;
    private final int lagDays;
    private final Map<String, Schedule> schedules = new LinkedHashMap<>();

    public CatchUp(Settings settings, Clock clock) {
        this.workDir = Path.of(settings.get("work.dir"));
        this.dumpDir = Path.of(settings.get("dump.dir"));
        this.clock = clock;
        this.maxDays = settings.getInt("catch-up.max-days");
        this.lagDays = settings.getInt("dump.lag-days");
        for (String job : Schedule.JOBS) {
            schedules.put(job, Schedule.of(settings, job));
        }
    }

    /** What was missed since each enabled job's last run: logged, kept on the exchange, missed backups kept for status. */
    public void plan(Exchange exchange) throws IOException {
        Map<String, JobState> states = new LinkedHashMap<>();
        for (String job : Schedule.JOBS) {
            states.put(job, JobState.read(JobState.file(workDir, job), job));
        }
        CatchUpPlan plan = CatchUpPlan.of(clock.instant(), maxDays, lagDays, schedules, states);
        plan.notes().forEach(CatchUp::log);
        if (!plan.missedBackups().isEmpty()) {
            MissedBackups.record(workDir, states.get("backup"), plan.missedBackups());
        }
        exchange.setProperty(PLAN, plan);
        exchange.setProperty(OUTCOMES, Collections.synchronizedMap(new LinkedHashMap<String, String>()));
    }

    /** The restore to make: none, or the newest missed day. */
    public List<String> restoreDays(@ExchangeProperty(PLAN) CatchUpPlan plan) {
        return plan.restoreDay() == null ? List.of() : List.of(plan.restoreDay().container());
    }

    /** The missed dumps the intermediary's restore covers, oldest first; the others are reported. */
    public List<String> dumpDays(@ExchangeProperty(PLAN) CatchUpPlan plan) throws IOException {
        return covered(plan.dumpDays(), false);
    }

    /** For the nightly dump: its own day, after the days missed since its last success (within catch-up.max-days). */
    public List<String> nightlyDumpDays() throws IOException {
        Schedule dump = schedules.get("dump");
        CatchUpPlan.Days days = CatchUpPlan.nightlyDumpDays(dump, JobState.read(JobState.file(workDir, "dump"), "dump"),
                clock.instant(), maxDays, lagDays);
        List<CatchUpPlan.Note> notes = new ArrayList<>();
        CatchUpPlan.reportBeyondBound(notes, days, maxDays);
        notes.forEach(CatchUp::log);
        if (days.made().size() > 1) {
            LOG.info("Catch-up: the dump also makes {}, missed since its last success", CatchUpPlan.join(days.made()
                    .subList(0, days.made().size() - 1)));
        }
        return covered(days.made(), true);
    }

    /** The days {@code <dump.dir>/restored-day} covers; with {@code keepNewest}, the newest stays (its dump fails and says why). */
    private List<String> covered(List<Day> days, boolean keepNewest) throws IOException {
        String restored = DumpJob.restoredDay(dumpDir);
        List<String> made = new ArrayList<>();
        List<String> uncovered = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            String day = days.get(i).container();
            boolean newest = i == days.size() - 1;
            (restored != null && restored.compareTo(day) >= 0 || keepNewest && newest ? made : uncovered).add(day);
        }
        if (!uncovered.isEmpty()) {
            LOG.warn("Catch-up: the dump of {} is not made: the intermediary holds {}, which does not cover it", String.join(", ", uncovered),
                    restored == null ? "no restore" : "the backup of " + restored);
        }
        return made;
    }

    /** One line: what the catch-up made, skipped or could not make. */
    public void report(Exchange exchange, @ExchangeProperty(PLAN) CatchUpPlan plan) {
        Map<String, String> outcomes = outcomes(exchange);
        List<String> parts = new ArrayList<>();
        synchronized (outcomes) {
            outcomes.forEach((what, outcome) -> parts.add(what + " " + outcome));
        }
        if (!plan.dumpDaysBeyondBound().isEmpty()) {
            parts.add("dump " + CatchUpPlan.join(plan.dumpDaysBeyondBound()) + " not made (older than catch-up.max-days=" + maxDays + ")");
        }
        if (!plan.missedBackups().isEmpty()) {
            parts.add("backup of " + plan.missedBackups().stream().map(m -> m.day().container()).collect(Collectors.joining(", "))
                    + " missed (cannot be made up)");
        }
        LOG.info("Catch-up done: {}", parts.isEmpty() ? "nothing to make" : String.join("; ", parts));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> outcomes(Exchange exchange) {
        return exchange.getProperty(OUTCOMES, Map.class);
    }

    static void log(CatchUpPlan.Note note) {
        LOG.atLevel(note.level()).log(note.text());
    }
}
