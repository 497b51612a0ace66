package io.influxswiftbackup.swift;

import static io.influxswiftbackup.swift.LargeObjectsTest.md5;
import static io.influxswiftbackup.swift.LargeObjectsTest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.http.FileRange;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads checked without a read of their own: the PUT's answer against what was sent, the listing
 * before the uploads for re-runs, the listing after them; and the download's SHA-256.
 */
class UploadCheckTest {

    static final String NAME = "2016-06-11/shards/sensu_db.autogen.00001.00";
    final UploadCheck check = new UploadCheck(new LargeObjects(1 << 20));
    final byte[] bytes = new byte[100_000];

    @TempDir
    Path dir;

    UploadCheckTest() {
        new Random(1).nextBytes(bytes);
    }

    @Test
    void thePutPassesOnlyWhenSwiftsEtagIsTheMd5OfWhatWasSent() throws Exception {
        Exchange exchange = describe(List.of());
        FileRange body = check.body(exchange);
        body.writeTo(OutputStream.nullOutputStream());
        exchange.getMessage().setHeader("Etag", "\"" + md5(bytes) + "\"");
        check.checkPut(exchange);
        assertNull(exchange.getProperty(UploadCheck.UPLOAD_MISMATCH));
        assertEquals(md5(bytes), exchange.getProperty(UploadCheck.LOCAL_MD5));
        assertEquals(sha256(bytes), exchange.getProperty(UploadCheck.LOCAL_SHA256));

        exchange = describe(List.of());
        check.body(exchange).writeTo(OutputStream.nullOutputStream());
        exchange.getMessage().setHeader("Etag", md5(new byte[1]));
        check.checkPut(exchange);
        String mismatch = exchange.getProperty(UploadCheck.UPLOAD_MISMATCH, String.class);
        assertEquals("upload of " + NAME + " in container 2016-06-11 is corrupt: Swift's ETag " + md5(new byte[1])
                + " is not the MD5 of the 100000 bytes sent, " + md5(bytes), mismatch);
        assertNull(exchange.getProperty(UploadCheck.LOCAL_MD5));
        assertTrue(assertThrows(SwiftException.class, () -> check.failMismatch(mismatch)).getMessage().endsWith("; the object was deleted"));
    }

    @Test
    void anObjectListedWithTheSameSizeAndMd5IsNotUploadedAgain() throws Exception {
        Exchange same = describe(List.of(listed(NAME, bytes.length, md5(bytes))));
        check.noteAlreadyStored(same);
        assertTrue(same.getProperty(UploadCheck.ALREADY_STORED, Boolean.class));
        assertEquals(md5(bytes), same.getProperty(UploadCheck.LOCAL_MD5));
        assertEquals(sha256(bytes), same.getProperty(UploadCheck.LOCAL_SHA256));

        for (List<Map<String, Object>> listing : List.of(List.<Map<String, Object>>of(),
                List.of(listed(NAME, bytes.length, md5(new byte[1]))), List.of(listed(NAME, bytes.length + 1, md5(bytes))),
                List.of(listed(NAME + "0", bytes.length, md5(bytes))))) {
            Exchange other = describe(listing);
            check.noteAlreadyStored(other);
            assertFalse(other.getProperty(UploadCheck.ALREADY_STORED, Boolean.class), listing.toString());
            assertNull(other.getProperty(UploadCheck.LOCAL_MD5));
        }
    }

    @Test
    void theListingAfterTheUploadsMustShowEachWithItsSizeAndHash() throws Exception {
        Exchange exchange = describe(List.of());
        exchange.setProperty(UploadCheck.LOCAL_MD5, md5(bytes));
        check.verified(exchange);
        exchange.setProperty("objectName", NAME + ".large");
        exchange.setProperty(LargeObjects.SLO_ETAG, "abc");
        check.verified(exchange);

        Map<String, Object> large = Map.of("name", NAME + ".large", "bytes", bytes.length, "hash", "of-the-manifest",
                "slo_etag", "\"abc\"");
        check.verifyListing(exchange, List.of(listed(NAME, bytes.length, md5(bytes)), large));
        String missing = assertThrows(SwiftUnavailableException.class, () -> check.verifyListing(exchange, List.of(large))).getMessage();
        assertTrue(missing.contains(NAME + " is not listed"), missing);
        String wrong = assertThrows(SwiftException.class, () -> check.verifyListing(exchange,
                List.of(listed(NAME, bytes.length, md5(new byte[1])), large))).getMessage();
        assertTrue(wrong.contains(NAME + " is listed with 100000 bytes and hash " + md5(new byte[1])), wrong);
        String plainForLarge = assertThrows(SwiftException.class, () -> check.verifyListing(exchange,
                List.of(listed(NAME, bytes.length, md5(bytes)), listed(NAME + ".large", bytes.length, "abc")))).getMessage();
        assertTrue(plainForLarge.contains(NAME + ".large is listed with 100000 bytes and hash null"), plainForLarge);
    }

    @Test
    void aDownloadGivesItsSha256() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Path target = dir.resolve("down").resolve("file");
        exchange.setProperty(DownloadCheck.TARGET_FILE, target.toString());
        exchange.getMessage().setHeader("Content-Length", (long) bytes.length);
        exchange.getMessage().setHeader("Etag", md5(bytes));
        exchange.getMessage().setBody(new ByteArrayInputStream(bytes));
        new DownloadCheck().save(exchange);
        assertEquals(sha256(bytes), exchange.getProperty(DownloadCheck.DOWNLOADED_SHA256));
        assertEquals((long) bytes.length, exchange.getProperty("downloadedBytes"));
    }

    private Exchange describe(List<Map<String, Object>> listing) throws Exception {
        Path file = dir.resolve("shard");
        Files.write(file, bytes);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(UploadCheck.LOCAL_FILE, file.toFile());
        exchange.setProperty("container", "2016-06-11");
        exchange.setProperty("objectName", NAME);
        check.rememberStored(exchange, listing);
        check.describeLocal(exchange);
        return exchange;
    }

    private static Map<String, Object> listed(String name, long bytes, String hash) {
        return Map.of("name", name, "bytes", bytes, "hash", hash);
    }
}
