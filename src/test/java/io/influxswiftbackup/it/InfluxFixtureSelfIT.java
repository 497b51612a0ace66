package io.influxswiftbackup.it;

import static io.influxswiftbackup.it.InfluxFixture.AGGREGATED;
import static io.influxswiftbackup.it.InfluxFixture.AUTOGEN;
import static io.influxswiftbackup.it.InfluxFixture.CPU;
import static io.influxswiftbackup.it.InfluxFixture.DISK;
import static io.influxswiftbackup.it.InfluxFixture.EVENTS;
import static io.influxswiftbackup.it.InfluxFixture.ONE_DAY;
import static io.influxswiftbackup.it.InfluxFixture.TEMPERATURE;
import static io.influxswiftbackup.it.InfluxSnapshot.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

/** Proves {@link InfluxFixture} and {@link InfluxSnapshot} on the real production InfluxDB. */
@ExtendWith(LocalServers.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfluxFixtureSelfIT {

    static final String DB = "fixture_selftest";
    static String url;
    static InfluxFixture.Summary written;

    @BeforeAll
    static void writeFixture() {
        url = LocalServers.environment().get("influx.production.url");
        InfluxSnapshot.query(url, null, "DROP DATABASE " + quote(DB)); // a leftover of an interrupted run
        written = InfluxFixture.write(url, DB);
        System.out.println("fixture: " + written);
    }

    @AfterAll
    static void dropDatabase() {
        if (url != null) {
            InfluxSnapshot.query(url, null, "DROP DATABASE " + quote(DB));
            assertFalse(InfluxSnapshot.resultRows(InfluxSnapshot.query(url, null, "SHOW DATABASES")).stream()
                    .anyMatch(r -> DB.equals(r.path("name").asText())), DB + " must be gone");
        }
    }

    @Test
    @Order(1)
    void writesASmallDatasetQuicklyInTwoRetentionPolicies() {
        assertEquals(new TreeSet<>(List.of(AUTOGEN, ONE_DAY)), written.retentionPolicies());
        assertEquals(new TreeSet<>(List.of(AGGREGATED, CPU, DISK, EVENTS, TEMPERATURE)), written.measurements());
        assertEquals(Map.of(AUTOGEN, 5, ONE_DAY, 22), written.shardGroups());
        assertTrue(written.totalPoints() >= 2000 && written.totalPoints() <= 5000, written.toString());
        assertTrue(written.points(ONE_DAY, CPU) > 0 && written.points(AUTOGEN, CPU) > 0, written.toString());
        assertTrue(written.took().toMillis() < 5000, "writing took " + written.took().toMillis() + " ms");
        assertTrue(written.writtenPoints().stream().noneMatch(p -> p.timeNs() % 3_600_000_000_000L == 0),
                "no fixture point may fall on a whole hour (BackupIT writes hourly points into sensu_db)");
    }

    @Test
    @Order(2)
    void moreThanTwentyShardsIncludingIdsEndingInZero() {
        List<InfluxSnapshot.Shard> shards = InfluxSnapshot.shards(url, DB);
        System.out.println("shards of " + DB + ": " + shards.size() + ", ids "
                + shards.stream().map(s -> s.retentionPolicy() + ":" + s.id()).collect(Collectors.joining(" ")));
        assertTrue(shards.size() > 20, shards.toString());
        assertEquals(written.totalShards(), shards.size(), shards.toString());
        SortedMap<String, Integer> perRp = new TreeMap<>();
        shards.forEach(s -> perRp.merge(s.retentionPolicy(), 1, Integer::sum));
        assertEquals(written.shardGroups(), perRp);
        assertTrue(shards.stream().filter(s -> s.id() % 10 == 0).count() >= 2,
                "expected at least two shard ids ending in 0: " + shards);
    }

    @Test
    @Order(3)
    void everyPointComesBack() {
        long started = System.nanoTime();
        InfluxSnapshot snapshot = InfluxSnapshot.take(url, DB);
        System.out.println("snapshot " + snapshot + " took " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertEquals(written.points(), snapshot.rowCounts());
        assertEquals(written.totalPoints(), snapshot.rowCount());
        assertEquals(written.totalPoints(), InfluxSnapshot.countPoints(url, DB));
    }

    @Test
    @Order(4)
    void fieldTypesComeBackAsWritten() {
        SortedMap<String, SortedMap<String, SortedMap<String, String>>> types = InfluxSnapshot.take(url, DB).fieldTypes();
        assertEquals(written.fieldTypes(), types);
        assertEquals("integer", types.get(AUTOGEN).get(CPU).get("count"));
        assertEquals("float", types.get(AUTOGEN).get(CPU).get("idle"));
        assertEquals("boolean", types.get(AUTOGEN).get(CPU).get("ok"));
        assertEquals("string", types.get(AUTOGEN).get(CPU).get("note"));
        assertEquals("float", types.get(AUTOGEN).get(AGGREGATED).get("value"), "2.0 and 1e10 are floats");
        assertEquals("integer", types.get(AUTOGEN).get(DISK).get("read=bytes"));
        assertEquals("float", types.get(AUTOGEN).get(DISK).get("free space"));
        assertEquals(Map.of("count", "integer", "idle", "float"), types.get(ONE_DAY).get(CPU));
        assertEquals("boolean", types.get(ONE_DAY).get(TEMPERATURE).get("valid"));
    }

    @Test
    @Order(5)
    void escapedNamesAndValuesComeBackExactly() {
        // tag values with spaces, commas, equals signs and non-ASCII
        SortedMap<String, SortedMap<String, SortedSet<String>>> tagValues = new TreeMap<>();
        for (JsonNode s : InfluxSnapshot.seriesOf(InfluxSnapshot.query(url, DB, "SHOW TAG VALUES WITH KEY =~ /.*/"))) {
            for (JsonNode row : InfluxSnapshot.rows(s)) {
                tagValues.computeIfAbsent(s.path("name").asText(), k -> new TreeMap<>())
                        .computeIfAbsent(row.get("key").asText(), k -> new TreeSet<>()).add(row.get("value").asText());
            }
        }
        assertEquals(written.tagValues(), tagValues);

        // every events point, field by field, as its line-protocol literal, and every time to the nanosecond
        List<String> expected = new ArrayList<>();
        for (InfluxFixture.Point p : written.writtenPoints()) {
            if (p.measurement().equals(EVENTS)) {
                expected.add(p.timeNs() + " " + p.tags().get("source") + " " + p.fields().get("code") + " "
                        + p.fields().get("level") + " " + p.fields().get("message"));
            }
        }
        List<String> actual = new ArrayList<>();
        JsonNode events = InfluxSnapshot.query(url, DB, "SELECT * FROM " + quote(DB) + "." + quote(AUTOGEN) + "." + quote(EVENTS));
        for (JsonNode row : InfluxSnapshot.resultRows(events)) {
            actual.add(row.get("time").asLong() + " " + row.get("source").asText() + " "
                    + InfluxFixture.integerField(row.get("code").asLong()) + " "
                    + InfluxFixture.stringField(row.get("level").asText()) + " "
                    + InfluxFixture.stringField(row.get("message").asText()));
        }
        expected.sort(null);
        actual.sort(null);
        assertEquals(expected, actual);
        List<Long> times = InfluxSnapshot.resultRows(events).stream().map(r -> r.get("time").asLong()).toList();
        assertTrue(times.stream().anyMatch(t -> t % 1_000_000_000L != 0), "some times are not whole seconds");
        SortedSet<String> messages = new TreeSet<>();
        InfluxSnapshot.resultRows(events).forEach(r -> messages.add(r.get("message").asText()));
        assertEquals(new TreeSet<>(InfluxFixture.MESSAGES), messages);

        // floats and integers, including whole floats, ±2^63 bounds, huge and tiny
        SortedSet<Double> floats = new TreeSet<>();
        SortedSet<Long> integers = new TreeSet<>();
        for (JsonNode row : InfluxSnapshot.resultRows(InfluxSnapshot.query(url, DB,
                "SELECT \"value\", \"count\" FROM " + quote(AGGREGATED)))) {
            floats.add(row.get("value").asDouble());
            assertTrue(row.get("count").canConvertToLong(), row.toString());
            integers.add(row.get("count").asLong());
        }
        assertEquals(InfluxFixture.FLOAT_LITERALS.stream().map(Double::valueOf).collect(Collectors.toCollection(TreeSet::new)), floats);
        assertEquals(new TreeSet<>(InfluxFixture.INTEGERS), integers);
    }

    @Test
    @Order(6)
    void aSnapshotEqualsASecondSnapshotOfItself() {
        InfluxSnapshot first = InfluxSnapshot.take(url, DB);
        InfluxSnapshot second = InfluxSnapshot.take(url, DB);
        assertEquals(first, second);
        assertEquals(first.hashCode(), second.hashCode());
        assertEquals("", first.diff(second));
        InfluxSnapshot.assertEqual(first, second);
        assertTrue(first.entries().containsKey("data \"autogen\".\"disk io,raw\" {\"mount point\":\"/var/lib influx\"}"),
                first.entries().keySet().toString());
        assertTrue(first.entries().containsKey("data \"one_day\".\"温度\" {\"sensor\":\"é 1\"}"), first.entries().keySet().toString());
        assertTrue(first.entries().containsKey("field-keys \"one_day\""));
        assertTrue(first.toString().length() < 200, first.toString());
    }

    @Test
    @Order(7)
    void oneMorePointMakesTheSnapshotDifferReadably() {
        InfluxSnapshot before = InfluxSnapshot.take(url, DB);
        // a new point in an existing series, inside an existing shard group (2016-06-01)
        InfluxFixture.writeLines(url, DB, AUTOGEN,
                "cpu_usage,host=h1,region=eu-west\\ 1 idle=1.0,count=1i 1464784496000000001\n");
        InfluxSnapshot after = InfluxSnapshot.take(url, DB);
        assertNotEquals(before, after);
        assertEquals(before.rowCount() + 1, after.rowCount());
        String diff = before.diff(after);
        System.out.println(diff);
        String key = "data \"autogen\".\"cpu_usage\" {\"host\":\"h1\",\"region\":\"eu-west 1\"}";
        assertTrue(diff.contains("1 key(s) differing: " + key), diff);
        assertTrue(diff.contains("first difference in " + key), diff);
        assertTrue(diff.contains("1464784496000000001"), diff);
        assertFalse(diff.contains("missing from actual") || diff.contains("only in actual"), diff);
        assertTrue(diff.length() < 2000, "the message must stay short: " + diff.length() + " chars");

        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> InfluxSnapshot.assertEqual(before, after));
        assertEquals(diff, failure.getMessage());

        InfluxSnapshot withoutOneDay = after.without(k -> k.startsWith("data \"one_day\""));
        String missing = after.diff(withoutOneDay);
        assertTrue(missing.contains("3 key(s) missing from actual: data \"one_day\""), missing);
        assertTrue(missing.length() < 2000, missing);
    }
}
