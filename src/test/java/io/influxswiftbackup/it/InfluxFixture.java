package io.influxswiftbackup.it;

import static io.influxswiftbackup.it.InfluxSnapshot.enc;
import static io.influxswiftbackup.it.InfluxSnapshot.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a dataset that exercises restore fidelity into a real InfluxDB 1.6 database:
 * <ul>
 *   <li>two retention policies, the default {@code autogen} (7-day shard groups) and
 *       {@code one_day} (1-day shard groups, {@code DURATION INF}), both holding a {@code cpu_usage}
 *       with different fields; 28 days in autogen (5 shard groups) and 22 days in one_day
 *       (22 shard groups): 27 shards, so written into a fresh server the shard ids 10 and 20 exist
 *       (the 1.6.7 offline restore loses shards whose id ends in 0);</li>
 *   <li>timestamps in May–June 2016 (nothing expires), in nanoseconds, half of them not on a whole
 *       second, none on a whole hour, several series sharing each timestamp;</li>
 *   <li>integer (including ±2^63 bounds), float (whole floats such as {@code 2.0}, negative, huge
 *       and tiny), boolean and string fields (quotes, backslashes, commas, spaces, tabs, empty,
 *       non-ASCII, 1000 characters), sparse fields (present on some points only);</li>
 *   <li>measurement names, tag keys, tag values and field keys with spaces, commas, equals signs
 *       and non-ASCII, escaped for line protocol.</li>
 * </ul>
 * Every series has at least one field on every point, so {@link InfluxSnapshot#countPoints} is exact.
 * No point falls on a whole hour, so writing into {@code sensu_db} after BackupIT's hourly points
 * overwrites none of them (the {@link Summary} counts only what the fixture wrote; shard groups
 * that already existed are reused, so SHOW SHARDS then differs from {@link Summary#shardGroups}).
 * {@link #write(String, String)} writes about 2,560 points; {@code scale} multiplies the samples per day.
 */
public final class InfluxFixture {

    public static final String AUTOGEN = "autogen";
    public static final String ONE_DAY = "one_day";

    /** Measurement names as InfluxDB reports them (unescaped). */
    public static final String CPU = "cpu_usage";
    public static final String AGGREGATED = "Aggregated_metrics";
    public static final String EVENTS = "events";
    public static final String DISK = "disk io,raw";
    public static final String TEMPERATURE = "温度";

    /** Tag values of cpu_usage in autogen: plain, space, comma and equals sign, non-ASCII. */
    public static final List<String> HOSTS = List.of("h1", "web server 1", "db,primary=yes", "é 温度");

    /** The string values of events.message, written in turn. */
    public static final List<String> MESSAGES = List.of(
            "say \"hello\", world",
            "C:\\path\\to\\file \\",
            "back\\\\slash and \\\"quote\\\"",
            "é 温度 ünïcödé – ✓",
            "tab\there, a=b c=d",
            "",
            "x".repeat(1000),
            "ends with a quote\"");

    /** Floats written as these exact line-protocol literals, in turn. */
    public static final List<String> FLOAT_LITERALS = List.of(
            "2.0", "-17.25", "1.5e+300", "1.7976931348623157E308", "-4.9E-324", "0.1", "123456789.123456", "-0.5", "1e10");

    /** Integers written in turn (with the line protocol {@code i} suffix). */
    public static final List<Long> INTEGERS = List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 123L, 1_000_000_007L);

    static final LocalDate AUTOGEN_FIRST_DAY = LocalDate.of(2016, 5, 14);
    static final int AUTOGEN_DAYS = 28;
    static final LocalDate ONE_DAY_FIRST_DAY = LocalDate.of(2016, 5, 20);
    static final int ONE_DAY_DAYS = 22;
    private static final long DAY_NS = 86_400_000_000_000L;
    private static final int BATCH = 5000;

    private InfluxFixture() {
    }

    /** One point as written. {@code fields} holds each field's line-protocol literal. */
    public record Point(String retentionPolicy, String measurement, SortedMap<String, String> tags,
                        Map<String, String> fields, long timeNs) {
        public String line() {
            StringBuilder b = new StringBuilder(escapeMeasurement(measurement));
            tags.forEach((k, v) -> b.append(',').append(escapeKey(k)).append('=').append(escapeKey(v)));
            b.append(' ');
            boolean first = true;
            for (Map.Entry<String, String> f : fields.entrySet()) {
                b.append(first ? "" : ",").append(escapeKey(f.getKey())).append('=').append(f.getValue());
                first = false;
            }
            return b.append(' ').append(timeNs).toString();
        }
    }

    /**
     * What {@link #write} wrote.
     *
     * @param points        rp → measurement → number of points
     * @param fieldTypes    rp → measurement → field key → type as SHOW FIELD KEYS must report it
     * @param tagValues     measurement → tag key → tag values (database wide, as SHOW TAG VALUES)
     * @param shardGroups   rp → number of shard groups (= shards) the points fall into
     * @param writtenPoints every point, in write order
     */
    public record Summary(String database, SortedMap<String, SortedMap<String, Long>> points,
                          SortedMap<String, SortedMap<String, SortedMap<String, String>>> fieldTypes,
                          SortedMap<String, SortedMap<String, SortedSet<String>>> tagValues,
                          SortedMap<String, Integer> shardGroups, List<Point> writtenPoints, Duration took) {

        public SortedSet<String> retentionPolicies() {
            return new TreeSet<>(points.keySet());
        }

        /** Every measurement, in any rp. */
        public SortedSet<String> measurements() {
            SortedSet<String> all = new TreeSet<>();
            points.values().forEach(m -> all.addAll(m.keySet()));
            return all;
        }

        public long points(String rp, String measurement) {
            return points.getOrDefault(rp, Collections.emptySortedMap()).getOrDefault(measurement, 0L);
        }

        public long totalPoints() {
            return writtenPoints.size();
        }

        public int totalShards() {
            return shardGroups.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return "Summary[" + database + ": " + totalPoints() + " points " + points + ", shards " + shardGroups
                    + ", written in " + took.toMillis() + " ms]";
        }
    }

    /** {@link #write(String, String, int)} with scale 1 (about 2,560 points). */
    public static Summary write(String url, String db) {
        return write(url, db, 1);
    }

    /**
     * Creates {@code db} (if missing) and the {@code one_day} retention policy on the InfluxDB at
     * {@code url}, then writes the dataset; {@code scale} (≥ 1) multiplies the samples per day.
     * Fails the test if InfluxDB refuses anything.
     */
    public static Summary write(String url, String db, int scale) {
        if (scale < 1 || scale > 1000) {
            throw new IllegalArgumentException("scale must be 1..1000: " + scale);
        }
        long started = System.nanoTime();
        InfluxSnapshot.query(url, null, "CREATE DATABASE " + quote(db));
        InfluxSnapshot.query(url, null, "CREATE RETENTION POLICY " + quote(ONE_DAY) + " ON " + quote(db)
                + " DURATION INF REPLICATION 1 SHARD DURATION 1d");
        List<Point> points = points(scale);
        for (String rp : List.of(AUTOGEN, ONE_DAY)) {
            StringBuilder batch = new StringBuilder();
            int n = 0;
            for (Point p : points) {
                if (!p.retentionPolicy().equals(rp)) {
                    continue;
                }
                batch.append(p.line()).append('\n');
                if (++n == BATCH) {
                    writeLines(url, db, rp, batch.toString());
                    batch.setLength(0);
                    n = 0;
                }
            }
            if (n > 0) {
                writeLines(url, db, rp, batch.toString());
            }
        }
        return summarize(db, points, Duration.ofNanos(System.nanoTime() - started));
    }

    /** POST /write?db=..&rp=..&precision=ns; fails the test unless InfluxDB answers 204. */
    public static void writeLines(String url, String db, String rp, String lineProtocol) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/write?precision=ns&db=" + enc(db)
                        + (rp == null ? "" : "&rp=" + enc(rp))))
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(lineProtocol, StandardCharsets.UTF_8)).build();
        HttpResponse<byte[]> response = InfluxSnapshot.send(request, url + " write " + db + "." + rp);
        assertEquals(204, response.statusCode(), () -> "write into " + db + "." + rp + " refused: "
                + new String(response.body(), StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------
    // Line protocol escaping (InfluxDB 1.x)

    /** Measurement: escape commas and spaces. */
    public static String escapeMeasurement(String s) {
        return s.replace(",", "\\,").replace(" ", "\\ ");
    }

    /** Tag key, tag value, field key: escape commas, equals signs and spaces. */
    public static String escapeKey(String s) {
        return s.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ");
    }

    /** A string field value: in double quotes, with {@code \} and {@code "} escaped. */
    public static String stringField(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    public static String integerField(long v) {
        return v + "i";
    }

    // ------------------------------------------------------------------------------------------
    // The dataset

    static List<Point> points(int scale) {
        List<Point> points = new ArrayList<>();
        for (int d = 0; d < AUTOGEN_DAYS; d++) {
            long day = dayNs(AUTOGEN_FIRST_DAY.plusDays(d));
            // cpu_usage: 4 hosts sharing every timestamp; ok (boolean) on every other point, note (string) on every 5th.
            int perDay = 8 * scale;
            for (int k = 0; k < perDay; k++) {
                long t = at(day, k, perDay);
                for (int h = 0; h < HOSTS.size(); h++) {
                    Map<String, String> f = new LinkedHashMap<>();
                    int n = d * perDay + k;
                    f.put("idle", k % 4 == 0 ? (n % 90) + ".0" : (n % 90) + "." + (25 + h));
                    f.put("user", "-" + (n % 7) + ".5");
                    f.put("count", integerField(n * 10L + h));
                    if (n % 2 == 0) {
                        f.put("ok", (n + h) % 3 == 0 ? "false" : "true");
                    }
                    if (n % 5 == 0) {
                        f.put("note", stringField(MESSAGES.get((n + h) % MESSAGES.size())));
                    }
                    points.add(point(AUTOGEN, CPU, tags("host", HOSTS.get(h), "region", "eu-west 1"), f, t));
                }
            }
            // Aggregated_metrics: the runbook's measurement, two series, special floats and integers in turn.
            perDay = 12 * scale;
            for (int k = 0; k < perDay; k++) {
                long t = at(day, k, perDay);
                for (int h = 0; h < 2; h++) {
                    int n = d * perDay + k + h;
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("value", FLOAT_LITERALS.get(n % FLOAT_LITERALS.size()));
                    f.put("count", integerField(INTEGERS.get(n % INTEGERS.size())));
                    points.add(point(AUTOGEN, AGGREGATED, tags("host", h == 0 ? "h1" : "web server 1"), f, t));
                }
            }
            // events: string fields, two sources at the same timestamps.
            perDay = 2 * scale;
            for (int k = 0; k < perDay; k++) {
                long t = at(day, k, perDay) + 777;
                for (int s = 0; s < 2; s++) {
                    int n = d * perDay + k + s;
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("message", stringField(MESSAGES.get(n % MESSAGES.size())));
                    f.put("level", stringField(n % 3 == 0 ? "warn" : "info"));
                    f.put("code", integerField(200 + n % 5));
                    points.add(point(AUTOGEN, EVENTS, tags("source", s == 0 ? "app,one=1" : "é 温度 src"), f, t));
                }
            }
            // "disk io,raw": escaped measurement name, tag key and field keys.
            perDay = 4 * scale;
            for (int k = 0; k < perDay; k++) {
                long t = at(day, k, perDay);
                for (int m = 0; m < 2; m++) {
                    int n = d * perDay + k;
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("free space", (n * 1.5 + m) + "");
                    f.put("read=bytes", integerField(n * 4096L));
                    f.put("ok", n % 2 == 0 ? "true" : "false");
                    points.add(point(AUTOGEN, DISK, tags("mount point", m == 0 ? "/var/lib influx" : "/data"), f, t));
                }
            }
        }
        for (int d = 0; d < ONE_DAY_DAYS; d++) {
            long day = dayNs(ONE_DAY_FIRST_DAY.plusDays(d));
            // cpu_usage again, in one_day, with other fields and hosts.
            int perDay = 12 * scale;
            for (int k = 0; k < perDay; k++) {
                long t = at(day, k, perDay);
                for (int h = 0; h < 2; h++) {
                    int n = d * perDay + k;
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("idle", (n % 3 == 0 ? n + ".0" : n + ".125"));
                    f.put("count", integerField(-n - h));
                    points.add(point(ONE_DAY, CPU, tags("host", h == 0 ? "h1" : "rack=2,row 3"), f, t));
                }
            }
            // 温度: a non-ASCII measurement name.
            perDay = 6 * scale;
            for (int k = 0; k < perDay; k++) {
                int n = d * perDay + k;
                Map<String, String> f = new LinkedHashMap<>();
                f.put("celsius", (n % 2 == 0 ? "-" : "") + (n % 40) + ".5");
                f.put("raw", integerField(n));
                f.put("valid", n % 4 == 0 ? "false" : "true");
                points.add(point(ONE_DAY, TEMPERATURE, tags("sensor", "é 1"), f, at(day, k, perDay)));
            }
        }
        return points;
    }

    /**
     * The k-th of n samples in a day: even samples one second after a step (a whole second, but
     * never a whole hour, so the fixture does not overwrite BackupIT's hourly points in sensu_db),
     * odd samples a nanosecond fraction after it (not a whole second).
     */
    private static long at(long day, int k, int n) {
        long t = day + k * (DAY_NS / n);
        return k % 2 == 1 ? t + 123_456_789L + k : t + 1_000_000_000L;
    }

    private static long dayNs(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000_000L;
    }

    private static SortedMap<String, String> tags(String... kv) {
        SortedMap<String, String> tags = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            tags.put(kv[i], kv[i + 1]);
        }
        return tags;
    }

    private static Point point(String rp, String m, SortedMap<String, String> tags, Map<String, String> fields, long t) {
        return new Point(rp, m, tags, fields, t);
    }

    private static String typeOf(String literal) {
        if (literal.startsWith("\"")) {
            return "string";
        }
        if (literal.equals("true") || literal.equals("false")) {
            return "boolean";
        }
        return literal.endsWith("i") ? "integer" : "float";
    }

    private static Summary summarize(String db, List<Point> points, Duration took) {
        SortedMap<String, SortedMap<String, Long>> counts = new TreeMap<>();
        SortedMap<String, SortedMap<String, SortedMap<String, String>>> types = new TreeMap<>();
        SortedMap<String, SortedMap<String, SortedSet<String>>> tagValues = new TreeMap<>();
        SortedMap<String, SortedSet<LocalDate>> groups = new TreeMap<>();
        SortedSet<String> seen = new TreeSet<>();
        for (Point p : points) {
            String unique = p.retentionPolicy() + " " + p.measurement() + " " + p.tags() + " " + p.timeNs();
            if (!seen.add(unique)) {
                throw new IllegalStateException("the fixture writes two points with the same series and time: " + unique);
            }
            counts.computeIfAbsent(p.retentionPolicy(), k -> new TreeMap<>()).merge(p.measurement(), 1L, Long::sum);
            SortedMap<String, String> t = types.computeIfAbsent(p.retentionPolicy(), k -> new TreeMap<>())
                    .computeIfAbsent(p.measurement(), k -> new TreeMap<>());
            p.fields().forEach((k, v) -> t.put(k, typeOf(v)));
            p.tags().forEach((k, v) -> tagValues.computeIfAbsent(p.measurement(), x -> new TreeMap<>())
                    .computeIfAbsent(k, x -> new TreeSet<>()).add(v));
            LocalDate day = Instant.ofEpochSecond(Math.floorDiv(p.timeNs(), 1_000_000_000L)).atZone(ZoneOffset.UTC).toLocalDate();
            // Shard groups: 7 days for autogen, aligned on Mondays (Go's zero time is a Monday); 1 day for one_day.
            groups.computeIfAbsent(p.retentionPolicy(), k -> new TreeSet<>())
                    .add(p.retentionPolicy().equals(AUTOGEN) ? day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)) : day);
        }
        SortedMap<String, Integer> shardGroups = new TreeMap<>();
        groups.forEach((rp, starts) -> shardGroups.put(rp, starts.size()));
        return new Summary(db, counts, types, tagValues, shardGroups, List.copyOf(points), took);
    }
}
