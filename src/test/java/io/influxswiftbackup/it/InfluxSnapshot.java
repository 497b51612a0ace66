package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Everything one InfluxDB database holds, read back through the HTTP {@code /query} API, as a
 * comparable value: a sorted map of keys to canonical text (one JSON value per line). Two
 * snapshots of the same data, taken on two instances (production and the restored intermediary),
 * are {@link #equals equal}; {@link #diff} says where they differ in a few lines.
 *
 * <p>Keys:
 * <ul>
 *   <li>{@code retention-policies}: SHOW RETENTION POLICIES (name, duration, shard group duration, replicaN, default)</li>
 *   <li>{@code shard-groups}: SHOW SHARDS of the database as (rp, start, end), without shard ids</li>
 *   <li>{@code measurements}, {@code series}, {@code tag-keys}, {@code tag-values}: per database
 *       (InfluxDB 1.6 answers these from the database-wide index, whatever the rp)</li>
 *   <li>{@code field-keys "rp"}: SHOW FIELD KEYS FROM "rp"./.*&#47; (field key and type, per rp)</li>
 *   <li>{@code data "rp"."measurement" {tags}}: one key per series, from
 *       {@code SELECT * FROM "db"."rp"."m" GROUP BY *} with {@code epoch=ns}: the columns, then one row per point</li>
 * </ul>
 * Any {@code "error"} in a response (InfluxDB answers errors with HTTP 200) fails the test, and so
 * does a {@code "partial"} (truncated) result.
 */
public final class InfluxSnapshot {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final int EXCERPT = 160;

    private final String source;
    private final SortedMap<String, String> entries;
    private final SortedMap<String, SortedMap<String, Long>> rowCounts;
    private final SortedMap<String, SortedMap<String, SortedMap<String, String>>> fieldTypes;

    InfluxSnapshot(String source, SortedMap<String, String> entries,
                   SortedMap<String, SortedMap<String, Long>> rowCounts,
                   SortedMap<String, SortedMap<String, SortedMap<String, String>>> fieldTypes) {
        this.source = source;
        this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        this.rowCounts = rowCounts;
        this.fieldTypes = fieldTypes;
    }

    /** One shard, as SHOW SHARDS lists it. Times are RFC3339 text as InfluxDB returns them. */
    public record Shard(long id, String database, String retentionPolicy, long shardGroup, String start, String end) {
    }

    // ------------------------------------------------------------------------------------------
    // Taking a snapshot

    /** Reads everything of database {@code db} on the InfluxDB at {@code url} (e.g. http://127.0.0.1:18086). */
    public static InfluxSnapshot take(String url, String db) {
        SortedMap<String, String> entries = new TreeMap<>();
        SortedMap<String, SortedMap<String, Long>> rowCounts = new TreeMap<>();
        SortedMap<String, SortedMap<String, SortedMap<String, String>>> fieldTypes = new TreeMap<>();

        List<String> rps = new ArrayList<>();
        List<String> rpLines = new ArrayList<>();
        for (JsonNode row : resultRows(query(url, db, "SHOW RETENTION POLICIES ON " + quote(db)))) {
            rps.add(row.get("name").asText());
            rpLines.add(canonical(row));
        }
        Collections.sort(rpLines);
        entries.put("retention-policies", lines(rpLines));

        SortedSet<String> groups = new TreeSet<>();
        for (Shard shard : shards(url, db)) {
            groups.add(canonical(List.of(shard.retentionPolicy(), shard.start(), shard.end())));
        }
        entries.put("shard-groups", lines(List.copyOf(groups)));

        List<String> measurements = new ArrayList<>();
        for (JsonNode row : resultRows(query(url, db, "SHOW MEASUREMENTS ON " + quote(db)))) {
            measurements.add(row.get("name").asText());
        }
        Collections.sort(measurements);
        entries.put("measurements", lines(measurements.stream().map(InfluxSnapshot::canonical).toList()));

        List<String> series = new ArrayList<>();
        for (JsonNode row : resultRows(query(url, db, "SHOW SERIES ON " + quote(db)))) {
            series.add(canonical(row.get("key")));
        }
        Collections.sort(series);
        entries.put("series", lines(series));

        entries.put("tag-keys", lines(perMeasurementRows(query(url, db, "SHOW TAG KEYS ON " + quote(db)))));
        entries.put("tag-values", lines(perMeasurementRows(
                query(url, db, "SHOW TAG VALUES ON " + quote(db) + " WITH KEY =~ /.*/"))));

        for (String rp : rps) {
            JsonNode fields = query(url, db, "SHOW FIELD KEYS ON " + quote(db) + " FROM " + quote(rp) + "./.*/");
            entries.put("field-keys " + quote(rp), lines(perMeasurementRows(fields)));
            for (JsonNode s : seriesOf(fields)) {
                SortedMap<String, String> types = fieldTypes.computeIfAbsent(rp, k -> new TreeMap<>())
                        .computeIfAbsent(s.path("name").asText(), k -> new TreeMap<>());
                for (JsonNode row : rows(s)) {
                    types.put(row.get("fieldKey").asText(), row.get("fieldType").asText());
                }
            }
        }

        for (String rp : rps) {
            for (String m : measurements) {
                JsonNode result = query(url, db,
                        "SELECT * FROM " + quote(db) + "." + quote(rp) + "." + quote(m) + " GROUP BY *");
                for (JsonNode s : seriesOf(result)) {
                    String key = "data " + quote(rp) + "." + quote(m) + " " + canonical(sortedTags(s.path("tags")));
                    List<String> data = canonicalRows(s);
                    if (entries.put(key, lines(data)) != null) {
                        fail("two series with the same key " + key + " in " + url + " " + db);
                    }
                    rowCounts.computeIfAbsent(rp, k -> new TreeMap<>()).merge(m, (long) data.size() - 1, Long::sum);
                }
            }
        }
        return new InfluxSnapshot(url + " " + db, entries, rowCounts, fieldTypes);
    }

    /** SHOW SHARDS, only the shards of {@code db}, by id. */
    public static List<Shard> shards(String url, String db) {
        List<Shard> shards = new ArrayList<>();
        for (JsonNode s : seriesOf(query(url, null, "SHOW SHARDS"))) {
            if (!db.equals(s.path("name").asText())) {
                continue;
            }
            for (JsonNode row : rows(s)) {
                shards.add(new Shard(row.get("id").asLong(), row.get("database").asText(),
                        row.get("retention_policy").asText(), row.get("shard_group").asLong(),
                        row.get("start_time").asText(), row.get("end_time").asText()));
            }
        }
        shards.sort(Comparator.comparingLong(Shard::id));
        return shards;
    }

    /**
     * The number of points in {@code db}: for every retention policy and measurement,
     * {@code SELECT COUNT(*) ... GROUP BY *}, taking per series the largest count of any field.
     * Exact when, in each series, some field is present on every point (true of {@link InfluxFixture});
     * otherwise a lower bound. {@link #rowCount()} of a snapshot is always exact.
     */
    public static long countPoints(String url, String db) {
        long total = 0;
        for (JsonNode rp : resultRows(query(url, db, "SHOW RETENTION POLICIES ON " + quote(db)))) {
            for (JsonNode m : resultRows(query(url, db, "SHOW MEASUREMENTS ON " + quote(db)))) {
                JsonNode result = query(url, db, "SELECT COUNT(*) FROM " + quote(db) + "." + quote(rp.get("name").asText())
                        + "." + quote(m.get("name").asText()) + " GROUP BY *");
                for (JsonNode s : seriesOf(result)) {
                    for (JsonNode row : s.path("values")) {
                        long max = 0;
                        for (int i = 1; i < row.size(); i++) {
                            max = Math.max(max, row.get(i).asLong(0));
                        }
                        total += max;
                    }
                }
            }
        }
        return total;
    }

    // ------------------------------------------------------------------------------------------
    // The value

    /** Key → canonical text (one JSON value per line), sorted by key. */
    public SortedMap<String, String> entries() {
        return entries;
    }

    /** Where the snapshot was taken ("url db"); not part of equality. */
    public String source() {
        return source;
    }

    /** Points read by the SELECTs (exact). */
    public long rowCount() {
        return rowCounts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    /** Points read, per retention policy and measurement. */
    public SortedMap<String, SortedMap<String, Long>> rowCounts() {
        return rowCounts;
    }

    /** SHOW FIELD KEYS per retention policy: rp → measurement → field key → type (float, integer, string, boolean). */
    public SortedMap<String, SortedMap<String, SortedMap<String, String>>> fieldTypes() {
        return fieldTypes;
    }

    /** The same snapshot without the keys {@code exclude} accepts (e.g. {@code k -> k.equals("shard-groups")}). */
    public InfluxSnapshot without(Predicate<String> exclude) {
        SortedMap<String, String> kept = new TreeMap<>();
        entries.forEach((k, v) -> {
            if (!exclude.test(k)) {
                kept.put(k, v);
            }
        });
        return new InfluxSnapshot(source, kept, rowCounts, fieldTypes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfluxSnapshot other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    /** Short on purpose: assertion messages must not carry megabytes. Use {@link #diff} for details. */
    @Override
    public String toString() {
        return "InfluxSnapshot[" + source + ": " + entries.size() + " keys, " + rowCount() + " rows]";
    }

    /** Fails with {@link #diff}'s message unless both snapshots hold the same. */
    public static void assertEqual(InfluxSnapshot expected, InfluxSnapshot actual) {
        String diff = expected.diff(actual);
        if (!diff.isEmpty()) {
            fail(diff);
        }
    }

    /**
     * "" when equal; otherwise a few lines: the key counts, the keys only one side has (first
     * five), and for the first key whose text differs, the first differing line of each side,
     * cut to an excerpt around the first differing character.
     */
    public String diff(InfluxSnapshot actual) {
        if (equals(actual)) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append("snapshots differ: expected ").append(this).append(", actual ").append(actual);
        List<String> onlyExpected = new ArrayList<>();
        List<String> onlyActual = new ArrayList<>();
        List<String> differing = new ArrayList<>();
        for (String key : entries.keySet()) {
            if (!actual.entries.containsKey(key)) {
                onlyExpected.add(key);
            } else if (!entries.get(key).equals(actual.entries.get(key))) {
                differing.add(key);
            }
        }
        for (String key : actual.entries.keySet()) {
            if (!entries.containsKey(key)) {
                onlyActual.add(key);
            }
        }
        appendKeys(out, "missing from actual", onlyExpected);
        appendKeys(out, "only in actual", onlyActual);
        appendKeys(out, "differing", differing);
        if (!differing.isEmpty()) {
            String key = differing.get(0);
            String[] e = entries.get(key).split("\n", -1);
            String[] a = actual.entries.get(key).split("\n", -1);
            int i = 0;
            while (i < e.length && i < a.length && e[i].equals(a[i])) {
                i++;
            }
            out.append("\nfirst difference in ").append(key).append(" at line ").append(i + 1)
                    .append(" (expected ").append(e.length).append(" lines, actual ").append(a.length).append(')');
            if (key.startsWith("data ") && i > 0) {
                out.append("\n  columns:  ").append(cut(e[0]));
            }
            String el = i < e.length ? e[i] : null;
            String al = i < a.length ? a[i] : null;
            int at = firstDifference(el == null ? "" : el, al == null ? "" : al);
            out.append("\n  expected: ").append(el == null ? "<no line>" : excerpt(el, at));
            out.append("\n  actual:   ").append(al == null ? "<no line>" : excerpt(al, at));
        }
        return out.toString();
    }

    private static void appendKeys(StringBuilder out, String what, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        out.append("\n").append(keys.size()).append(" key(s) ").append(what).append(": ");
        for (int i = 0; i < Math.min(5, keys.size()); i++) {
            out.append(i == 0 ? "" : ", ").append(cut(keys.get(i)));
        }
        if (keys.size() > 5) {
            out.append(", … (").append(keys.size() - 5).append(" more)");
        }
    }

    private static int firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static String excerpt(String line, int at) {
        int from = Math.max(0, at - EXCERPT / 2);
        int to = Math.min(line.length(), from + EXCERPT);
        return (from > 0 ? "…" : "") + line.substring(from, to) + (to < line.length() ? "…" : "");
    }

    private static String cut(String s) {
        return s.length() <= EXCERPT ? s : s.substring(0, EXCERPT) + "…";
    }

    // ------------------------------------------------------------------------------------------
    // HTTP and JSON

    /**
     * Runs one InfluxQL statement ({@code chunked=false}, {@code epoch=ns}) and returns its result
     * object ({@code results[0]}). Fails the test on a status other than 200, on any {@code "error"}
     * and on a {@code "partial"} result. {@code db} may be null.
     */
    public static JsonNode query(String url, String db, String q) {
        String body = "q=" + enc(q) + (db == null ? "" : "&db=" + enc(db)) + "&epoch=ns&chunked=false";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/query"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> response = send(request, url + " " + q);
        String what = url + " " + (db == null ? "" : db + " ") + q;
        assertEquals(200, response.statusCode(), () -> what + ": " + cut(new String(response.body(), StandardCharsets.UTF_8)));
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (IOException e) {
            return fail(what + ": the answer is not JSON: " + cut(new String(response.body(), StandardCharsets.UTF_8)));
        }
        if (root.has("error")) {
            fail(what + ": error " + root.get("error"));
        }
        JsonNode results = root.path("results");
        if (results.size() != 1) {
            fail(what + ": expected one result, got " + cut(root.toString()));
        }
        JsonNode result = results.get(0);
        if (result.has("error")) {
            fail(what + ": error " + result.get("error"));
        }
        if (result.path("partial").asBoolean(false)) {
            fail(what + ": partial (truncated) result");
        }
        for (JsonNode s : result.path("series")) {
            if (s.path("partial").asBoolean(false)) {
                fail(what + ": partial (truncated) series " + s.path("name"));
            }
        }
        return result;
    }

    static HttpResponse<byte[]> send(HttpRequest request, String what) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return fail(what + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(what + ": interrupted");
        }
    }

    /** An InfluxQL identifier in double quotes, with {@code \} and {@code "} escaped. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The series of a result ({@code []} when it has none). */
    public static List<JsonNode> seriesOf(JsonNode result) {
        List<JsonNode> list = new ArrayList<>();
        result.path("series").forEach(list::add);
        return list;
    }

    /** Every row of every series of a result, as objects column → value. */
    public static List<JsonNode> resultRows(JsonNode result) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode s : seriesOf(result)) {
            rows.addAll(rows(s));
        }
        return rows;
    }

    /** The rows of one series as objects column → value. */
    public static List<JsonNode> rows(JsonNode series) {
        List<JsonNode> rows = new ArrayList<>();
        JsonNode columns = series.path("columns");
        for (JsonNode values : series.path("values")) {
            ObjectNode row = JSON.createObjectNode();
            for (int i = 0; i < columns.size(); i++) {
                row.set(columns.get(i).asText(), values.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** For SHOW TAG KEYS / TAG VALUES / FIELD KEYS: one sorted line per (measurement, row). */
    private static List<String> perMeasurementRows(JsonNode result) {
        List<String> lines = new ArrayList<>();
        for (JsonNode s : seriesOf(result)) {
            for (JsonNode values : s.path("values")) {
                List<Object> line = new ArrayList<>();
                line.add(s.path("name").asText());
                values.forEach(line::add);
                lines.add(canonical(line));
            }
        }
        Collections.sort(lines);
        return lines;
    }

    /** Columns in canonical order (time first, then sorted), then one line per row, in time order. */
    private static List<String> canonicalRows(JsonNode series) {
        List<String> columns = new ArrayList<>();
        series.path("columns").forEach(c -> columns.add(c.asText()));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> !columns.get(i).equals("time")).thenComparing(columns::get));
        List<String> out = new ArrayList<>();
        out.add(canonical(order.stream().map(columns::get).toList()));
        List<long[]> times = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        int timeAt = columns.indexOf("time");
        for (JsonNode values : series.path("values")) {
            List<JsonNode> row = new ArrayList<>();
            for (int i : order) {
                row.add(values.get(i));
            }
            rows.add(canonical(row));
            times.add(new long[] {timeAt < 0 ? 0 : values.get(timeAt).asLong(), times.size()});
        }
        // Within one series every time is unique; sort anyway so the order never depends on the server.
        times.sort(Comparator.<long[]>comparingLong(t -> t[0]).thenComparing(t -> rows.get((int) t[1])));
        for (long[] t : times) {
            out.add(rows.get((int) t[1]));
        }
        return out;
    }

    private static SortedMap<String, String> sortedTags(JsonNode tags) {
        SortedMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : tags.properties()) {
            sorted.put(e.getKey(), e.getValue().asText());
        }
        return sorted;
    }

    static String canonical(Object value) {
        try {
            return JSON.writeValueAsString(Objects.requireNonNullElse(value, JSON.nullNode()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lines(List<String> lines) {
        return String.join("\n", lines);
    }
}
