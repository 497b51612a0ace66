package io.influxswiftbackup.day;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.influxswiftbackup.files.LocalFiles;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.swift.SwiftException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A day is a unit. While a job writes into a day's container, the container carries the job's mark
 * ({@link DayMarks}: {@code X-Container-Meta-In-Progress-<Job>: <job> <run id>}); the job writes
 * {@code D/manifest.json} last (every object of the day: name, size, MD5, kind shard or dump, records
 * for a dump; when, by which version and job), then removes its mark. A day that still carries any
 * mark is incomplete; a day
 * without a manifest was made by the runbook's scripts. Jobs merge their objects into the manifest
 * already there, so the backup's shards and the dump's files end up in one list: the backup replaces
 * every shard entry by its own, the dump the entries of the files it wrote. A day's objects are
 * exactly those of its latest manifest: after writing it, a run deletes the objects of its kind
 * that the manifest no longer lists (and their segments).
 */
public class DayManifest {

    public static final String VERSION = "influx-swift-backup 0.1.0";
    /**
     * Exchange properties: the objects this run stored (a synchronized list shared by split copies),
     * this run's mark, the marks the day carries ({@link DayMarks#marks}), the manifest read.
     */
    public static final String ENTRIES = "manifestEntries";
    public static final String MARK = "inProgressMark";
    public static final String DAY_MARKS = "dayMarks";
    public static final String PREVIOUS = "previousManifest";
    public static final String MD5 = "smallObjectMd5";
    /** The job writing (backup or dump), the names the written manifest lists, and whether the read-back showed this run's objects. */
    public static final String JOB = "manifestJob";
    public static final String LISTED = "manifestNames";
    public static final String CONFIRMED = "manifestConfirmed";
    public static final String WRITES = "manifestWrites";
    /** Before a restore or download: the manifest's objects by name (none: the day has no manifest). */
    public static final String EXPECTED = "manifestObjects";
    /** How often a run writes the manifest again when the read-back lacks its objects. */
    static final int MAX_WRITES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(DayManifest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public DayManifest(Clock clock) {
        this.clock = clock;
    }

    public static String objectName(Day day) {
        return day.container() + "/manifest.json";
    }

    /** One object of the day. {@code sha256} is null in manifests written before it was recorded; {@code records} only for a dump. */
    public record Entry(String name, long size, String md5, String sha256, String kind, Long records) {
    }

    /**
     * The run starts writing into the day: its mark ({@code <job> <run id>}), the job's own metadata
     * key for it and the header that removes it, and an empty list of objects.
     */
    public void begin(Exchange exchange, String job) {
        exchange.setProperty(ENTRIES, Collections.synchronizedList(new ArrayList<Entry>()));
        exchange.setProperty(MARK, job + " " + LocalFiles.runId(clock));
        exchange.setProperty(DayMarks.HEADER, DayMarks.header(job));
        exchange.setProperty(DayMarks.REMOVE_HEADER, DayMarks.removeHeader(job));
        exchange.setProperty(JOB, job);
    }

    /** An object this run stored and verified (properties objectName, localSize, localMd5, localSha256). */
    @SuppressWarnings("unchecked")
    public void note(Exchange exchange, String kind) {
        List<Entry> entries = exchange.getProperty(ENTRIES, List.class);
        Long records = "dump".equals(kind) ? exchange.getProperty("records", Long.class) : null;
        entries.add(new Entry(exchange.getProperty("objectName", String.class), exchange.getProperty("localSize", Long.class),
                exchange.getProperty("localMd5", String.class), exchange.getProperty("localSha256", String.class), kind, records));
    }

    /** After a GET of D/manifest.json (200, or 404 when there is none): its text, or null. */
    public void readPrevious(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        exchange.setProperty(PREVIOUS, status != null && status == 404 ? null : exchange.getMessage().getBody(String.class));
    }

    /** After a HEAD of the container: the marks it carries (empty: none, or no container). */
    public void readMarks(Exchange exchange) {
        exchange.setProperty(DAY_MARKS, DayMarks.marks(exchange.getMessage().getHeaders()));
    }

    /**
     * The manifest's objects after a run: the backup's shards replace every shard entry (a re-run in
     * the other format has other file names: the old ones must go), the dump's files replace the
     * entries of the same name; every other entry stays.
     */
    public static List<Entry> merge(List<Entry> previous, List<Entry> ours, String job) {
        Set<String> replaced = new HashSet<>();
        ours.forEach(entry -> replaced.add(entry.name()));
        Map<String, Entry> objects = new TreeMap<>();
        for (Entry entry : previous) {
            boolean replacedByJob = "backup".equals(job) && "shard".equals(entry.kind());
            if (!replacedByJob && !replaced.contains(entry.name())) {
                objects.put(entry.name(), entry);
            }
        }
        ours.forEach(entry -> objects.put(entry.name(), entry));
        return new ArrayList<>(objects.values());
    }

    /**
     * The manifest to write: {@link #merge} of the one read and this run's objects; the body becomes
     * its JSON, objectName D/manifest.json, smallObjectMd5 its MD5, manifestNames the names it lists.
     */
    public void compose(Exchange exchange) throws IOException {
        Day day = exchange.getProperty("day", Day.class);
        String job = exchange.getProperty(JOB, String.class);
        List<Entry> ours = ours(exchange);
        List<Entry> objects = merge(entries(exchange.getProperty(PREVIOUS, String.class)), ours, job);
        ObjectNode root = JSON.createObjectNode();
        root.put("day", day.container());
        root.put("written", clock.instant().toString());
        root.put("by", VERSION);
        root.put("job", job);
        root.put("run", exchange.getProperty(MARK, String.class));
        ArrayNode list = root.putArray("objects");
        for (Entry e : objects) {
            ObjectNode o = list.addObject();
            o.put("name", e.name());
            o.put("size", e.size());
            o.put("md5", e.md5());
            if (e.sha256() != null) {
                o.put("sha256", e.sha256());
            }
            o.put("kind", e.kind());
            if (e.records() != null) {
                o.put("records", e.records());
            }
        }
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        exchange.setProperty("objectName", objectName(day));
        exchange.setProperty(MD5, md5(bytes));
        exchange.setProperty(LISTED, objects.stream().map(Entry::name).collect(Collectors.toSet()));
        exchange.getMessage().setBody(new String(bytes, StandardCharsets.UTF_8));
        LOG.info("Manifest {}: {} objects ({} of this run)", objectName(day), objects.size(), ours.size());
    }

    @SuppressWarnings("unchecked")
    private static List<Entry> ours(Exchange exchange) {
        List<Entry> ours = exchange.getProperty(ENTRIES, List.class);
        synchronized (ours) {
            return List.copyOf(ours);
        }
    }

    /**
     * After the manifest was written and read back (X-Newest, into previousManifest): property
     * manifestConfirmed true when it lists every object of this run as this run stored it. When
     * another writer's manifest replaced it, false: the route merges and writes again, at most
     * {@value #MAX_WRITES} times, then fails.
     */
    public void confirmWritten(Exchange exchange) throws IOException {
        Day day = exchange.getProperty("day", Day.class);
        List<Entry> missing = missing(entries(exchange.getProperty(PREVIOUS, String.class)), ours(exchange));
        int writes = exchange.getProperty(WRITES, 0, Integer.class) + 1;
        exchange.setProperty(WRITES, writes);
        exchange.setProperty(CONFIRMED, missing.isEmpty());
        if (missing.isEmpty()) {
            return;
        }
        String names = missing.stream().map(Entry::name).collect(Collectors.joining(", "));
        if (writes >= MAX_WRITES) {
            throw new SwiftException("the manifest of day " + day + " still lacks objects of this run after " + writes
                    + " writes (another run writes it at the same time?): " + names);
        }
        LOG.warn("The manifest of day {} read back lacks objects of this run (another run wrote it meanwhile): {};"
                + " merging and writing it again", day, names);
    }

    /** This run's entries that the manifest does not list as they are. */
    static List<Entry> missing(List<Entry> written, List<Entry> ours) {
        Set<Entry> there = new HashSet<>(written);
        return ours.stream().filter(entry -> !there.contains(entry)).toList();
    }

    /**
     * Once the manifest is written: of the listing in the body (the objects under the run's prefix),
     * those of the run's kind that the manifest no longer lists. The backup owns D/shards/; the dump
     * only the files it wrote, which the manifest always lists.
     */
    @SuppressWarnings("unchecked")
    public List<String> obsolete(List<Map<String, Object>> listing, Exchange exchange) {
        Set<String> listed = exchange.getProperty(LISTED, Set.class);
        Day day = exchange.getProperty("day", Day.class);
        Set<String> owned = new HashSet<>();
        ours(exchange).forEach(entry -> owned.add(entry.name()));
        boolean backup = "backup".equals(exchange.getProperty(JOB, String.class));
        List<String> obsolete = new ArrayList<>();
        for (Map<String, Object> object : listing) {
            String name = String.valueOf(object.get("name"));
            boolean ours = backup ? name.startsWith(day.shardsPrefix()) : owned.contains(name);
            if (ours && !listed.contains(name)) {
                obsolete.add(name);
            }
        }
        obsolete.sort(null);
        exchange.setProperty("obsoleteObjects", obsolete);
        if (!obsolete.isEmpty()) {
            LOG.info("Day {}: {} object(s) the new manifest no longer lists will be deleted: {}", day, obsolete.size(), obsolete);
        }
        return obsolete;
    }

    /**
     * Of the segment container's listing in the body, the segments of the obsolete objects
     * ({@code <object>/slo/...}, python-swiftclient's layout).
     */
    @SuppressWarnings("unchecked")
    public List<String> obsoleteSegments(List<Map<String, Object>> listing, Exchange exchange) {
        Set<String> obsolete = new HashSet<>(exchange.getProperty("obsoleteObjects", List.class));
        List<String> segments = new ArrayList<>();
        for (Map<String, Object> segment : listing) {
            String name = String.valueOf(segment.get("name"));
            int slo = name.indexOf("/slo/");
            if (slo > 0 && obsolete.contains(name.substring(0, slo))) {
                segments.add(name);
            }
        }
        return segments;
    }

    /** The objects of a manifest's text (none for null). */
    public static List<Entry> entries(String manifest) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (manifest == null || manifest.isBlank()) {
            return entries;
        }
        JsonNode root;
        try {
            root = JSON.readTree(manifest);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SwiftException("the day's manifest is not valid JSON (" + e.getOriginalMessage()
                    + "); look at it with 'swift download D D/manifest.json', and delete it to treat the day as one without manifest");
        }
        for (JsonNode o : root.path("objects")) {
            entries.add(new Entry(o.path("name").asText(), o.path("size").asLong(), o.path("md5").asText(),
                    o.hasNonNull("sha256") ? o.path("sha256").asText() : null, o.path("kind").asText(),
                    o.has("records") ? o.path("records").asLong() : null));
        }
        return entries;
    }

    /**
     * Before a restore: refuses a day that carries any in-progress mark unless forced, warns about a
     * day with no manifest, and otherwise requires the listing of D/shards/ to be exactly the manifest's shards,
     * each of the same size and MD5 (the downloads are then verified against these).
     */
    @SuppressWarnings("unchecked")
    public void checkForRestore(List<Map<String, Object>> listing, Exchange exchange) throws IOException {
        Day day = exchange.getProperty("day", Day.class);
        List<String> marks = exchange.getProperty(DAY_MARKS, List.of(), List.class);
        boolean force = Boolean.TRUE.equals(exchange.getProperty("force", Boolean.class));
        if (!marks.isEmpty()) {
            if (!force) {
                throw new SwiftException("day " + day + " is incomplete: container " + day.container()
                        + " is still marked in progress (" + DayMarks.describe(marks) + "); restore it anyway with --force");
            }
            LOG.warn("Day {} is incomplete (marked in progress: {}); --force given, restoring what is there",
                    day, DayMarks.describe(marks));
        }
        String manifest = exchange.getProperty(PREVIOUS, String.class);
        if (manifest == null) {
            LOG.warn("Day {} has no manifest ({} missing: made by the runbook's scripts?); restoring its shards as listed",
                    day, objectName(day));
            return;
        }
        Map<String, Entry> shards = new LinkedHashMap<>();
        for (Entry entry : entries(manifest)) {
            if ("shard".equals(entry.kind())) {
                shards.put(entry.name(), entry);
            }
        }
        exchange.setProperty(EXPECTED, Map.copyOf(shards));
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : listing) {
            String name = String.valueOf(object.get("name"));
            Entry expected = shards.remove(name);
            long size = ((Number) object.getOrDefault("bytes", 0)).longValue();
            String hash = String.valueOf(object.get("hash"));
            if (expected == null) {
                problems.add(name + " is not in the manifest");
            } else if (expected.size() != size) {
                problems.add(name + " has " + size + " bytes, the manifest says " + expected.size());
            } else if (!object.containsKey("slo_etag") && !hash.equalsIgnoreCase(expected.md5())) {
                // (a static large object's listed hash is not its content's MD5: its download is verified against X-Object-Meta-Md5)
                problems.add(name + " has MD5 " + hash + ", the manifest says " + expected.md5());
            }
        }
        shards.keySet().forEach(name -> problems.add(name + " is in the manifest but not in Swift"));
        if (!problems.isEmpty() && !force) {
            throw new SwiftException("day " + day + " does not match its manifest: " + String.join("; ", problems));
        }
        if (!problems.isEmpty()) {
            LOG.warn("Day {} does not match its manifest ({}); --force given", day, String.join("; ", problems));
        }
    }

    /**
     * After a verified download (properties objectName, downloadedBytes, downloadedSha256): fails
     * when the day's manifest (property manifestObjects) lists the object with another size or
     * SHA-256. Nothing to compare for a day without manifest, or an entry written without SHA-256.
     */
    @SuppressWarnings("unchecked")
    public void verifyDownload(Exchange exchange) {
        Map<String, Entry> expected = exchange.getProperty(EXPECTED, Map.class);
        String problem = downloadMismatch(expected == null ? null : expected.get(exchange.getProperty("objectName", String.class)),
                exchange.getProperty("downloadedBytes", Long.class), exchange.getProperty("downloadedSha256", String.class));
        if (problem != null) {
            throw new SwiftException("download of " + exchange.getProperty("objectName") + " does not match the day's manifest: " + problem);
        }
    }

    /** Why a download of {@code size} bytes with this SHA-256 is not the manifest's entry, or null. */
    public static String downloadMismatch(Entry expected, Long size, String sha256) {
        if (expected == null) {
            return null;
        }
        if (size == null || expected.size() != size) {
            return "received " + size + " bytes, the manifest says " + expected.size();
        }
        if (expected.sha256() != null && !expected.sha256().equalsIgnoreCase(sha256)) {
            return "SHA-256 of the bytes received is " + sha256 + ", the manifest says " + expected.sha256();
        }
        return null;
    }

    private static String md5(byte[] bytes) {
        MessageDigest md5 = FileRange.digest("MD5");
        md5.update(bytes);
        return FileRange.hex(md5);
    }
}
