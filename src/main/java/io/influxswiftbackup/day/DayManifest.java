package io.influxswiftbackup.day;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.influxswiftbackup.files.LocalFiles;
import io.influxswiftbackup.swift.SwiftException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A day is a unit. While a job writes into a day's container, the container carries the metadata
 * {@code X-Container-Meta-In-Progress: <job> <run id>}; the job writes {@code D/manifest.json} last
 * (every object of the day: name, size, MD5, kind shard or dump, records for a dump; when, by which
 * version and job), then removes the mark. A day that still carries the mark is incomplete; a day
 * without a manifest was made by the runbook's scripts. Jobs merge their objects into the manifest
 * already there (by name), so the backup's shards and the dump's files end up in one list.
 */
public class DayManifest {

    public static final String VERSION = "influx-swift-backup 0.1.0";
    /** Exchange properties: the objects this run stored (a synchronized list shared by split copies), the mark, the manifest read. */
    public static final String ENTRIES = "manifestEntries";
    public static final String MARK = "inProgressMark";
    public static final String DAY_MARK = "dayMark";
    public static final String PREVIOUS = "previousManifest";
    public static final String MD5 = "smallObjectMd5";
    public static final String MARK_HEADER = "X-Container-Meta-In-Progress";

    private static final Logger LOG = LoggerFactory.getLogger(DayManifest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public DayManifest(Clock clock) {
        this.clock = clock;
    }

    public static String objectName(Day day) {
        return day.container() + "/manifest.json";
    }

    /** One object of the day. {@code records} only for a dump. */
    public record Entry(String name, long size, String md5, String kind, Long records) {
    }

    /** The run starts writing into the day: its mark ({@code <job> <run id>}) and an empty list of objects. */
    public void begin(Exchange exchange, String job) {
        exchange.setProperty(ENTRIES, Collections.synchronizedList(new ArrayList<Entry>()));
        exchange.setProperty(MARK, job + " " + LocalFiles.runId(clock));
    }

    /** An object this run stored and verified (properties objectName, localSize, localMd5). */
    @SuppressWarnings("unchecked")
    public void note(Exchange exchange, String kind) {
        List<Entry> entries = exchange.getProperty(ENTRIES, List.class);
        Long records = "dump".equals(kind) ? exchange.getProperty("records", Long.class) : null;
        entries.add(new Entry(exchange.getProperty("objectName", String.class), exchange.getProperty("localSize", Long.class),
                exchange.getProperty("localMd5", String.class), kind, records));
    }

    /** After a GET of D/manifest.json (200, or 404 when there is none): its text, or null. */
    public void readPrevious(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        exchange.setProperty(PREVIOUS, status != null && status == 404 ? null : exchange.getMessage().getBody(String.class));
    }

    /** After a HEAD of the container: its in-progress mark, or null (none, or no container). */
    public void readMark(Exchange exchange) {
        exchange.setProperty(DAY_MARK, exchange.getMessage().getHeader(MARK_HEADER, String.class));
    }

    /**
     * The manifest to write: the previous one's objects, replaced by name by this run's; the body
     * becomes its JSON, objectName D/manifest.json, smallObjectMd5 its MD5.
     */
    @SuppressWarnings("unchecked")
    public void compose(Exchange exchange, String job) throws IOException {
        Day day = exchange.getProperty("day", Day.class);
        Map<String, Entry> objects = new LinkedHashMap<>();
        for (Entry entry : entries(exchange.getProperty(PREVIOUS, String.class))) {
            objects.put(entry.name(), entry);
        }
        List<Entry> ours = exchange.getProperty(ENTRIES, List.class);
        synchronized (ours) {
            for (Entry entry : ours) {
                objects.put(entry.name(), entry);
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("day", day.container());
        root.put("written", clock.instant().toString());
        root.put("by", VERSION);
        root.put("job", job);
        root.put("run", exchange.getProperty(MARK, String.class));
        ArrayNode list = root.putArray("objects");
        objects.values().stream().sorted(java.util.Comparator.comparing(Entry::name)).forEach(e -> {
            ObjectNode o = list.addObject();
            o.put("name", e.name());
            o.put("size", e.size());
            o.put("md5", e.md5());
            o.put("kind", e.kind());
            if (e.records() != null) {
                o.put("records", e.records());
            }
        });
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        exchange.setProperty("objectName", objectName(day));
        exchange.setProperty(MD5, md5(bytes));
        exchange.getMessage().setBody(new String(bytes, StandardCharsets.UTF_8));
        LOG.info("Manifest {}: {} objects ({} of this run)", objectName(day), objects.size(), ours.size());
    }

    /** The objects of a manifest's text (none for null). */
    public static List<Entry> entries(String manifest) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (manifest == null || manifest.isBlank()) {
            return entries;
        }
        for (JsonNode o : JSON.readTree(manifest).path("objects")) {
            entries.add(new Entry(o.path("name").asText(), o.path("size").asLong(), o.path("md5").asText(),
                    o.path("kind").asText(), o.has("records") ? o.path("records").asLong() : null));
        }
        return entries;
    }

    /**
     * Before a restore: refuses a day still marked in progress unless forced, warns about a day with
     * no manifest, and otherwise requires the listing of D/shards/ to be exactly the manifest's shards,
     * each of the same size and MD5 (the downloads are then verified against these).
     */
    public void checkForRestore(List<Map<String, Object>> listing, Exchange exchange) throws IOException {
        Day day = exchange.getProperty("day", Day.class);
        String mark = exchange.getProperty(DAY_MARK, String.class);
        boolean force = Boolean.TRUE.equals(exchange.getProperty("force", Boolean.class));
        if (mark != null) {
            if (!force) {
                throw new SwiftException("day " + day + " is incomplete: container " + day.container()
                        + " is still marked in progress (" + mark + "); restore it anyway with --force");
            }
            LOG.warn("Day {} is incomplete (marked in progress: {}); --force given, restoring what is there", day, mark);
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

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
