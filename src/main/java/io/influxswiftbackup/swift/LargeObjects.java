package io.influxswiftbackup.swift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.http.FileRange.Checksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
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
    public static final String CLUSTER_LIMITS = "clusterLimits";
    public static final String SEGMENTS = "segments";
    public static final String SEGMENT = "segment";
    public static final String SEGMENT_CONTAINER = "segmentContainer";
    public static final String SLO_ETAG = "sloEtag";

    private static final Logger LOG = LoggerFactory.getLogger(LargeObjects.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the cluster takes: its largest object, whether it has static large objects, how many segments a manifest may list. */
    public record Limits(long maxObjectSize, boolean staticLargeObjects, int maxSegments, String source) {
        /** Swift's own defaults (5 GiB + 2 bytes, SLO with 1000 segments), assumed when /info does not answer. */
        public static final Limits DEFAULTS = new Limits(5_368_709_122L, true, 1000, "Swift's defaults");
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

    /** The whole file's checksums, read while its segments go up (a future, property {@value #WHOLE_FILE}). */
    public static final String WHOLE_FILE = "wholeFileChecksums";

    private final long segmentSize;
    private final ExecutorService wholeFileReads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "whole-file-checksums");
        thread.setDaemon(true);
        return thread;
    });

    public LargeObjects(long segmentSize) {
        if (segmentSize <= 0) {
            throw new ConfigException("swift.segment-size must be above 0, not " + segmentSize);
        }
        this.segmentSize = segmentSize;
    }

    /** After {@code GET /info}: the cluster's limits, or Swift's defaults when it did not answer with them. */
    public void noteLimits(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Limits limits = Limits.DEFAULTS;
        if (status != null && status == 200) {
            try {
                JsonNode info = JSON.readTree(exchange.getMessage().getBody(String.class));
                JsonNode slo = info.path("slo");
                limits = new Limits(info.path("swift").path("max_file_size").asLong(Limits.DEFAULTS.maxObjectSize()),
                        !slo.isMissingNode(), slo.path("max_manifest_segments").asInt(Limits.DEFAULTS.maxSegments()),
                        "Swift's /info");
            } catch (JsonProcessingException | IllegalArgumentException e) {
                LOG.warn("Swift's /info is not JSON ({}): assuming Swift's default limits", e.getMessage());
            }
        } else {
            LOG.info("Swift's /info answered {}: assuming Swift's default limits", status);
        }
        exchange.setProperty(CLUSTER_LIMITS, limits);
        exchange.getMessage().setBody(null);
        LOG.info("Swift takes objects of up to {} bytes ({}); files above {} bytes go up as static large objects",
                limits.maxObjectSize(), limits.source(), Math.min(segmentSize, limits.maxObjectSize()));
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

    /**
     * Before the segments go up (in parallel, each digested as it is sent): the whole file's MD5 and
     * SHA-256 are read on another thread meanwhile, for the manifest's {@value #MD5_META}.
     */
    public void startWholeFileChecksums(Exchange exchange) {
        Path file = exchange.getProperty(UploadCheck.LOCAL_FILE, java.io.File.class).toPath();
        long size = exchange.getProperty(UploadCheck.LOCAL_SIZE, Long.class);
        exchange.setProperty(WHOLE_FILE, CompletableFuture.supplyAsync(() -> {
            try {
                return new FileRange(file, 0, size, true).readChecksums();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, wholeFileReads));
    }

    /** After a segment's PUT: Swift's ETag must be the MD5 of what was sent, or the upload fails (and its segments are deleted). */
    public void checkSegment(Exchange exchange, @ExchangeProperty(SEGMENT) Segment segment) {
        String problem = UploadCheck.sentMismatch(exchange, segment.body());
        if (problem != null) {
            throw new SwiftException("segment " + segment.number() + " of " + exchange.getProperty("objectName")
                    + " is corrupt in Swift: " + problem);
        }
    }

    /** Every segment stored: the manifest's ETag (from the segments' MD5s) and the whole file's checksums. */
    @SuppressWarnings("unchecked")
    public void segmentsStored(Exchange exchange) throws Exception {
        CompletableFuture<Checksums> whole = exchange.getProperty(WHOLE_FILE, CompletableFuture.class);
        try {
            UploadCheck.noteChecksums(exchange, whole.get());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause() : (Exception) e.getCause();
        }
        exchange.setProperty(SLO_ETAG, sloEtag(exchange.getProperty(SEGMENTS, List.class)));
    }

    /** The body of {@code PUT ?multipart-manifest=put}: each segment's path, MD5 and size, in order. */
    public String manifest(@ExchangeProperty(SEGMENTS) List<Segment> segments) throws JsonProcessingException {
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
    public String segmentsPrefix(@ExchangeProperty(SEGMENTS) List<Segment> segments) {
        String first = segments.get(0).name();
        return first.substring(0, first.lastIndexOf('/') + 1);
    }

    /**
     * Rethrows the failure of a large-object upload, once its segments are dealt with. It was retried
     * where it happened already: marked exhausted, as Camel marks a failure whose retries ran out, so
     * the step that called the upload does not start the whole upload again.
     */
    public void rethrow(Exchange exchange, @ExchangeProperty("uploadFailure") Exception failure) throws Exception {
        exchange.getExchangeExtension().setRedeliveryExhausted(true);
        throw failure;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
