package io.influxswiftbackup.prune;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayMarks;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.Retention;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.monitor.Rates;
import io.influxswiftbackup.store.StoreSweep;
import io.influxswiftbackup.swift.ObjectStore;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prune job's rules, for routes/prune.yaml: which days are old ({@link Retention}), which day
 * is the newest complete one (it stays), what each old day holds (listed and logged before anything
 * goes), and the progress and outcome of the deletes.
 */
public class PruneJob {

    public static final String DRY_RUN_HEADER = "pruneDryRun";
    /** Exchange properties. */
    public static final String RETENTION_OFF = "retentionOff";
    static final String NEWEST_COMPLETE = "newestComplete";
    static final String PLAN = "prunePlan";
    static final String PRUNED_DAY = "prunedDay";

    public static final String OFF = "retention is off (retention.days is empty): Swift keeps every day; nothing pruned";
    private static final Logger LOG = LoggerFactory.getLogger(PruneJob.class);
    private static final int PROGRESS_EVERY = 100;

    private final Retention retention;
    private final String timezone;
    private final Clock clock;
    private final ObjectStore swift;
    private final DayStore days;
    private final StoreSweep store;

    public PruneJob(Retention retention, String timezone, Clock clock, ObjectStore swift, DayStore days, StoreSweep store) {
        this.retention = retention;
        this.timezone = timezone;
        this.clock = clock;
        this.swift = swift;
        this.days = days;
        this.store = store;
    }

    /** What one run found and did; shared by the copies the route's splits make. */
    public static final class Plan {
        final LocalDate today;
        final Set<String> containers;
        final Map<Day, PrunedDay> days = new LinkedHashMap<>();
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong deletedBytes = new AtomicLong();
        final List<String> left = Collections.synchronizedList(new ArrayList<>());
        StoreSweep.Plan store;
        StoreSweep.Plan swept;

        Plan(LocalDate today, Set<String> containers) {
            this.today = today;
            this.containers = containers;
        }

        public List<PrunedDay> days() {
            return List.copyOf(days.values());
        }

        int entries() {
            return days.values().stream().mapToInt(PrunedDay::entries).sum();
        }

        long bytes() {
            return days.values().stream().mapToLong(PrunedDay::bytes).sum();
        }

        /** "12 of 28 objects and segments deleted (111 B of 275 B)". */
        public String progress() {
            return deleted.get() + " of " + entries() + " objects and segments deleted (" + Rates.size(deletedBytes.get())
                    + " of " + Rates.size(bytes()) + ")";
        }
    }

    /** Dry run or not; whether retention is on at all (property {@value #RETENTION_OFF}, and the body says so). */
    public void start(Exchange exchange) {
        boolean dryRun = Boolean.TRUE.equals(exchange.getMessage().getHeader(DRY_RUN_HEADER, Boolean.class));
        exchange.getMessage().removeHeaders("prune*");
        exchange.setProperty("dryRun", dryRun);
        exchange.setProperty(RETENTION_OFF, retention == null);
        if (retention == null) {
            exchange.getMessage().setBody(OFF);
        }
    }

    /**
     * What goes: every container of the account ('swift list'); the newest complete day, newest first
     * the first day without any in-progress mark that holds shards ('swift stat D', 'swift list D -p
     * D/shards/'), which stays whatever its age; then each old day's container and segments container,
     * listed ('swift list D', 'swift list D_segments').
     */
    public void plan(Exchange exchange) {
        Set<String> names = new LinkedHashSet<>();
        swift.list(null, null).forEach(entry -> names.add(String.valueOf(entry.get("name"))));
        LocalDate today = Day.today(clock, timezone).date();
        Plan plan = new Plan(today, names);
        exchange.setProperty(PLAN, plan);
        LOG.info("retention.days = {}: today is {} ({}), days before {} go; {} containers in the account",
                retention.days(), today, timezone, retention.oldestKept(today), names.size());
        Day newestComplete = newestComplete(Retention.newestFirst(names));
        exchange.setProperty(NEWEST_COMPLETE, newestComplete);
        if (newestComplete == null) {
            LOG.warn("No day in Swift is complete (each is marked in progress or holds no shards)");
        }
        List<Day> old = retention.toPrune(plan.containers, plan.today, newestComplete);
        for (Day day : old) {
            PrunedDay pruned = new PrunedDay(day);
            plan.days.put(day, pruned);
            for (String container : List.of(day.container(), day.segmentsContainer())) {
                if (plan.containers.contains(container)) {
                    pruned.listed(container, swift.list(container, null));
                }
            }
        }
        List<Day> kept = new ArrayList<>(Retention.newestFirst(names));
        kept.removeAll(old);
        plan.store = store.plan(kept);
    }

    /** A day without any mark that holds shards is complete (a runbook day without manifest too). */
    private Day newestComplete(List<Day> newestFirst) {
        for (Day day : newestFirst) {
            List<String> marks = days.marks(day);
            boolean hasShards = !swift.list(day.container(), day.shardsPrefix()).isEmpty();
            if (marks.isEmpty() && hasShards) {
                LOG.info("The newest complete day is {}: it stays, whatever its age", day);
                return day;
            }
            LOG.info("Day {} is not complete ({}): looking at the day before", day,
                    marks.isEmpty() ? "no shards" : "marked in progress: " + DayMarks.describe(marks));
        }
        return null;
    }

    /** Logs what will go, day by day, before anything is deleted; the body becomes the same lines. */
    public String describe(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        Day newestComplete = exchange.getProperty(NEWEST_COMPLETE, Day.class);
        boolean dryRun = Boolean.TRUE.equals(exchange.getProperty("dryRun", Boolean.class));
        List<String> lines = new ArrayList<>();
        lines.add("retention.days = " + retention.days() + ": today is " + plan.today + " (" + timezone + "), days before "
                + retention.oldestKept(plan.today) + " go");
        lines.add(newestComplete == null ? "no day is complete" : "newest complete day: " + newestComplete
                + (retention.isOld(newestComplete, plan.today) ? " (older than that, but it stays)" : ""));
        plan.days.values().forEach(day -> lines.add(day.describe()));
        lines.add(plan.store.describe(store.container(), dryRun));
        String total = plan.days.size() + (plan.days.size() == 1 ? " day, " : " days, ") + plan.entries()
                + " objects and segments, " + plan.bytes() + " bytes";
        lines.add(dryRun ? "--dry-run: " + total + " would go; nothing deleted" : total + " go");
        lines.forEach(line -> LOG.info("Prune: {}", line));
        return String.join("\n", lines) + "\n";
    }

    /**
     * Before a day's deletes (the body is what it holds): that goes to property {@value #PRUNED_DAY},
     * its name to the log lines, and the day is marked in progress (a day pruned halfway is visibly
     * incomplete); the body becomes its objects and segments.
     */
    public List<PrunedDay.Entry> beginDay(Exchange exchange, PrunedDay pruned) {
        Day day = pruned.day();
        JobRun.noteDay(exchange, day);
        exchange.setProperty(PRUNED_DAY, pruned);
        LOG.info("Pruning day {}", pruned.describe());
        if (pruned.hasContainer()) {
            days.mark(days.begin(day, "prune"));
        }
        return pruned.entriesToDelete();
    }

    /** Deletes an object or segment ('swift delete'; gone already is fine); progress every few hundred. */
    public void delete(Exchange exchange, PrunedDay.Entry entry) {
        swift.delete(entry.container(), entry.name());
        long bytes = PrunedDay.storedBytes(entry.listed());
        JobRun.noteFile(exchange, bytes);
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        plan.deletedBytes.addAndGet(bytes);
        long done = plan.deleted.incrementAndGet();
        if (done % PROGRESS_EVERY == 0) {
            LOG.info("Pruning: {}", plan.progress());
        }
    }

    /** Deletes the day's emptied containers; a 409 means something was added meanwhile: it stays. */
    public void deleteContainers(Exchange exchange, @ExchangeProperty(PRUNED_DAY) PrunedDay pruned) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        for (String container : pruned.containers()) {
            if (swift.deleteContainer(container) == 409) {
                plan.left.add(container);
                LOG.warn("Container {} is not empty (409): something was added to it meanwhile; it stays, with what it holds,"
                        + " until the next prune", container);
            }
        }
        LOG.info("Pruned day {}; so far {}", pruned.day(), plan.progress());
    }

    /**
     * Once the old days are gone: the content store's content that no remaining day references goes
     * when its grace is over; newer unreferenced content is recorded. Planned again from what Swift
     * holds now (a backup may have linked content since the plan).
     */
    public void sweepStore(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        Set<String> names = new LinkedHashSet<>();
        swift.list(null, null).forEach(entry -> names.add(String.valueOf(entry.get("name"))));
        plan.swept = store.plan(Retention.newestFirst(names));
        store.apply(plan.swept);
        LOG.info("Prune: {}", plan.swept.describe(store.container(), false));
    }

    /** The outcome, logged and as the body. */
    public String finish(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        String text = "Pruned " + plan.days.size() + (plan.days.size() == 1 ? " day: " : " days: ") + plan.deleted.get()
                + " objects and segments, " + plan.deletedBytes.get() + " bytes"
                + (plan.swept == null || plan.swept.due().isEmpty() ? "" : "; from the store " + plan.swept.due().size()
                        + " unreferenced contents, " + plan.swept.dueBytes() + " bytes")
                + (plan.left.isEmpty() ? "" : "; containers left because something was added meanwhile: " + plan.left);
        if (plan.left.isEmpty()) {
            LOG.info(text);
        } else {
            LOG.warn(text);
        }
        return text + "\n";
    }
}
