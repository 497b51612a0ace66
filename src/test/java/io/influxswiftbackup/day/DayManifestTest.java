package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.day.DayManifest.Entry;
import io.influxswiftbackup.swift.SwiftException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DayManifestTest {

    static final Day DAY = Day.parse("2016-06-11");
    static final Instant NOW = Instant.parse("2016-06-12T00:31:00Z");

    static Entry shard(String file, String md5) {
        return new Entry("2016-06-11/shards/" + file, 5, md5, "sha-" + md5, DayManifest.SHARD, null);
    }

    static Entry dump(String measurement, String md5) {
        return new Entry("2016-06-11/influxdb/" + measurement + ".json", 7, md5, "sha-" + md5, DayManifest.DUMP, 3L);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBackupReplacesEveryShardEntryAndTheDumpOnlyTheFilesItWrote() {
        List<Entry> previous = List.of(shard("meta.00", "a"), shard("sensu_db.autogen.00001.00", "b"),
                dump("cpu", "c"), dump("mem", "d"));
        // a forced re-run in the portable format has other file names: the legacy ones leave the manifest
        assertEquals(List.of(dump("cpu", "c"), dump("mem", "d"), shard("20160611T235500Z.meta", "e")),
                DayManifest.merge(previous, List.of(shard("20160611T235500Z.meta", "e")), "backup"));
        assertEquals(List.of(dump("cpu", "f"), dump("mem", "d"), shard("meta.00", "a"), shard("sensu_db.autogen.00001.00", "b")),
                DayManifest.merge(previous, List.of(dump("cpu", "f")), "dump"));
        assertEquals(List.of(shard("meta.00", "a")), DayManifest.merge(List.of(), List.of(shard("meta.00", "a")), "backup"));
    }

    @Test
    void theDumpMergesItsFilesIntoTheBackupsManifest() {
        assertEquals(List.of(dump("cpu", "b"), shard("meta.00", "a")),
                DayManifest.merge(List.of(shard("meta.00", "a")), List.of(dump("cpu", "b")), "dump"));
        assertEquals(List.of(dump("cpu", "b"), shard("meta.00", "x")),
                DayManifest.merge(List.of(dump("cpu", "b"), shard("meta.00", "a")), List.of(shard("meta.00", "x")), "backup"),
                "the backup keeps the dump's entries");
    }

    @Test
    void theJsonRoundTripsWithAndWithoutSha256AndRecords() {
        DayManifest manifest = DayManifest.of(DAY, NOW, "backup", "backup 20160611T235500Z-0a1b", List.of(
                shard("meta.00", "aa"), new Entry("2016-06-11/shards/old.00", 9, "bb", null, DayManifest.SHARD, null),
                dump("cpu", "cc")));
        String json = new String(manifest.toJson(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"sha256\" : \"sha-aa\""), json);
        assertTrue(json.contains("\"records\" : 3"), json);
        assertTrue(json.contains("\"written\" : \"2016-06-12T00:31:00Z\""), json);
        assertTrue(json.contains("\"by\" : \"" + DayManifest.VERSION + "\""), json);
        assertFalse(json.contains("null"), "no null fields: " + json);

        DayManifest parsed = DayManifest.parse(DAY, manifest.toJson());
        assertEquals(manifest, parsed);
        assertEquals("backup 20160611T235500Z-0a1b", parsed.run());
    }

    @Test
    void aManifestWrittenBeforeSha256IsStillRead() {
        String old = "{\"day\":\"2016-06-11\",\"objects\":[{\"name\":\"2016-06-11/shards/meta.00\",\"size\":5,"
                + "\"md5\":\"aa\",\"kind\":\"shard\"},{\"name\":\"2016-06-11/influxdb/cpu.json\",\"size\":7,\"md5\":\"bb\","
                + "\"sha256\":null,\"kind\":\"dump\",\"records\":3}]}";
        DayManifest parsed = DayManifest.parse(DAY, utf8(old));
        assertEquals(List.of(new Entry("2016-06-11/shards/meta.00", 5, "aa", null, "shard", null),
                new Entry("2016-06-11/influxdb/cpu.json", 7, "bb", null, "dump", 3L)), parsed.objects());
        assertNull(parsed.written());
        assertNull(parsed.job());
    }

    @Test
    void noManifestIsNull() {
        assertNull(DayManifest.parse(DAY, null));
    }

    @Test
    void aManifestThatIsNotJsonNamesTheCommandToLookAtIt() {
        SwiftException broken = assertThrows(SwiftException.class, () -> DayManifest.parse(DAY, utf8("{\"objects\": [")));
        assertTrue(broken.getMessage().startsWith("the manifest of day 2016-06-11 is not valid JSON ("), broken.getMessage());
        assertTrue(broken.getMessage().endsWith("look at it with 'swift download 2016-06-11 2016-06-11/manifest.json', and delete"
                + " it to treat the day as one without manifest"), broken.getMessage());
    }

    @Test
    void missingIsWhatTheManifestDoesNotListAsItIs() {
        DayManifest manifest = DayManifest.of(DAY, NOW, "backup", "r", List.of(shard("meta.00", "a"), dump("cpu", "c")));
        assertEquals(List.of(), manifest.missing(List.of(shard("meta.00", "a"))));
        assertEquals(List.of(shard("meta.00", "x"), dump("mem", "d")),
                manifest.missing(List.of(shard("meta.00", "x"), dump("cpu", "c"), dump("mem", "d"))),
                "another MD5 is not this run's object");
    }

    @Test
    void ofKindAndNames() {
        DayManifest manifest = DayManifest.of(DAY, NOW, "dump", "r", List.of(shard("meta.00", "a"), dump("cpu", "c"),
                shard("big.00", "b")));
        assertEquals(List.of("2016-06-11/shards/meta.00", "2016-06-11/shards/big.00"),
                List.copyOf(manifest.ofKind(DayManifest.SHARD).keySet()), "in the manifest's order");
        assertEquals(Map.of("2016-06-11/influxdb/cpu.json", dump("cpu", "c")), manifest.ofKind(DayManifest.DUMP));
        assertEquals(Set.of("2016-06-11/shards/meta.00", "2016-06-11/influxdb/cpu.json", "2016-06-11/shards/big.00"),
                manifest.names());
    }

    @Test
    void aDownloadIsComparedWithItsManifestEntry() {
        Entry entry = shard("meta.00", "aa");
        assertNull(DayManifest.downloadMismatch(entry, 5L, "sha-aa"));
        assertNull(DayManifest.downloadMismatch(entry, 5L, "SHA-AA"));
        assertNull(DayManifest.downloadMismatch(null, 9L, "x"), "a day without manifest: nothing to compare");
        assertNull(DayManifest.downloadMismatch(new Entry("n", 5, "aa", null, "shard", null), 5L, "x"),
                "an old manifest without SHA-256");
        assertEquals("SHA-256 of the bytes received is 5b, the manifest says sha-aa", DayManifest.downloadMismatch(entry, 5L, "5b"));
        assertEquals("received 6 bytes, the manifest says 5", DayManifest.downloadMismatch(entry, 6L, "sha-aa"));
    }

    @Test
    void aLinkedShardKeepsItsContentAndWhetherTheDayAddedIt() {
        Entry added = new Entry("2016-06-11/shards/sensu_db.autogen.00001.00", 5, "aa", "sha-aa", DayManifest.SHARD, null,
                "store/sha256/aa", true);
        Entry reused = new Entry("2016-06-11/shards/sensu_db.autogen.00002.00", 7, "bb", "sha-bb", DayManifest.SHARD, null,
                "store/sha256/bb", false);
        Entry meta = shard("meta.00", "cc");
        DayManifest manifest = DayManifest.of(DAY, NOW, "backup", "r", List.of(added, reused, meta));

        DayManifest read = DayManifest.parse(DAY, manifest.toJson());
        assertEquals(manifest.objects(), read.objects(), "what a read-back compares");
        assertEquals(17, read.logicalBytes());
        assertEquals(10, read.addedBytes(), "the linked content an earlier day stored is not the day's");
        assertEquals(Set.of("store/sha256/aa", "store/sha256/bb"), read.contents());
    }

    @Test
    void aLinkIsComparedByWhatItsTargetIsPinnedToAndWhereItPoints() {
        Entry entry = new Entry("2016-06-11/shards/sensu_db.autogen.00001.00", 5, "aa", "sha-aa", DayManifest.SHARD, null,
                "store/sha256/aa", true);
        Map<String, Object> link = Map.of("name", entry.name(), "bytes", 0, "hash", "d41d8cd98f00b204e9800998ecf8427e",
                "symlink_path", "/v1/AUTH_test/store/sha256/aa", "symlink_bytes", 5, "symlink_etag", "aa");
        assertNull(DayManifest.listingMismatch(link, entry), "a link lists 0 bytes: its target's size counts");
        Map<String, Object> elsewhere = new java.util.HashMap<>(link);
        elsewhere.put("symlink_path", "/v1/AUTH_test/store/sha256/bb");
        assertEquals("a link to store/sha256/bb, the manifest says store/sha256/aa", DayManifest.listingMismatch(elsewhere, entry));
        Map<String, Object> otherPin = new java.util.HashMap<>(link);
        otherPin.put("symlink_etag", "ab");
        assertEquals("MD5 ab, the manifest says aa", DayManifest.listingMismatch(otherPin, entry));
    }

    @Test
    void aReRunOfTheDayKeepsTheContentItsEarlierRunAddedAsTheDays() {
        Entry first = new Entry("2016-06-11/shards/sensu_db.autogen.00001.00", 5, "aa", "sha-aa", DayManifest.SHARD, null,
                "store/sha256/aa", true);
        Entry again = first.withAdded(false);
        Entry other = new Entry("2016-06-11/shards/sensu_db.autogen.00002.00", 5, "bb", "sha-bb", DayManifest.SHARD, null,
                "store/sha256/bb", false);
        assertEquals(List.of(first, other), DayManifest.merge(List.of(first), List.of(again, other), "backup"));
        DayManifest written = DayManifest.of(DAY, NOW, "backup", "r", List.of(first, other));
        assertEquals(List.of(), written.missing(List.of(again, other)), "the read-back finds this run's objects");
    }
}
