package io.influxswiftbackup.swift;

import static io.influxswiftbackup.swift.LargeObjectsTest.md5;
import static io.influxswiftbackup.swift.LargeObjectsTest.randomBytes;
import static io.influxswiftbackup.swift.LargeObjectsTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.LogLines;
import io.influxswiftbackup.swift.LargeObjects.Limits;
import io.influxswiftbackup.swift.LargeObjects.Segment;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A static large object's upload: segments, then the manifest; on any failure every segment goes, or one ERROR line names them. */
class LargeObjectUploadTest {

    static final int SEGMENT = 1000;
    static final String CONTAINER = "2016-06-11";
    static final String SEGMENTS = "2016-06-11_segments";
    static final String NAME = "2016-06-11/shards/big.00";

    @TempDir
    Path dir;

    final ExecutorService transfers = Executors.newFixedThreadPool(3);
    final FakeTarget swift = new FakeTarget();

    @AfterEach
    void stop() {
        transfers.shutdownNow();
    }

    /** Stores what it is sent; each call can be made to answer otherwise. */
    static final class FakeTarget implements LargeObjectUpload.Target {
        final Map<String, byte[]> stored = new ConcurrentHashMap<>();
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        volatile Function<Segment, String> etagOf = segment -> segment.md5();
        volatile RuntimeException manifestFailure;
        volatile RuntimeException deleteFailure;
        volatile String manifest;
        volatile String sloEtag;
        volatile String md5;

        @Override
        public void ensureContainer(String container) {
            events.add("container " + container);
        }

        @Override
        public String putSegment(Segment segment) {
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            try {
                segment.body().writeTo(sent);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stored.put(segment.container() + "/" + segment.name(), sent.toByteArray());
            events.add("segment " + segment.number());
            return etagOf.apply(segment);
        }

        @Override
        public void putManifest(String container, String name, String manifest, String sloEtag, String md5) {
            events.add("manifest " + container + "/" + name);
            if (manifestFailure != null) {
                throw manifestFailure;
            }
            this.manifest = manifest;
            this.sloEtag = sloEtag;
            this.md5 = md5;
        }

        @Override
        public void delete(String container, String name) {
            events.add("delete " + container + "/" + name);
            if (deleteFailure != null) {
                throw deleteFailure;
            }
            stored.remove(container + "/" + name);
        }

        List<String> events(String prefix) {
            synchronized (events) {
                return events.stream().filter(e -> e.startsWith(prefix)).toList();
            }
        }
    }

    private List<Segment> segmentsOf(Path file) throws IOException {
        return new LargeObjects(SEGMENT).segments(CONTAINER, NAME, file, Limits.DEFAULTS);
    }

    private Path file(byte[] bytes) throws IOException {
        Path file = dir.resolve("big.00");
        Files.write(file, bytes);
        return file;
    }

    private StoredObject upload(Path file, List<Segment> segments) throws IOException {
        return new LargeObjectUpload(swift, transfers).upload(CONTAINER, NAME, file, Files.size(file), segments, System.nanoTime());
    }

    private static List<String> deletesOf(List<Segment> segments) {
        return segments.stream().map(s -> "delete " + SEGMENTS + "/" + s.name()).sorted().toList();
    }

    @Test
    void everySegmentIsStoredThenTheManifestWithTheSloEtagAndTheFilesMd5() throws Exception {
        byte[] bytes = randomBytes(3 * SEGMENT + 17);
        Path file = file(bytes);
        List<Segment> segments = segmentsOf(file);
        assertEquals(4, segments.size());

        StoredObject stored = upload(file, segments);

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        StringBuilder md5s = new StringBuilder();
        for (Segment segment : segments) {
            byte[] part = swift.stored.get(SEGMENTS + "/" + segment.name());
            joined.write(part);
            md5s.append(md5(part));
        }
        assertArrayEquals(bytes, joined.toByteArray(), "the segments are the file");
        String sloEtag = md5(md5s.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals(sloEtag, swift.sloEtag);
        assertEquals(md5(bytes), swift.md5, "the whole file's MD5 goes on the manifest");
        assertEquals(new StoredObject(CONTAINER, NAME, bytes.length, md5(bytes), sha256(bytes), sloEtag, false, stored.nanos()),
                stored);
        assertEquals("container " + SEGMENTS, swift.events.get(0));
        assertEquals("manifest " + CONTAINER + "/" + NAME, swift.events.get(swift.events.size() - 1), "the manifest last");
        assertEquals(List.of(), swift.events("delete"));

        JsonNode manifest = new ObjectMapper().readTree(swift.manifest);
        assertEquals(4, manifest.size());
        for (int i = 0; i < 4; i++) {
            assertEquals("/" + SEGMENTS + "/" + segments.get(i).name(), manifest.get(i).path("path").asText());
            assertEquals(segments.get(i).md5(), manifest.get(i).path("etag").asText());
            assertEquals(i < 3 ? SEGMENT : 17, manifest.get(i).path("size_bytes").asLong());
        }
    }

    @Test
    void aSegmentSwiftStoredOtherwiseFailsTheUploadAndEverySegmentIsDeleted() throws Exception {
        Path file = file(randomBytes(3 * SEGMENT + 17));
        List<Segment> segments = segmentsOf(file);
        swift.etagOf = segment -> segment.number() == 2 ? "0".repeat(32) : segment.md5();

        SwiftException failed = assertThrows(SwiftException.class, () -> upload(file, segments));

        assertTrue(failed.getMessage().startsWith("segment 2 of " + NAME + " is corrupt in Swift: Swift's ETag " + "0".repeat(32)),
                failed.getMessage());
        assertEquals(List.of(), swift.events("manifest"), "no manifest");
        assertEquals(deletesOf(segments), swift.events("delete").stream().sorted().toList(), "each segment once");
        assertEquals(Map.of(), swift.stored);
    }

    @Test
    void aManifestSwiftRefusedFailsTheUploadAsItFailedAndEverySegmentIsDeleted() throws Exception {
        Path file = file(randomBytes(2 * SEGMENT + 1));
        List<Segment> segments = segmentsOf(file);
        SwiftUnavailableException refused = new SwiftUnavailableException("upload of the manifest of " + NAME
                + ": Swift answered 503", 7000L, null);
        swift.manifestFailure = refused;

        assertSame(refused, assertThrows(SwiftUnavailableException.class, () -> upload(file, segments)),
                "the error policy sees the failure as it was, and retries it");

        assertEquals(deletesOf(segments), swift.events("delete").stream().sorted().toList());
        assertEquals(Map.of(), swift.stored);
    }

    @Test
    void segmentsThatCannotBeDeletedAreNamedInOneErrorLineWithTheCommandThatDeletesThem() throws Exception {
        Path file = file(randomBytes(2 * SEGMENT + 1));
        List<Segment> segments = segmentsOf(file);
        SwiftUnavailableException refused = new SwiftUnavailableException("upload of the manifest: Swift answered 503");
        swift.manifestFailure = refused;
        swift.deleteFailure = new SwiftUnavailableException("cannot reach Swift at http://127.0.0.1:1: connection refused");

        try (LogLines log = new LogLines(LargeObjectUpload.class)) {
            assertSame(refused, assertThrows(SwiftUnavailableException.class, () -> upload(file, segments)));

            List<String> errors = log.containing("ERROR");
            assertEquals(1, errors.size(), log.all().toString());
            String prefix = NAME + "/slo/" + segments.get(0).name().split("/slo/")[1].replace("/00000000", "/");
            assertEquals("ERROR Orphaned segments: the segments of the failed upload of " + NAME + " could not be deleted"
                    + " (cannot reach Swift at http://127.0.0.1:1: connection refused); delete them with: swift delete "
                    + SEGMENTS + " --prefix " + prefix, errors.get(0));
        }
        assertEquals(3, swift.stored.size(), "still there");
        assertNull(swift.manifest);
    }

    @Test
    void aFileChangedWhileItWasReadFailsAndItsSegmentsGo() throws Exception {
        Path file = file(randomBytes(2 * SEGMENT + 1));
        List<Segment> segments = segmentsOf(file);
        Files.write(file, randomBytes(SEGMENT)); // shorter than its segments say

        assertThrows(RuntimeException.class, () -> upload(file, segments));

        assertEquals(List.of(), swift.events("manifest"));
        assertEquals(deletesOf(segments), swift.events("delete").stream().sorted().toList());
        assertEquals(new TreeMap<>(), new TreeMap<>(swift.stored));
    }
}
