package io.influxswiftbackup.swift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.swift.LargeObjects.Limits;
import io.influxswiftbackup.swift.LargeObjects.Segment;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static large objects on the Java side: when a file is cut into segments and how, their names
 * (python-swiftclient's), their checksums computed as they are sent, the manifest, the checks after
 * each segment's upload and after a download.
 */
class LargeObjectsTest {

    static final long MIB = 1 << 20;
    final LargeObjects largeObjects = new LargeObjects(MIB);

    @TempDir
    Path dir;

    @Test
    void aFileAboveTheSegmentSizeOrTheClustersLimitIsCut() {
        assertEquals(0, largeObjects.segmentSizeFor(MIB, Limits.DEFAULTS), "up to the segment size: one object");
        assertEquals(MIB, largeObjects.segmentSizeFor(MIB + 1, Limits.DEFAULTS));
        Limits small = new Limits(1000, true, 1000, "test");
        assertEquals(1000, largeObjects.segmentSizeFor(1001, small), "the cluster's largest object wins");
        Limits fewSegments = new Limits(10 * MIB, true, 4, "test");
        assertEquals(2 * MIB + 1, largeObjects.segmentSizeFor(8 * MIB + 1, fewSegments),
                "larger segments when the manifest may not list that many");
        assertThrows(SwiftException.class, () -> largeObjects.segmentSizeFor(41 * MIB, fewSegments));
        assertThrows(SwiftException.class, () -> largeObjects.segmentSizeFor(2 * MIB, new Limits(5 * MIB, false, 1000, "test")));
    }

    @Test
    void segmentsAreNamedAsTheSwiftCliNamesThem() {
        FileTime mtime = FileTime.from(Instant.parse("2016-06-11T23:55:01.123456789Z"));
        assertEquals("2016-06-11/shards/big/slo/1465689301.123456/5000000/1048576/00000004",
                LargeObjects.segmentName("2016-06-11/shards/big", mtime, 5_000_000, MIB, 4));
        assertEquals("2016-06-11_segments", LargeObjects.segmentContainer("2016-06-11"));
    }

    @Test
    void segmentsAreDigestedAsTheyAreSentAndTheManifestListsThem() throws Exception {
        byte[] bytes = randomBytes((int) (2 * MIB + 12_345));
        Exchange exchange = describe(bytes, Limits.DEFAULTS);
        assertNull(exchange.getProperty(UploadCheck.LOCAL_MD5), "nothing is read before the upload");
        List<Segment> segments = segments(exchange);
        assertEquals(3, segments.size());
        assertEquals(List.of(MIB, MIB, 12_345L), segments.stream().map(Segment::length).toList());
        largeObjects.startWholeFileChecksums(exchange);
        for (Segment segment : segments) {
            byte[] range = Arrays.copyOfRange(bytes, (int) segment.offset(), (int) (segment.offset() + segment.length()));
            assertNull(segment.md5());
            assertArrayEquals(range, sent(segment.body()), "the PUT body is that range");
            assertEquals(md5(range), segment.md5());
            assertArrayEquals(range, sent(segment.body()), "and again on a retry");
            assertEquals(md5(range), segment.md5());
            assertEquals("2016-06-11_segments", segment.container());
        }
        assertEquals("2016-06-11_segments", exchange.getProperty(LargeObjects.SEGMENT_CONTAINER));
        assertEquals(segments.get(0).name().replace("/00000000", "/"), largeObjects.segmentsPrefix(segments));
        largeObjects.segmentsStored(exchange);
        assertEquals(md5(bytes), exchange.getProperty(UploadCheck.LOCAL_MD5));
        assertEquals(sha256(bytes), exchange.getProperty(UploadCheck.LOCAL_SHA256));
        String manifest = largeObjects.manifest(segments);
        assertTrue(manifest.startsWith("[{\"path\":\"/2016-06-11_segments/2016-06-11/shards/big/slo/"), manifest);
        assertTrue(manifest.contains("\"etag\":\"" + segments.get(2).md5() + "\",\"size_bytes\":12345}"), manifest);
        StringBuilder md5s = new StringBuilder();
        segments.forEach(s -> md5s.append(s.md5()));
        assertEquals(md5(md5s.toString().getBytes()), exchange.getProperty(LargeObjects.SLO_ETAG));
    }

    @Test
    void aSmallFileHasNoSegments() throws Exception {
        byte[] bytes = randomBytes(1000);
        Exchange exchange = describe(bytes, Limits.DEFAULTS);
        assertTrue(segments(exchange).isEmpty());
        assertNull(exchange.getProperty(LargeObjects.SLO_ETAG));
        assertEquals(1000L, exchange.getProperty(UploadCheck.LOCAL_SIZE));
        assertEquals(0, describe(new byte[0], Limits.DEFAULTS).getProperty(UploadCheck.LOCAL_SIZE, Long.class));
    }

    @Test
    void aSegmentPassesOnlyWhenSwiftsEtagIsTheMd5OfWhatWasSent() throws Exception {
        Exchange exchange = describe(randomBytes((int) (MIB + 1)), Limits.DEFAULTS);
        Segment first = segments(exchange).get(0);
        exchange.getMessage().setHeader("Etag", "\"" + "0".repeat(32) + "\"");
        assertTrue(assertThrows(SwiftException.class, () -> largeObjects.checkSegment(exchange, first)).getMessage()
                .contains("not sent whole"));
        sent(first.body());
        assertTrue(assertThrows(SwiftException.class, () -> largeObjects.checkSegment(exchange, first)).getMessage()
                .contains("segment 1 of 2016-06-11/shards/big is corrupt in Swift: Swift's ETag 000"));
        exchange.getMessage().setHeader("Etag", "\"" + first.md5() + "\"");
        largeObjects.checkSegment(exchange, first);
    }

    @Test
    void aLargeObjectsDownloadIsCheckedAgainstTheKeptMd5() throws Exception {
        byte[] bytes = randomBytes(5000);
        DownloadCheck check = new DownloadCheck();
        Path target = dir.resolve("down").resolve("file");

        Exchange saved = get(bytes, target, Map.of("X-Static-Large-Object", "True", "Etag", "\"not-the-md5\"",
                LargeObjects.MD5_META, md5(bytes)));
        check.save(saved);
        assertArrayEquals(bytes, Files.readAllBytes(target));
        assertEquals(sha256(bytes), saved.getProperty(DownloadCheck.DOWNLOADED_SHA256), "the SHA-256 while streaming");

        Files.delete(target);
        Map<String, Object> wrongMd5 = Map.of("X-Static-Large-Object", "True", LargeObjects.MD5_META, md5(new byte[1]));
        assertTrue(assertThrows(SwiftException.class, () -> check.save(get(bytes, target, wrongMd5))).getMessage()
                .contains("its X-Object-Meta-Md5 is"));
        Map<String, Object> noMd5 = Map.of("X-Static-Large-Object", "True");
        assertTrue(assertThrows(SwiftException.class, () -> check.save(get(bytes, target, noMd5))).getMessage()
                .contains("without X-Object-Meta-Md5"));
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(target.resolveSibling("file.part")));
    }

    private Exchange describe(byte[] bytes, Limits limits) throws Exception {
        Path file = dir.resolve("big");
        Files.write(file, bytes);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(UploadCheck.LOCAL_FILE, file.toFile());
        exchange.setProperty("container", "2016-06-11");
        exchange.setProperty("objectName", "2016-06-11/shards/big");
        exchange.setProperty(LargeObjects.CLUSTER_LIMITS, limits);
        new UploadCheck(largeObjects).describeLocal(exchange);
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static List<Segment> segments(Exchange exchange) {
        return exchange.getProperty(LargeObjects.SEGMENTS, List.class);
    }

    private static Exchange get(byte[] body, Path target, Map<String, Object> headers) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(DownloadCheck.TARGET_FILE, target.toString());
        exchange.setProperty("objectName", "2016-06-11/shards/big");
        exchange.setProperty("container", "2016-06-11");
        exchange.getMessage().setHeaders(new java.util.HashMap<>(headers));
        exchange.getMessage().setHeader("Content-Length", (long) body.length);
        exchange.getMessage().setBody(new java.io.ByteArrayInputStream(body));
        return exchange;
    }

    private static byte[] sent(org.apache.hc.core5.http.HttpEntity entity) throws Exception {
        assertTrue(entity.isRepeatable());
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        entity.writeTo(written);
        try (InputStream in = entity.getContent()) {
            assertArrayEquals(written.toByteArray(), in.readAllBytes(), "getContent() and writeTo() agree");
        }
        assertEquals(entity.getContentLength(), written.size());
        return written.toByteArray();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
