package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A day's listing against its manifest, marks and segments: one line per problem, naming the object. */
class DayVerificationTest {

    static final Day DAY = Day.parse("2016-06-11");
    static final String MD5 = "0cc175b9c0f1b6a831c399e269772661";
    static final DayManifest MANIFEST = DayManifest.of(DAY, Instant.EPOCH, "dump", "dump x", List.of(
            new DayManifest.Entry("2016-06-11/shards/meta.00", 1, MD5, null, DayManifest.SHARD, null),
            new DayManifest.Entry("2016-06-11/shards/big.00", 2500, "ffff", null, DayManifest.SHARD, null),
            new DayManifest.Entry("2016-06-11/influxdb/cpu.json", 1, MD5, null, DayManifest.DUMP, 1L)));

    static Map<String, Object> object(String name, long bytes, String hash) {
        return Map.of("name", name, "bytes", bytes, "hash", hash);
    }

    static final Map<String, Object> BIG = Map.of("name", "2016-06-11/shards/big.00", "bytes", 2500L, "hash", "x", "slo_etag", "y");

    @Test
    void aDayAsItsManifestSaysHasNoProblem() {
        List<Map<String, Object>> listing = List.of(object("2016-06-11/influxdb/cpu.json", 1, MD5), object("2016-06-11/manifest.json", 9, "z"),
                BIG, object("2016-06-11/shards/meta.00", 1, MD5));
        List<Map<String, Object>> segments = List.of(object("2016-06-11/shards/big.00/slo/1/2500/1000/00000000", 1000, "a"),
                object("2016-06-11/shards/big.00/slo/1/2500/1000/00000001", 1000, "b"),
                object("2016-06-11/shards/big.00/slo/1/2500/1000/00000002", 500, "c"));
        assertEquals(List.of(), DayVerification.problems(DAY, List.of(), MANIFEST, listing, segments));
    }

    @Test
    void everyProblemIsNamed() {
        List<Map<String, Object>> listing = List.of(object("2016-06-11/influxdb/cpu.json", 1, "bad"), object("2016-06-11/notes.txt", 3, "n"),
                BIG, object("2016-06-11/shards/extra.00", 1, MD5));
        List<Map<String, Object>> segments = List.of(object("2016-06-11/shards/big.00/slo/1/2500/1000/00000000", 1000, "a"));
        assertEquals(List.of("container 2016-06-11 is still marked in progress (dump 1)",
                "2016-06-11/shards/extra.00 is not in the manifest",
                "2016-06-11/shards/meta.00 is in the manifest but not in Swift",
                "2016-06-11/influxdb/cpu.json has MD5 bad, the manifest says " + MD5,
                "2016-06-11/notes.txt is not in the manifest",
                "2016-06-11/shards/big.00 is a large object of 2500 bytes, but its 1 segment(s) hold 1000 bytes: a segment is missing"),
                DayVerification.problems(DAY, List.of("dump 1"), MANIFEST, listing, segments));
    }

    @Test
    void aDayWithoutManifestIsCheckedForMarksAndSegmentsOnly() {
        assertEquals(List.of("2016-06-11/shards/big.00 is a large object of 2500 bytes, but its 0 segment(s) hold 0 bytes: a segment is missing"),
                DayVerification.problems(DAY, List.of(), null, List.of(BIG, object("2016-06-11/shards/x", 1, "h")), List.of()));
    }
}
