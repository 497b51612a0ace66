package io.influxswiftbackup.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.influxswiftbackup.day.DayManifest;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class DownloadsTest {

    @Test
    void onlyPlainFileNamesAreWritten() {
        assertNull(Downloads.unsafe("Aggregated_metrics_2016-06-11-00:00:00_2016-06-12-00:00:00.json"));
        assertEquals("its name holds a '..' path segment", Downloads.unsafe("../../etc/passwd"));
        assertEquals("its name is an absolute path", Downloads.unsafe("/etc/passwd"));
        assertEquals("its name holds a backslash", Downloads.unsafe("..\\x.json"));
        assertEquals("its name holds a NUL", Downloads.unsafe("a\0b.json"));
        assertEquals("its name holds a '/' where a plain file name is expected", Downloads.unsafe("sub/x.json"));
        assertEquals("its name holds a '.' path segment", Downloads.unsafe("./x.json"));
    }

    @Test
    void theMeasurementIsTheNameBeforeTheWindow() {
        assertEquals("Aggregated_metrics", Downloads.measurementOf("Aggregated_metrics_2016-06-11-00:00:00_2016-06-12-00:00:00.json"));
        assertEquals("cpu_2016", Downloads.measurementOf("cpu_2016_2016-06-11-00:00:00_2016-06-12-00:00:00.json"));
    }

    @Test
    void aListedDumpFileMustHaveItsManifestEntrysSizeAndMd5() {
        DayManifest.Entry entry = new DayManifest.Entry("2013-01-01/influxdb/cpu.json", 7, "bb", "5b", "dump", 3L);
        assertNull(DayManifest.listingMismatch(Map.of("bytes", 7, "hash", "BB"), entry));
        assertNull(DayManifest.listingMismatch(Map.of("bytes", 7, "hash", "zz"), null), "a day without manifest");
        assertNull(DayManifest.listingMismatch(Map.of("bytes", 7, "hash", "slo", "slo_etag", "slo"), entry),
                "a large object's listed hash is not its MD5 (its SHA-256 is checked after the download)");
        assertEquals("8 bytes, the manifest says 7", DayManifest.listingMismatch(Map.of("bytes", 8, "hash", "bb"), entry));
        assertEquals("MD5 cc, the manifest says bb", DayManifest.listingMismatch(Map.of("bytes", 7, "hash", "cc"), entry));
    }
}
