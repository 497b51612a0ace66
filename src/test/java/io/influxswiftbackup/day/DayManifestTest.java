package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.swift.SwiftException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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
        manifests.compose(backup, "backup");
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
        manifests.compose(dump, "dump");

        assertEquals("2016-06-11/manifest.json", dump.getProperty("objectName"));
        assertEquals(List.of(new DayManifest.Entry("2016-06-11/influxdb/cpu.json", 7, "bb", "dump", 3L),
                new DayManifest.Entry("2016-06-11/shards/meta.00", 5, "aa", "shard", null)),
                DayManifest.entries(dump.getMessage().getBody(String.class)));
    }

    @Test
    void theRestoreRefusesAMarkedDayAndOneThatDoesNotMatchItsManifest() throws Exception {
        Exchange marked = exchange();
        marked.setProperty(DayManifest.DAY_MARK, "backup 20160611T235500Z-0a1b");
        SwiftException refused = assertThrows(SwiftException.class, () -> manifests.checkForRestore(List.of(), marked));
        assertEquals("day 2016-06-11 is incomplete: container 2016-06-11 is still marked in progress"
                + " (backup 20160611T235500Z-0a1b); restore it anyway with --force", refused.getMessage());

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
}
