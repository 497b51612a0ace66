package io.influxswiftbackup.day;

import io.influxswiftbackup.day.DayManifest.Entry;
import io.influxswiftbackup.files.LocalFiles;
import io.influxswiftbackup.swift.LargeObjects;
import io.influxswiftbackup.swift.Listed;
import io.influxswiftbackup.swift.ObjectStore;
import io.influxswiftbackup.swift.SwiftException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A day is a unit. While a job writes into a day's container, the container carries the job's mark
 * ({@link DayMarks}); the job writes {@code D/manifest.json} last, then removes its mark. A day that
 * still carries any mark is incomplete; a day without a manifest was made by the runbook's scripts.
 *
 * <ul>
 * <li>{@link #begin}: a run of a job starts writing into a day; {@link #mark} puts its mark on the day.</li>
 * <li>{@link #commit}: under the manifest's lock, read the manifest, merge this run's objects into it,
 *     write it, read it back (when another writer replaced it, merge and write again, a bounded number
 *     of times); unlock whatever happens; delete the objects of the run's kind the manifest no longer
 *     lists and their segments; remove the run's mark.</li>
 * <li>{@link #check}: before a restore or download: the day's marks (an incomplete day is refused
 *     unless forced) and its manifest, which the objects are then checked against.</li>
 * </ul>
 */
public class DayStore {

    /** How often a run writes the manifest again when the read-back lacks its objects. */
    static final int MAX_WRITES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(DayStore.class);

    private final ObjectStore swift;
    private final Clock clock;
    private final ManifestLock lock;

    public DayStore(ObjectStore swift, Clock clock, int lockTries, long lockRetryMillis, int lockExpirySeconds) {
        this(swift, clock, new ManifestLock.Settings(lockTries, lockRetryMillis, lockExpirySeconds), Thread::sleep);
    }

    DayStore(ObjectStore swift, Clock clock, ManifestLock.Settings lockSettings, ManifestLock.Pause pause) {
        this.swift = swift;
        this.clock = clock;
        this.lock = new ManifestLock(swift, lockSettings, pause);
    }

    /** A store that only reads days (their state, manifest, marks): it never takes the manifest's lock. */
    public static DayStore reader(ObjectStore swift) {
        return new DayStore(swift, Clock.systemUTC(), 1, 0, 10);
    }

    /** A run of {@code job} that writes into {@code day}: its mark ({@code <job> <run id>}); nothing is sent yet. */
    public DayWrite begin(Day day, String job) {
        return new DayWrite(day, job, job + " " + LocalFiles.runId(clock));
    }

    /** Marks the day in progress with the run's own key (another job's mark stays). */
    public void mark(DayWrite run) {
        swift.postContainerMetadata(run.day().container(), Map.of(DayMarks.header(run.job()), run.mark()));
    }

    /** Removes the run's mark; a backup, which completes the day, also removes the single mark of earlier versions. */
    public void clearMark(DayWrite run) {
        Map<String, String> headers = "backup".equals(run.job())
                ? Map.of(DayMarks.removeHeader(run.job()), "x", "X-Remove-Container-Meta-In-Progress", "x")
                : Map.of(DayMarks.removeHeader(run.job()), "x");
        swift.postContainerMetadata(run.day().container(), headers);
    }

    /** Writes the run's objects into the day's manifest, deletes what it no longer lists of the run's kind, and clears the run's mark. */
    public DayManifest commit(DayWrite run) {
        Day day = run.day();
        DayManifest written;
        lock.acquire(day, run.mark());
        try {
            written = writeConfirmed(run);
        } finally {
            lock.release(day, run.mark());
        }
        deleteObsolete(run, written);
        clearMark(run);
        return written;
    }

    private DayManifest writeConfirmed(DayWrite run) {
        Day day = run.day();
        List<Entry> ours = run.entries();
        for (int writes = 1; ; writes++) {
            DayManifest previous = read(day);
            DayManifest manifest = DayManifest.of(day, clock.instant(), run.job(), run.mark(),
                    DayManifest.merge(previous == null ? List.of() : previous.objects(), ours, run.job()));
            swift.writeSmall(day.container(), day.manifestObject(), manifest.toJson(), "application/json");
            LOG.info("Manifest {}: {} ({} of this run)", day.manifestObject(),
                    manifest.objects().size() == 1 ? "1 object" : manifest.objects().size() + " objects", ours.size());
            DayManifest readBack = read(day);
            List<Entry> missing = readBack == null ? ours : readBack.missing(ours);
            if (missing.isEmpty()) {
                return readBack;
            }
            String names = missing.stream().map(Entry::name).collect(Collectors.joining(", "));
            if (writes >= MAX_WRITES) {
                throw new SwiftException("the manifest of day " + day + " still lacks objects of this run after " + writes
                        + " writes (another run writes it at the same time?): " + names);
            }
            LOG.warn("The manifest of day {} read back lacks objects of this run (another run wrote it meanwhile): {};"
                    + " merging and writing it again", day, names);
        }
    }

    /**
     * Once the manifest is written: the objects of the run's kind it no longer lists go, then their
     * segments. The backup owns {@code D/shards/} (a forced re-run in the other format has other file
     * names); the dump only the files it wrote, which the manifest always lists.
     */
    private void deleteObsolete(DayWrite run, DayManifest written) {
        if (!"backup".equals(run.job())) {
            return;
        }
        Day day = run.day();
        Set<String> listed = written.names();
        List<String> obsolete = new ArrayList<>();
        // a large object replaced by a link to stored-once content leaves its segments behind too
        Set<String> gone = new HashSet<>();
        for (Map<String, Object> object : swift.list(day.container(), day.shardsPrefix())) {
            String name = String.valueOf(object.get("name"));
            if (!listed.contains(name)) {
                obsolete.add(name);
            } else if (Listed.isLink(object)) {
                gone.add(name);
            }
        }
        obsolete.sort(null);
        if (!obsolete.isEmpty()) {
            LOG.info("Day {}: {} object(s) the new manifest no longer lists will be deleted: {}", day, obsolete.size(), obsolete);
        }
        for (String name : obsolete) {
            swift.delete(day.container(), name);
            LOG.info("Deleted {} from container {}: the day's manifest no longer lists it", name, day.container());
        }
        gone.addAll(obsolete);
        if (gone.isEmpty()) {
            return;
        }
        for (Map<String, Object> segment : swift.list(day.segmentsContainer(), day.shardsPrefix())) {
            String name = String.valueOf(segment.get("name"));
            int slo = name.indexOf("/slo/");
            if (slo > 0 && gone.contains(name.substring(0, slo))) {
                swift.delete(day.segmentsContainer(), name);
                LOG.info("Deleted segment {} from container {}: its object is obsolete", name, day.segmentsContainer());
            }
        }
    }

    /** The day's manifest as Swift holds it now (the newest copy), or null when it has none. */
    public DayManifest read(Day day) {
        return DayManifest.parse(day, swift.readSmall(day.container(), day.manifestObject()));
    }

    /** Whether the day is complete, incomplete (its marks) or without manifest, and its objects' count and bytes. */
    public DayState state(Day day) {
        List<String> marks = marks(day);
        DayManifest manifest;
        try {
            manifest = read(day);
        } catch (SwiftException e) {
            LOG.warn("{}", e.getMessage());
            manifest = null;
        }
        return DayState.of(day, marks, manifest, swift.list(day.container(), null));
    }

    /** The in-progress marks the day carries (none: complete, or no such container). */
    public List<String> marks(Day day) {
        return DayMarks.marks(swift.containerMetadata(day.container()));
    }

    /**
     * Before a restore or a download of the day's objects of {@code kind}: a day that carries any mark
     * is refused unless {@code force} (then with a warning); a day without manifest is taken with a
     * warning. {@code what} names the objects and the work in the messages ("restore", "download").
     */
    public DayCheck check(Day day, String kind, boolean force, String what) {
        List<String> marks = marks(day);
        String objects = DayManifest.SHARD.equals(kind) ? "shards" : "dump files";
        if (!marks.isEmpty()) {
            if (!force) {
                throw new DayIncompleteException(day, marks, objects, what);
            }
            LOG.warn("Day {} is incomplete (marked in progress: {}); --force given, {} what is there",
                    day, DayMarks.describe(marks), "restore".equals(what) ? "restoring" : "downloading");
        }
        DayManifest manifest = read(day);
        if (manifest == null && "restore".equals(what)) {
            LOG.warn("Day {} has no manifest ({} missing: made by the runbook's scripts?); restoring its shards as listed",
                    day, day.manifestObject());
        } else if (manifest == null) {
            LOG.warn("Day {} has no manifest ({} missing: made by the runbook's scripts?); its {} are verified against"
                    + " Swift's checksums only", day, day.manifestObject(), objects);
        }
        return new DayCheck(day, kind, marks, manifest, force, this::brokenLinks);
    }

    /**
     * The links of a listing whose target Swift does not hold as the link is pinned to (gone, other
     * bytes, or a large object missing a segment: a link serves nothing then), one line each naming
     * the link and its target; one listing per target container (and its segments container).
     */
    public List<String> brokenLinks(List<Map<String, Object>> listing) {
        Map<String, Map<String, Map<String, Object>>> targets = new HashMap<>();
        Map<String, List<Map<String, Object>>> segments = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> link : listing) {
            String target = Listed.linkTarget(link);
            if (target == null) {
                continue;
            }
            int slash = target.indexOf('/');
            String container = target.substring(0, slash);
            Map<String, Object> stored = targets.computeIfAbsent(container, c -> Listed.byName(swift.list(c, null)))
                    .get(target.substring(slash + 1));
            String name = Listed.name(link);
            if (stored == null) {
                problems.add(name + " links to " + target + ", which is not in Swift");
            } else if (Listed.bytes(stored) != Listed.bytes(link) || !String.valueOf(Listed.hash(link)).equalsIgnoreCase(Listed.hash(stored))) {
                problems.add(name + " links to " + target + ", which Swift holds with other bytes (" + Listed.bytes(stored)
                        + " bytes, ETag " + Listed.hash(stored) + "; the link is pinned to " + Listed.bytes(link) + " bytes, ETag "
                        + Listed.hash(link) + ")");
            } else if (Listed.isLargeObject(stored)) {
                long held = 0;
                String prefix = target.substring(slash + 1) + "/slo/";
                for (Map<String, Object> segment : segments.computeIfAbsent(container,
                        c -> swift.list(LargeObjects.segmentContainer(c), null))) {
                    if (Listed.name(segment).startsWith(prefix)) {
                        held += Listed.storedBytes(segment);
                    }
                }
                if (held != Listed.bytes(stored)) {
                    problems.add(name + " links to " + target + ", a large object of " + Listed.bytes(stored)
                            + " bytes whose segments hold " + held + " bytes: a segment is missing");
                }
            }
        }
        return problems;
    }
}
