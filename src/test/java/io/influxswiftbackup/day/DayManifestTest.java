package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.swift.SwiftException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class DayManifestTest {

    final DayManifest manifests = new DayManifest(Clock.fixed(Instant.parse("2016-06-12T00:31:00Z"), ZoneOffset.UTC));
    final CamelContext camel = new DefaultCamelContext();
    final Day day = Day.parse("2016-06-11");

    private Exchange exchange() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty("day", day);
        return exchange;
    }

    private String backupManifest() throws Exception {
        Exchange backup = exchange();
        manifests.begin(backup, "backup");
        backup.setProperty("objectName", "2016-06-11/shards/meta.00");
        backup.setProperty("localSize", 5L);
        backup.setProperty("localMd5", "aa");
        manifests.note(backup, "shard");
        manifests.compose(backup);
        return backup.getMessage().getBody(String.class);
    }

    @Test
    void theDumpMergesItsFilesIntoTheBackupsManifest() throws Exception {
        Exchange dump = exchange();
        manifests.begin(dump, "dump");
        dump.setProperty("objectName", "2016-06-11/influxdb/cpu.json");
        dump.setProperty("localSize", 7L);
        dump.setProperty("localMd5", "bb");
        dump.setProperty("records", 3L);
        manifests.note(dump, "dump");
        dump.setProperty(DayManifest.PREVIOUS, backupManifest());
        manifests.compose(dump);

        assertEquals("2016-06-11/manifest.json", dump.getProperty("objectName"));
        assertEquals(List.of(new DayManifest.Entry("2016-06-11/influxdb/cpu.json", 7, "bb", null, "dump", 3L),
                new DayManifest.Entry("2016-06-11/shards/meta.00", 5, "aa", null, "shard", null)),
                DayManifest.entries(dump.getMessage().getBody(String.class)));
    }

    @Test
    void theRestoreRefusesAMarkedDayAndOneThatDoesNotMatchItsManifest() throws Exception {
        Exchange marked = exchange();
        marked.setProperty(DayManifest.DAY_MARKS, List.of("backup 20160611T235500Z-0a1b"));
        SwiftException refused = assertThrows(SwiftException.class, () -> manifests.checkForRestore(List.of(), marked));
        assertEquals("day 2016-06-11 is incomplete: container 2016-06-11 is still marked in progress"
                + " (backup 20160611T235500Z-0a1b); restore it anyway with --force", refused.getMessage());

        Exchange twice = exchange();
        twice.setProperty(DayManifest.DAY_MARKS, List.of("backup 20160611T235500Z-0a1b", "dump 20160612T003000Z-beef"));
        SwiftException both = assertThrows(SwiftException.class, () -> manifests.checkForRestore(List.of(), twice));
        assertEquals("day 2016-06-11 is incomplete: container 2016-06-11 is still marked in progress"
                + " (backup 20160611T235500Z-0a1b, dump 20160612T003000Z-beef); restore it anyway with --force", both.getMessage());

        Exchange changed = exchange();
        changed.setProperty(DayManifest.PREVIOUS, backupManifest());
        SwiftException mismatch = assertThrows(SwiftException.class, () -> manifests.checkForRestore(List.of(
                Map.of("name", "2016-06-11/shards/meta.00", "bytes", 5, "hash", "cc"),
                Map.of("name", "2016-06-11/shards/extra.00", "bytes", 1, "hash", "dd")), changed));
        assertEquals("day 2016-06-11 does not match its manifest: 2016-06-11/shards/meta.00 has MD5 cc, the manifest says aa;"
                + " 2016-06-11/shards/extra.00 is not in the manifest", mismatch.getMessage());

        Exchange fine = exchange();
        fine.setProperty(DayManifest.PREVIOUS, backupManifest());
        manifests.checkForRestore(List.of(Map.of("name", "2016-06-11/shards/meta.00", "bytes", 5, "hash", "aa")), fine);
    }

    static DayManifest.Entry shard(String file, String md5) {
        return new DayManifest.Entry("2016-06-11/shards/" + file, 5, md5, "sha-" + md5, "shard", null);
    }

    static DayManifest.Entry dump(String measurement, String md5) {
        return new DayManifest.Entry("2016-06-11/influxdb/" + measurement + ".json", 7, md5, "sha-" + md5, "dump", 3L);
    }

    @Test
    void theBackupReplacesEveryShardEntryAndTheDumpOnlyTheFilesItWrote() {
        List<DayManifest.Entry> previous = List.of(shard("meta.00", "a"), shard("sensu_db.autogen.00001.00", "b"),
                dump("cpu", "c"), dump("mem", "d"));
        // A forced re-run in the portable format: other file names; the legacy ones leave the manifest.
        assertEquals(List.of(dump("cpu", "c"), dump("mem", "d"), shard("20160611T235500Z.meta", "e")),
                DayManifest.merge(previous, List.of(shard("20160611T235500Z.meta", "e")), "backup"));
        // The dump of cpu again: its entry replaced, the shards and mem kept.
        assertEquals(List.of(dump("cpu", "f"), dump("mem", "d"), shard("meta.00", "a"), shard("sensu_db.autogen.00001.00", "b")),
                DayManifest.merge(previous, List.of(dump("cpu", "f")), "dump"));
        // The first run of the day.
        assertEquals(List.of(shard("meta.00", "a")), DayManifest.merge(List.of(), List.of(shard("meta.00", "a")), "backup"));
    }

    @Test
    void sha256IsWrittenAndAManifestWithoutItIsStillRead() throws Exception {
        Exchange backup = exchange();
        manifests.begin(backup, "backup");
        backup.setProperty("objectName", "2016-06-11/shards/meta.00");
        backup.setProperty("localSize", 5L);
        backup.setProperty("localMd5", "aa");
        backup.setProperty("localSha256", "5a");
        manifests.note(backup, "shard");
        manifests.compose(backup);
        String written = backup.getMessage().getBody(String.class);
        assertTrue(written.contains("\"sha256\" : \"5a\""), written);
        assertEquals(List.of(new DayManifest.Entry("2016-06-11/shards/meta.00", 5, "aa", "5a", "shard", null)),
                DayManifest.entries(written));
        assertEquals(Set.of("2016-06-11/shards/meta.00"), backup.getProperty(DayManifest.LISTED));

        String old = "{\"day\":\"2016-06-11\",\"objects\":[{\"name\":\"2016-06-11/shards/meta.00\",\"size\":5,"
                + "\"md5\":\"aa\",\"kind\":\"shard\"}]}";
        assertEquals(List.of(new DayManifest.Entry("2016-06-11/shards/meta.00", 5, "aa", null, "shard", null)),
                DayManifest.entries(old));
        assertTrue(assertThrows(SwiftException.class, () -> DayManifest.entries("{\"objects\": [")).getMessage()
                .startsWith("the day's manifest is not valid JSON ("));
    }

    @Test
    void aManifestReadBackWithoutThisRunsObjectsIsWrittenAgainAFewTimesThenTheRunFails() throws Exception {
        Exchange dump = exchange();
        manifests.begin(dump, "dump");
        dump.setProperty("objectName", "2016-06-11/influxdb/cpu.json");
        dump.setProperty("localSize", 7L);
        dump.setProperty("localMd5", "bb");
        dump.setProperty("localSha256", "5b");
        dump.setProperty("records", 3L);
        manifests.note(dump, "dump");
        manifests.compose(dump);
        String ours = dump.getMessage().getBody(String.class);

        // Another writer (a backup that read the manifest before this PUT) replaced it: write again.
        dump.setProperty(DayManifest.PREVIOUS, backupManifest());
        manifests.confirmWritten(dump);
        assertEquals(false, dump.getProperty(DayManifest.CONFIRMED));
        dump.setProperty(DayManifest.PREVIOUS, ours);
        manifests.confirmWritten(dump);
        assertEquals(true, dump.getProperty(DayManifest.CONFIRMED));

        dump.setProperty(DayManifest.WRITES, 2);
        dump.setProperty(DayManifest.PREVIOUS, backupManifest());
        SwiftException lost = assertThrows(SwiftException.class, () -> manifests.confirmWritten(dump));
        assertEquals("the manifest of day 2016-06-11 still lacks objects of this run after 3 writes (another run writes it"
                + " at the same time?): 2016-06-11/influxdb/cpu.json", lost.getMessage());
    }

    @Test
    void afterTheManifestTheBackupDeletesTheShardsItNoLongerListsWithTheirSegmentsAndTheDumpNothingElse() throws Exception {
        Exchange backup = exchange();
        manifests.begin(backup, "backup");
        backup.setProperty("objectName", "2016-06-11/shards/20160611T235500Z.meta");
        backup.setProperty("localSize", 5L);
        backup.setProperty("localMd5", "aa");
        manifests.note(backup, "shard");
        backup.setProperty(DayManifest.PREVIOUS, "{\"objects\":[{\"name\":\"2016-06-11/influxdb/cpu.json\",\"size\":1,"
                + "\"md5\":\"cc\",\"kind\":\"dump\"}]}");
        manifests.compose(backup);
        List<Map<String, Object>> listing = List.of(Map.of("name", "2016-06-11/shards/20160611T235500Z.meta"),
                Map.of("name", "2016-06-11/shards/meta.00"), Map.of("name", "2016-06-11/shards/sensu_db.autogen.00001.00"));
        assertEquals(List.of("2016-06-11/shards/meta.00", "2016-06-11/shards/sensu_db.autogen.00001.00"),
                manifests.obsolete(listing, backup));
        assertEquals(List.of("2016-06-11/shards/meta.00/slo/1465689300.000000/9/4/00000000"),
                manifests.obsoleteSegments(List.of(Map.of("name", "2016-06-11/shards/meta.00/slo/1465689300.000000/9/4/00000000"),
                        Map.of("name", "2016-06-11/shards/20160611T235500Z.meta/slo/1465689300.000000/9/4/00000000"),
                        Map.of("name", "2016-06-11/shards/meta.000/slo/1465689300.000000/9/4/00000000")), backup));

        Exchange dump = exchange();
        manifests.begin(dump, "dump");
        dump.setProperty("objectName", "2016-06-11/influxdb/cpu.json");
        dump.setProperty("localSize", 7L);
        dump.setProperty("localMd5", "bb");
        manifests.note(dump, "dump");
        manifests.compose(dump);
        assertEquals(List.of(), manifests.obsolete(List.of(Map.of("name", "2016-06-11/influxdb/cpu.json"),
                Map.of("name", "2016-06-11/influxdb/mem.json")), dump), "the dump deletes only what it rewrote, and lists it");
    }

    @Test
    void aDownloadIsComparedWithItsManifestEntry() {
        DayManifest.Entry entry = shard("meta.00", "aa");
        assertNull(DayManifest.downloadMismatch(entry, 5L, "sha-aa"));
        assertNull(DayManifest.downloadMismatch(null, 9L, "x"), "a day without manifest: nothing to compare");
        assertNull(DayManifest.downloadMismatch(new DayManifest.Entry("n", 5, "aa", null, "shard", null), 5L, "x"),
                "an old manifest without SHA-256");
        assertEquals("SHA-256 of the bytes received is 5b, the manifest says sha-aa", DayManifest.downloadMismatch(entry, 5L, "5b"));
        assertEquals("received 6 bytes, the manifest says 5", DayManifest.downloadMismatch(entry, 6L, "sha-aa"));

        Exchange restore = exchange();
        restore.setProperty(DayManifest.EXPECTED, Map.of(entry.name(), entry));
        restore.setProperty("objectName", entry.name());
        restore.setProperty("downloadedBytes", 5L);
        restore.setProperty("downloadedSha256", "5b");
        SwiftException refused = assertThrows(SwiftException.class, () -> manifests.verifyDownload(restore));
        assertEquals("download of 2016-06-11/shards/meta.00 does not match the day's manifest: SHA-256 of the bytes received"
                + " is 5b, the manifest says sha-aa", refused.getMessage());
    }
}
