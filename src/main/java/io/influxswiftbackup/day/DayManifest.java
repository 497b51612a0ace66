package io.influxswiftbackup.day;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.influxswiftbackup.swift.Listed;
import io.influxswiftbackup.swift.SwiftException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A day's manifest, {@code D/manifest.json}: every object of the day (name, size, MD5, SHA-256, kind
 * shard or dump, records for a dump), and when, by which version, job and run it was written. The
 * model only: reading and writing it in Swift is {@link DayStore}'s.
 */
public record DayManifest(Day day, String written, String by, String job, String run, List<Entry> objects) {

    public static final String VERSION = "influx-swift-backup 0.1.0";
    public static final String SHARD = "shard";
    public static final String DUMP = "dump";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One object of the day. {@code sha256} is null in manifests written before it was recorded;
     * {@code records} only for a dump. A shard stored once by content is a link: {@code content} names
     * its target ({@code <store>/sha256/<hex>}), and {@code added} tells whether this day's backup
     * stored that content (false: an earlier day had); both null for a plain object, whose bytes are
     * the day's own.
     */
    public record Entry(String name, long size, String md5, String sha256, String kind, Long records, String content,
                        Boolean added) {

        public Entry(String name, long size, String md5, String sha256, String kind, Long records) {
            this(name, size, md5, sha256, kind, records, null, null);
        }

        public Entry withAdded(Boolean dayAdded) {
            return new Entry(name, size, md5, sha256, kind, records, content, dayAdded);
        }

        /** Whether the day's own bytes hold it: a plain object, or content this day's backup stored. */
        public boolean addedByDay() {
            return content == null || !Boolean.FALSE.equals(added);
        }
    }

    /** The bytes a download of the day's objects gives. */
    public long logicalBytes() {
        return objects.stream().mapToLong(Entry::size).sum();
    }

    /** The bytes the day added to Swift: its plain objects, and the content its backup stored first. */
    public long addedBytes() {
        return objects.stream().filter(Entry::addedByDay).mapToLong(Entry::size).sum();
    }

    /** The store objects the day's links point at ({@code <store>/sha256/<hex>}). */
    public Set<String> contents() {
        Set<String> contents = new HashSet<>();
        objects.stream().filter(entry -> entry.content() != null).forEach(entry -> contents.add(entry.content()));
        return contents;
    }

    /**
     * The objects after a run of {@code job}: the backup's shards replace every shard entry (a re-run in
     * the other format has other file names: the old ones must go), the dump's files replace the
     * entries of the same name; every other entry stays. Content an earlier run of the day added
     * stays added by the day.
     */
    public static List<Entry> merge(List<Entry> previous, List<Entry> ours, String job) {
        Set<String> replaced = new HashSet<>();
        ours.forEach(entry -> replaced.add(entry.name()));
        // content an earlier run of this day stored stays the day's own on a re-run, which finds it stored
        Set<String> addedBefore = new HashSet<>();
        previous.stream().filter(entry -> entry.content() != null && Boolean.TRUE.equals(entry.added()))
                .forEach(entry -> addedBefore.add(entry.content()));
        ours = ours.stream().map(entry -> Boolean.FALSE.equals(entry.added()) && addedBefore.contains(entry.content())
                ? entry.withAdded(true) : entry).toList();
        Map<String, Entry> objects = new TreeMap<>();
        for (Entry entry : previous) {
            boolean replacedByJob = "backup".equals(job) && SHARD.equals(entry.kind());
            if (!replacedByJob && !replaced.contains(entry.name())) {
                objects.put(entry.name(), entry);
            }
        }
        ours.forEach(entry -> objects.put(entry.name(), entry));
        return new ArrayList<>(objects.values());
    }

    /** This run's entries that the manifest does not list as they are. */
    public List<Entry> missing(List<Entry> ours) {
        Set<Entry> there = new HashSet<>();
        objects.forEach(entry -> there.add(entry.withAdded(null)));
        return ours.stream().filter(entry -> !there.contains(entry.withAdded(null))).toList();
    }

    /** The entries of one kind, by name. */
    public Map<String, Entry> ofKind(String kind) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        objects.stream().filter(entry -> kind.equals(entry.kind())).forEach(entry -> byName.put(entry.name(), entry));
        return byName;
    }

    public Set<String> names() {
        Set<String> names = new HashSet<>();
        objects.forEach(entry -> names.add(entry.name()));
        return names;
    }

    /** The manifest's JSON, as Swift keeps it. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("day", day.container());
        root.put("written", written);
        root.put("by", by);
        root.put("job", job);
        root.put("run", run);
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
            if (e.content() != null) {
                o.put("content", e.content());
                o.put("added", Boolean.TRUE.equals(e.added()));
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new manifest of {@code day} written now by {@code run} of {@code job}. */
    public static DayManifest of(Day day, Instant now, String job, String run, List<Entry> objects) {
        return new DayManifest(day, now.toString(), VERSION, job, run, List.copyOf(objects));
    }

    /** The manifest in {@code json}; null for null (a day without manifest). */
    public static DayManifest parse(Day day, byte[] json) {
        if (json == null) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SwiftException("the manifest of day " + day + " is not valid JSON (" + e.getOriginalMessage()
                    + "); look at it with 'swift download " + day + " " + day.manifestObject()
                    + "', and delete it to treat the day as one without manifest");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode o : root.path("objects")) {
            entries.add(new Entry(o.path("name").asText(), o.path("size").asLong(), o.path("md5").asText(),
                    o.hasNonNull("sha256") ? o.path("sha256").asText() : null, o.path("kind").asText(),
                    o.hasNonNull("records") ? o.path("records").asLong() : null,
                    o.hasNonNull("content") ? o.path("content").asText() : null,
                    o.hasNonNull("added") ? o.path("added").asBoolean() : null));
        }
        return new DayManifest(day, root.path("written").asText(null), root.path("by").asText(null),
                root.path("job").asText(null), root.path("run").asText(null), entries);
    }

    /**
     * How a listing's entry differs from the manifest's (its size, or its MD5 unless it is a large
     * object, whose listed hash is not its content's MD5; a link by what its target is pinned to, and
     * where it points), or null; null too without an entry.
     */
    public static String listingMismatch(Map<String, Object> listed, Entry expected) {
        if (expected == null) {
            return null;
        }
        long bytes = Listed.bytes(listed);
        String hash = Listed.hash(listed);
        if (bytes != expected.size()) {
            return bytes + " bytes, the manifest says " + expected.size();
        }
        if (!Listed.isLargeObject(listed) && !String.valueOf(hash).equalsIgnoreCase(expected.md5())) {
            return "MD5 " + hash + ", the manifest says " + expected.md5();
        }
        String target = Listed.linkTarget(listed);
        if (expected.content() != null && target != null && !expected.content().equals(target)) {
            return "a link to " + target + ", the manifest says " + expected.content();
        }
        return null;
    }

    /** Why a download of {@code size} bytes with this SHA-256 is not the manifest's entry, or null. */
    public static String downloadMismatch(Entry expected, long size, String sha256) {
        if (expected == null) {
            return null;
        }
        if (expected.size() != size) {
            return "received " + size + " bytes, the manifest says " + expected.size();
        }
        if (expected.sha256() != null && !expected.sha256().equalsIgnoreCase(sha256)) {
            return "SHA-256 of the bytes received is " + sha256 + ", the manifest says " + expected.sha256();
        }
        return null;
    }
}
