package io.influxswiftbackup.swift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.swift.LargeObjects.Limits;
import io.influxswiftbackup.swift.LargeObjects.Segment;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static large objects, the pure parts: when a file is cut into segments and how, their names
 * (python-swiftclient's), their checksums computed as they are sent, the manifest and its ETag, the
 * cluster's limits, and when a listed object is the file already.
 */
class LargeObjectsTest {

    static final long MIB = 1 << 20;
    static final FileTime MTIME = FileTime.from(Instant.parse("2016-06-11T23:55:01.123456789Z"));
    final LargeObjects largeObjects = new LargeObjects(MIB);

    @TempDir
    Path dir;

    @Test
    void aFileAboveTheSegmentSizeOrTheClustersLimitIsCut() {
        assertEquals(0, largeObjects.segmentSizeFor(MIB, Limits.DEFAULTS), "up to the segment size: one object");
        assertEquals(MIB, largeObjects.segmentSizeFor(MIB + 1, Limits.DEFAULTS));
        Limits small = new Limits(1000, true, 1000, false, "test");
        assertEquals(1000, largeObjects.segmentSizeFor(1001, small), "the cluster's largest object wins");
        Limits fewSegments = new Limits(10 * MIB, true, 4, false, "test");
        assertEquals(2 * MIB + 1, largeObjects.segmentSizeFor(8 * MIB + 1, fewSegments),
                "larger segments when the manifest may not list that many");
        assertTrue(assertThrows(SwiftException.class, () -> largeObjects.segmentSizeFor(41 * MIB, fewSegments)).getMessage()
                .contains("does not fit in 4 segments of at most 10485760 bytes"));
        assertTrue(assertThrows(SwiftException.class,
                () -> largeObjects.segmentSizeFor(2 * MIB, new Limits(5 * MIB, false, 1000, false, "test"))).getMessage()
                .contains("this Swift offers no static large objects"));
        assertThrows(ConfigException.class, () -> new LargeObjects(0));
    }

    @Test
    void segmentsAreNamedAsTheSwiftCliNamesThem() {
        assertEquals("2016-06-11/shards/big/slo/1465689301.123456/5000000/1048576/00000004",
                LargeObjects.segmentName("2016-06-11/shards/big", MTIME, 5_000_000, MIB, 4));
        assertEquals("2016-06-11_segments", LargeObjects.segmentContainer("2016-06-11"));
    }

    @Test
    void segmentsAreRangesDigestedAsTheyAreSentAndTheManifestListsThem() throws Exception {
        byte[] bytes = randomBytes((int) (2 * MIB + 12_345));
        Path file = write(bytes);
        List<Segment> segments = largeObjects.segments("2016-06-11", "2016-06-11/shards/big", file, Limits.DEFAULTS);

        assertEquals(3, segments.size());
        assertEquals(List.of(MIB, MIB, 12_345L), segments.stream().map(Segment::length).toList());
        assertEquals(List.of(1, 2, 3), segments.stream().map(Segment::number).toList());
        for (Segment segment : segments) {
            byte[] range = Arrays.copyOfRange(bytes, (int) segment.offset(), (int) (segment.offset() + segment.length()));
            assertNull(segment.md5(), "nothing is read before it is sent");
            assertArrayEquals(range, sent(segment.body()), "the PUT body is that range");
            assertEquals(md5(range), segment.md5());
            assertArrayEquals(range, sent(segment.body()), "and again on a retry");
            assertEquals(md5(range), segment.md5());
            assertEquals("2016-06-11_segments", segment.container());
            assertEquals(LargeObjects.segmentName("2016-06-11/shards/big", MTIME, bytes.length, MIB, segment.number() - 1),
                    segment.name());
        }
        assertEquals(segments.get(0).name().replace("/00000000", "/"), LargeObjects.segmentsPrefix(segments));
        assertEquals("2016-06-11/shards/big/slo/1465689301.123456/2109497/1048576/", LargeObjects.segmentsPrefix(segments));

        String manifest = LargeObjects.manifest(segments);
        assertTrue(manifest.startsWith("[{\"path\":\"/2016-06-11_segments/2016-06-11/shards/big/slo/1465689301.123456/"
                + "2109497/1048576/00000000\",\"etag\":\"" + segments.get(0).md5() + "\",\"size_bytes\":1048576}"), manifest);
        assertTrue(manifest.endsWith("/00000002\",\"etag\":\"" + segments.get(2).md5() + "\",\"size_bytes\":12345}]"), manifest);
        StringBuilder md5s = new StringBuilder();
        segments.forEach(s -> md5s.append(s.md5()));
        assertEquals(md5(md5s.toString().getBytes(StandardCharsets.US_ASCII)), LargeObjects.sloEtag(segments));
    }

    @Test
    void aFileUpToTheSegmentSizeHasNoSegments() throws Exception {
        assertEquals(List.of(), largeObjects.segments("2016-06-11", "n", write(randomBytes(1000)), Limits.DEFAULTS));
        assertEquals(List.of(), largeObjects.segments("2016-06-11", "n", write(new byte[0]), Limits.DEFAULTS));
        assertEquals(List.of(), largeObjects.segments("2016-06-11", "n", write(randomBytes((int) MIB)), Limits.DEFAULTS));
        assertEquals(2, largeObjects.segments("2016-06-11", "n", write(randomBytes(1001)),
                new Limits(1000, true, 1000, false, "test")).size());
    }

    @Test
    void theClustersLimitsComeFromItsInfoOrSwiftsDefaults() {
        Limits limits = LargeObjects.limitsFrom(info(200,
                "{\"swift\":{\"max_file_size\":5000,\"version\":\"2.30\"},\"slo\":{\"max_manifest_segments\":10}}"));
        assertEquals(new Limits(5000, true, 10, false, "Swift's /info"), limits);
        assertEquals(new Limits(5000, false, 1000, false, "Swift's /info"), LargeObjects.limitsFrom(info(200,
                "{\"swift\":{\"max_file_size\":5000}}")), "without an slo section: no static large objects");
        assertEquals(new Limits(Limits.DEFAULTS.maxObjectSize(), true, 1000, false, "Swift's /info"),
                LargeObjects.limitsFrom(info(200, "{\"swift\":{},\"slo\":{}}")));
        assertEquals(new Limits(5000, true, 10, true, "Swift's /info"), LargeObjects.limitsFrom(info(200,
                "{\"swift\":{\"max_file_size\":5000},\"slo\":{\"max_manifest_segments\":10},"
                        + "\"symlink\":{\"symloop_max\":2,\"static_links\":true}}")), "static symlinks only when /info says so");
        assertEquals(Limits.DEFAULTS, LargeObjects.limitsFrom(info(404, "")));
        assertEquals(Limits.DEFAULTS, LargeObjects.limitsFrom(info(200, "<html>not json")));
    }

    @Test
    void aSmallFileListedWithItsSizeAndMd5IsNotSentAgain() throws Exception {
        byte[] bytes = randomBytes(5000);
        Path file = write(bytes);
        StoredObject same = LargeObjects.sameAsListed("c", "n", file, 5000, List.of(),
                Map.of("name", "n", "bytes", 5000, "hash", md5(bytes).toUpperCase()));
        assertEquals(new StoredObject("c", "n", 5000, md5(bytes), sha256(bytes), null, true, same.nanos()), same);

        assertNull(LargeObjects.sameAsListed("c", "n", file, 5000, List.of(), null));
        assertNull(LargeObjects.sameAsListed("c", "n", file, 5000, List.of(), Map.of("name", "n", "bytes", 4999, "hash", md5(bytes))));
        assertNull(LargeObjects.sameAsListed("c", "n", file, 5000, List.of(), Map.of("name", "n", "bytes", 5000, "hash", md5(new byte[1]))));
        assertNull(LargeObjects.sameAsListed("c", "n", file, 5000, List.of(), Map.of("name", "n", "hash", md5(bytes))));
    }

    @Test
    void aLargeFileListedWithItsSizeAndSloEtagIsNotSentAgain() throws Exception {
        byte[] bytes = randomBytes((int) (2 * MIB + 7));
        Path file = write(bytes);
        String sloEtag = sloEtagOf(bytes);
        Map<String, Object> entry = new HashMap<>(Map.of("name", "n", "bytes", bytes.length, "hash", "an-etag-of-the-manifest",
                "slo_etag", "\"" + sloEtag + "\""));

        StoredObject same = LargeObjects.sameAsListed("c", "n", file, bytes.length, largeObjects.segments("c", "n", file, Limits.DEFAULTS), entry);
        assertEquals(new StoredObject("c", "n", bytes.length, md5(bytes), sha256(bytes), sloEtag, true, same.nanos()), same);
        assertEquals(sloEtag, same.listedHash());

        entry.put("slo_etag", "\"" + md5(new byte[1]) + "\"");
        assertNull(LargeObjects.sameAsListed("c", "n", file, bytes.length, largeObjects.segments("c", "n", file, Limits.DEFAULTS), entry));
        entry.remove("slo_etag");
        entry.put("hash", md5(bytes));
        assertNull(LargeObjects.sameAsListed("c", "n", file, bytes.length, largeObjects.segments("c", "n", file, Limits.DEFAULTS), entry),
                "a plain object with the file's MD5 is not the large object");
    }

    @Test
    void aPutPassesOnlyWhenSwiftsEtagIsTheMd5OfWhatWasSent() throws Exception {
        byte[] bytes = randomBytes(100);
        FileRange body = new FileRange(write(bytes), 0, 100, false);
        assertEquals("the body was not sent whole", SwiftClient.sentMismatch(body, md5(bytes)));
        sent(body);
        assertEquals("Swift's ETag " + "0".repeat(32) + " is not the MD5 of the 100 bytes sent, " + md5(bytes),
                SwiftClient.sentMismatch(body, "0".repeat(32)));
        assertNull(SwiftClient.sentMismatch(body, md5(bytes).toUpperCase()));
        assertEquals("abc", SwiftClient.unquote("\"abc\""));
        assertEquals("abc", SwiftClient.unquote("abc"));
        assertNull(SwiftClient.unquote(null));
    }

    private String sloEtagOf(byte[] bytes) throws Exception {
        StringBuilder md5s = new StringBuilder();
        for (int offset = 0; offset < bytes.length; offset += (int) MIB) {
            md5s.append(md5(Arrays.copyOfRange(bytes, offset, (int) Math.min(bytes.length, offset + MIB))));
        }
        return md5(md5s.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static SwiftHttp.Answer info(int status, String body) {
        return new SwiftHttp.Answer(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(byte[] bytes) throws Exception {
        Path file = Files.createTempFile(dir, "big", "");
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, MTIME);
        return file;
    }

    static byte[] sent(org.apache.hc.core5.http.HttpEntity entity) throws Exception {
        assertTrue(entity.isRepeatable());
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        entity.writeTo(written);
        try (InputStream in = entity.getContent()) {
            assertArrayEquals(written.toByteArray(), in.readAllBytes(), "getContent() and writeTo() agree");
        }
        assertEquals(entity.getContentLength(), written.size());
        return written.toByteArray();
    }

    static byte[] randomBytes(int size) {
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
