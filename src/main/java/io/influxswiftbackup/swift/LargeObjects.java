package io.influxswiftbackup.swift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.http.FileRange.Checksums;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static Large Objects. A file above {@code swift.segment-size}, or above the largest object the
 * cluster takes (its {@code /info}), goes up as segments, then a manifest listing them. The names
 * are python-swiftclient's ({@code swift upload --use-slo}): segments in container
 * {@code <container>_segments}, named {@code <object>/slo/<mtime>/<size>/<segment size>/<%08d>}.
 * Swift answers a manifest's HEAD with the MD5 of the segments' MD5s as ETag, not the file's: the
 * file's own MD5 is kept on the manifest as {@code X-Object-Meta-Md5}, and downloads are checked
 * against it.
 */
public class LargeObjects {

    public static final String MD5_META = "X-Object-Meta-Md5";

    private static final Logger LOG = LoggerFactory.getLogger(LargeObjects.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the cluster takes: its largest object, whether it has static large objects, how many
     * segments a manifest may list, whether it has static symlinks ({@code symlink.static_links}).
     */
    public record Limits(long maxObjectSize, boolean staticLargeObjects, int maxSegments, boolean staticLinks, String source) {
        /** Swift's own defaults (5 GiB + 2 bytes, SLO with 1000 segments), assumed when /info does not answer; no links then. */
        public static final Limits DEFAULTS = new Limits(5_368_709_122L, true, 1000, false, "Swift's defaults");
    }

    /**
     * Segment {@code number} (1, 2, ...) of a large object: a range of the file, sent as its PUT body
     * (digested as it goes out); its MD5 is known once it was sent, or read ({@link FileRange}).
     */
    public record Segment(int number, String container, String name, FileRange body) {
        public long offset() {
            return body.offset();
        }

        public long length() {
            return body.getContentLength();
        }

        /** The MD5 of the segment as last sent or read, or null before. */
        public String md5() {
            return body.checksums() == null ? null : body.checksums().md5();
        }
    }

    private final long segmentSize;

    public LargeObjects(long segmentSize) {
        if (segmentSize <= 0) {
            throw new ConfigException("swift.segment-size must be above 0, not " + segmentSize);
        }
        this.segmentSize = segmentSize;
    }

    public long segmentSize() {
        return segmentSize;
    }

    /** The cluster's limits from its {@code GET /info} answer, or Swift's defaults when it did not answer with them. */
    static Limits limitsFrom(SwiftHttp.Answer info) {
        if (info.status() != 200) {
            LOG.info("Swift's /info answered {}: assuming Swift's default limits", info.status());
            return Limits.DEFAULTS;
        }
        try {
            JsonNode tree = JSON.readTree(info.body());
            JsonNode slo = tree.path("slo");
            return new Limits(tree.path("swift").path("max_file_size").asLong(Limits.DEFAULTS.maxObjectSize()),
                    !slo.isMissingNode(), slo.path("max_manifest_segments").asInt(Limits.DEFAULTS.maxSegments()),
                    tree.path("symlink").path("static_links").asBoolean(false), "Swift's /info");
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Swift's /info is not JSON ({}): assuming Swift's default limits", e.getMessage());
            return Limits.DEFAULTS;
        }
    }

    /** The segments of {@code file} as object {@code name} (ranges of the file), none when it goes up as one object; nothing is read. */
    List<Segment> segments(String container, String name, Path file, Limits limits) throws IOException {
        long size = Files.size(file);
        long size1 = segmentSizeFor(size, limits);
        FileTime modified = Files.getLastModifiedTime(file);
        List<Segment> segments = new ArrayList<>();
        for (long offset = 0; size1 > 0 && offset < size; offset += size1) {
            segments.add(new Segment(segments.size() + 1, segmentContainer(container),
                    segmentName(name, modified, size, size1, segments.size()),
                    new FileRange(file, offset, Math.min(size1, size - offset), false)));
        }
        return segments;
    }

    /**
     * The object as stored already, when the listing's {@code entry} shows it with the file's size and
     * checksum (the file is read for it only then: its MD5, or a large object's segments' MD5s against
     * its {@code slo_etag}); else null.
     */
    static StoredObject sameAsListed(String container, String name, Path file, long size, List<Segment> segments,
                                     Map<String, Object> entry) throws IOException {
        if (entry == null || !(entry.get("bytes") instanceof Number bytes) || bytes.longValue() != size) {
            return null;
        }
        long start = System.nanoTime();
        String sloEtag = null;
        if (segments.isEmpty()) {
            Checksums whole = new FileRange(file, 0, size, true).readChecksums();
            return whole.md5().equalsIgnoreCase(String.valueOf(entry.get("hash")))
                    ? new StoredObject(container, name, size, whole.md5(), whole.sha256(), null, true, System.nanoTime() - start)
                    : null;
        }
        for (Segment segment : segments) {
            segment.body().readChecksums();
        }
        sloEtag = sloEtag(segments);
        if (!sloEtag.equalsIgnoreCase(SwiftClient.unquote((String) entry.get("slo_etag")))) {
            return null;
        }
        Checksums whole = new FileRange(file, 0, size, true).readChecksums();
        return new StoredObject(container, name, size, whole.md5(), whole.sha256(), sloEtag, true, System.nanoTime() - start);
    }

    /** The segment size for a file of {@code size} bytes, or 0 when it goes up as one object. */
    public long segmentSizeFor(long size, Limits limits) {
        long largest = Math.min(segmentSize, limits.maxObjectSize());
        if (size <= largest) {
            return 0;
        }
        if (!limits.staticLargeObjects()) {
            throw new SwiftException("a file of " + size + " bytes is larger than " + largest
                    + " bytes, and this Swift offers no static large objects");
        }
        long size1 = largest;
        if (ceilDiv(size, size1) > limits.maxSegments()) {
            size1 = ceilDiv(size, limits.maxSegments());
            if (size1 > limits.maxObjectSize()) {
                throw new SwiftException("a file of " + size + " bytes does not fit in " + limits.maxSegments()
                        + " segments of at most " + limits.maxObjectSize() + " bytes");
            }
        }
        return size1;
    }

    public static String segmentContainer(String container) {
        return container + "_segments";
    }

    /** python-swiftclient's name: {@code <object>/slo/<mtime as %f>/<size>/<segment size>/<%08d, from 0>}. */
    public static String segmentName(String objectName, FileTime modified, long size, long segmentSize, int index) {
        Instant at = modified.toInstant();
        return String.format("%s/slo/%d.%06d/%d/%d/%08d", objectName, at.getEpochSecond(), at.getNano() / 1000,
                size, segmentSize, index);
    }

    /** The body of {@code PUT ?multipart-manifest=put}: each segment's path, MD5 and size, in order. */
    static String manifest(List<Segment> segments) throws JsonProcessingException {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Segment segment : segments) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", "/" + segment.container() + "/" + segment.name());
            entry.put("etag", segment.md5());
            entry.put("size_bytes", segment.length());
            entries.add(entry);
        }
        return JSON.writeValueAsString(entries);
    }

    /** The ETag Swift gives the manifest: the MD5 of the segments' MD5s (hex, one after the other). */
    public static String sloEtag(List<Segment> segments) {
        MessageDigest md5 = FileRange.digest("MD5");
        segments.forEach(s -> md5.update(s.md5().getBytes(StandardCharsets.US_ASCII)));
        return FileRange.hex(md5);
    }

    /** The prefix that names this upload's segments and no other's, for the log of an upload that failed. */
    static String segmentsPrefix(List<Segment> segments) {
        String first = segments.get(0).name();
        return first.substring(0, first.lastIndexOf('/') + 1);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
