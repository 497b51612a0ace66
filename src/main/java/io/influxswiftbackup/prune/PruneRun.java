package io.influxswiftbackup.prune;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayMarks;
import io.influxswiftbackup.day.Retention;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.monitor.Rates;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prune job's rules, for routes/prune.yaml: which days are old ({@link Retention}), which day
 * is the newest complete one (it stays), what each old day holds (listed and logged before anything
 * goes), and the progress and outcome of the deletes.
 */
public class PruneRun {

    public static final String DRY_RUN_HEADER = "pruneDryRun";
    /** Exchange properties. */
    public static final String RETENTION_OFF = "retentionOff";
    static final String CANDIDATES = "completeCandidates";
    static final String NEWEST_COMPLETE = "newestComplete";
    static final String PLAN = "prunePlan";
    static final String PRUNED_DAY = "prunedDay";

    public static final String OFF = "retention is off (retention.days is empty): Swift keeps every day; nothing pruned";
    private static final Logger LOG = LoggerFactory.getLogger(PruneRun.class);
    private static final int PROGRESS_EVERY = 100;

    private final Retention retention;
    private final String timezone;
    private final Clock clock;

    public PruneRun(Retention retention, String timezone, Clock clock) {
        this.retention = retention;
        this.timezone = timezone;
        this.clock = clock;
    }

    /** What one run found and did; shared by the copies the route's splits make. */
    public static final class Plan {
        final LocalDate today;
        final Set<String> containers;
        final Map<Day, PrunedDay> days = new LinkedHashMap<>();
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong deletedBytes = new AtomicLong();
        final List<String> left = Collections.synchronizedList(new ArrayList<>());

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
        exchange.removeProperty("container");
        if (retention == null) {
            exchange.getMessage().setBody(OFF);
        }
    }

    /**
     * After the account's listing (the body): the days in it, newest first, are the candidates for the
     * newest complete day; property {@code container} names the first to look at (null: none).
     */
    public void noteContainers(Exchange exchange, List<Map<String, Object>> listing) {
        Set<String> names = new LinkedHashSet<>();
        listing.forEach(entry -> names.add(String.valueOf(entry.get("name"))));
        LocalDate today = Day.today(clock, timezone).date();
        exchange.setProperty(PLAN, new Plan(today, names));
        exchange.setProperty(CANDIDATES, Retention.newestFirst(names).iterator());
        exchange.removeProperty(NEWEST_COMPLETE);
        LOG.info("retention.days = {}: today is {} ({}), days before {} go; {} containers in the account",
                retention.days(), today, timezone, retention.oldestKept(today), names.size());
        next(exchange);
    }

    /**
     * After the day's in-progress marks (property dayMarks) and one name of its D/shards/ (the body):
     * a day without any mark that holds shards is complete (a runbook day without manifest too), and
     * the search ends; otherwise the next older day is looked at.
     */
    @SuppressWarnings("unchecked")
    public void noteChecked(Exchange exchange, List<Map<String, Object>> shardsPage) {
        Day day = Day.parse(exchange.getProperty("container", String.class));
        List<String> marks = exchange.getProperty(DayManifest.DAY_MARKS, List.of(), List.class);
        if (marks.isEmpty() && !shardsPage.isEmpty()) {
            exchange.setProperty(NEWEST_COMPLETE, day);
            exchange.removeProperty("container");
            LOG.info("The newest complete day is {}: it stays, whatever its age", day);
            return;
        }
        LOG.info("Day {} is not complete ({}): looking at the day before", day,
                marks.isEmpty() ? "no shards" : "marked in progress: " + DayMarks.describe(marks));
        next(exchange);
    }

    @SuppressWarnings("unchecked")
    private static void next(Exchange exchange) {
        Iterator<Day> candidates = exchange.getProperty(CANDIDATES, Iterator.class);
        if (candidates.hasNext()) {
            exchange.setProperty("container", candidates.next().container());
        } else {
            exchange.removeProperty("container");
        }
    }

    /** The old days (all but the newest complete one); the body becomes the names of their containers, to list. */
    public List<String> choose(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        Day newestComplete = exchange.getProperty(NEWEST_COMPLETE, Day.class);
        if (newestComplete == null) {
            LOG.warn("No day in Swift is complete (each is marked in progress or holds no shards)");
        }
        List<String> toList = new ArrayList<>();
        for (Day day : retention.toPrune(plan.containers, plan.today, newestComplete)) {
            plan.days.put(day, new PrunedDay(day));
            for (String container : List.of(day.container(), day.container() + Retention.SEGMENTS_SUFFIX)) {
                if (plan.containers.contains(container)) {
                    toList.add(container);
                }
            }
        }
        exchange.removeProperty("prefix");
        return toList;
    }

    /** After the listing of one of an old day's containers (the body). */
    public void noteListing(Exchange exchange, List<Map<String, Object>> listing) {
        String container = exchange.getProperty("container", String.class);
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        plan.days.get(Retention.dayOf(container)).listed(container, listing);
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
        String total = plan.days.size() + (plan.days.size() == 1 ? " day, " : " days, ") + plan.entries()
                + " objects and segments, " + plan.bytes() + " bytes";
        lines.add(dryRun ? "--dry-run: " + total + " would go; nothing deleted" : total + " go");
        lines.forEach(line -> LOG.info("Prune: {}", line));
        return String.join("\n", lines) + "\n";
    }

    /** Before a day's deletes (the body is what it holds): that goes to property {@value #PRUNED_DAY}, its name to the log lines. */
    public void beginDay(Exchange exchange, PrunedDay pruned) {
        Day day = pruned.day();
        JobRun.noteDay(exchange, day);
        exchange.setProperty(PRUNED_DAY, pruned);
        exchange.setProperty("day", day);
        exchange.setProperty("container", day.container());
        LOG.info("Pruning day {}", pruned.describe());
    }

    /** An object or segment (property pruneEntry) is deleted (or was gone already); progress every few hundred. */
    public void noteDeleted(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = exchange.getProperty("pruneEntry", Map.class);
        long bytes = PrunedDay.storedBytes(entry);
        JobRun.noteFile(exchange, bytes);
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        plan.deletedBytes.addAndGet(bytes);
        long done = plan.deleted.incrementAndGet();
        if (done % PROGRESS_EVERY == 0) {
            LOG.info("Pruning: {}", plan.progress());
        }
    }

    /** After DELETE of an emptied container (property containerStatus): a 409 means something was added meanwhile; it stays. */
    public void noteContainerDeleted(Exchange exchange) {
        String container = exchange.getProperty("container", String.class);
        int status = exchange.getProperty("containerStatus", Integer.class);
        if (status == 409) {
            exchange.getProperty(PLAN, Plan.class).left.add(container);
            LOG.warn("Container {} is not empty (409): something was added to it meanwhile; it stays, with what it holds,"
                    + " until the next prune", container);
        }
    }

    /** The outcome, logged and as the body. */
    public String finish(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        String text = "Pruned " + plan.days.size() + (plan.days.size() == 1 ? " day: " : " days: ") + plan.deleted.get()
                + " objects and segments, " + plan.deletedBytes.get() + " bytes"
                + (plan.left.isEmpty() ? "" : "; containers left because something was added meanwhile: " + plan.left);
        if (plan.left.isEmpty()) {
            LOG.info(text);
        } else {
            LOG.warn(text);
        }
        return text + "\n";
    }
}
