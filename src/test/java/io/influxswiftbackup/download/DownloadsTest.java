package io.influxswiftbackup.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
