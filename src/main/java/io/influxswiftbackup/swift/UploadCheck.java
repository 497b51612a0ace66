package io.influxswiftbackup.swift;

import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.http.FileRange.Checksums;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.monitor.Rates;
import io.influxswiftbackup.swift.LargeObjects.Limits;
import io.influxswiftbackup.swift.LargeObjects.Segment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checksums for uploads, computed while the bytes go out ({@link FileRange}), never in a read of
 * their own before the PUT. Swift answers a PUT with the MD5 of what it stored as ETag: it must be
 * the MD5 of what was sent, or the object is deleted and the upload fails. The MD5 and SHA-256 of
 * the file are then properties {@value #LOCAL_MD5} and {@value #LOCAL_SHA256} (for the day's
 * manifest). A large object's segments are checked the same way, each against its own PUT's ETag
 * ({@link LargeObjects}).
 *
 * <p>Re-runs: one listing of the day's prefix before the uploads ({@link #rememberStored}); a file
 * whose object is listed with the same size is read for its checksums, and not uploaded again when
 * they match (the listing's hash, or a large object's {@code slo_etag}). After the uploads, one more
 * listing must show every object with the size and hash its upload was checked against
 * ({@link #verifyListing}), as the runbook's {@code swift list} does.
 */
public class UploadCheck {

    public static final String LOCAL_FILE = "localFile";
    public static final String LOCAL_SIZE = "localSize";
    public static final String LOCAL_MD5 = "localMd5";
    public static final String LOCAL_SHA256 = "localSha256";
    /** When the transfer started (System.nanoTime()), and after it: its rate and the run's progress. */
    public static final String TRANSFER_START = "transferStart";
    public static final String TRANSFER_RATE = "transferRate";
    public static final String PROGRESS = "progress";
    public static final String ALREADY_STORED = "alreadyStored";
    /** The listing of the prefix before the uploads (name to entry), and what the uploads stored (name to listing entry expected). */
    public static final String STORED_OBJECTS = "storedObjects";
    public static final String UPLOADED_OBJECTS = "uploadedObjects";
    public static final String UPLOAD_BODY = "uploadBody";
    /** Why a PUT's answer does not match what was sent (then the object is deleted), or unset. */
    public static final String UPLOAD_MISMATCH = "uploadMismatch";

    private static final Logger LOG = LoggerFactory.getLogger(UploadCheck.class);

    /** What a listing must show for an object this run stored: its size, and its hash (a large object's SLO ETag). */
    record Expected(long bytes, String hash, boolean large) {
    }

    private final LargeObjects largeObjects;

    public UploadCheck(LargeObjects largeObjects) {
        this.largeObjects = largeObjects;
    }

    /** Before the uploads: the listing of their prefix, so that identical objects are not sent again. */
    public void rememberStored(Exchange exchange, List<Map<String, Object>> listing) {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        listing.forEach(entry -> byName.put(String.valueOf(entry.get("name")), entry));
        exchange.setProperty(STORED_OBJECTS, byName);
        exchange.setProperty(UPLOADED_OBJECTS, new ConcurrentHashMap<String, Expected>());
    }

    /** The local file's size and, above the segment size, its segments (ranges of the file); nothing is read. */
    public void describeLocal(Exchange exchange) throws IOException {
        Path file = exchange.getProperty(LOCAL_FILE, File.class).toPath();
        String container = exchange.getProperty("container", String.class);
        String objectName = exchange.getProperty("objectName", String.class);
        long size = Files.size(file);
        Limits limits = exchange.getProperty(LargeObjects.CLUSTER_LIMITS, Limits.DEFAULTS, Limits.class);
        long segmentSize = largeObjects.segmentSizeFor(size, limits);
        String segmentContainer = LargeObjects.segmentContainer(container);
        FileTime modified = Files.getLastModifiedTime(file);
        List<Segment> segments = new ArrayList<>();
        for (long offset = 0; segmentSize > 0 && offset < size; offset += segmentSize) {
            segments.add(new Segment(segments.size() + 1, segmentContainer,
                    LargeObjects.segmentName(objectName, modified, size, segmentSize, segments.size()),
                    new FileRange(file, offset, Math.min(segmentSize, size - offset), false)));
        }
        exchange.setProperty(LOCAL_SIZE, size);
        exchange.removeProperty(LOCAL_MD5);
        exchange.removeProperty(LOCAL_SHA256);
        exchange.removeProperty(UPLOAD_MISMATCH);
        exchange.setProperty(LargeObjects.SEGMENTS, segments);
        exchange.setProperty(LargeObjects.SEGMENT_CONTAINER, segmentContainer);
        exchange.setProperty(LargeObjects.SLO_ETAG, null);
        exchange.setProperty(TRANSFER_START, System.nanoTime());
    }

    /**
     * Property {@value #ALREADY_STORED}: true when the listing taken before the uploads holds the
     * object with the file's size and checksum (the file is read for it only then), so it is not
     * uploaded again.
     */
    @SuppressWarnings("unchecked")
    public void noteAlreadyStored(Exchange exchange) throws IOException {
        Map<String, Map<String, Object>> stored = exchange.getProperty(STORED_OBJECTS, Map.class);
        String name = exchange.getProperty("objectName", String.class);
        long size = exchange.getProperty(LOCAL_SIZE, Long.class);
        Map<String, Object> entry = stored == null ? null : stored.get(name);
        boolean same = false;
        if (entry != null && entry.get("bytes") instanceof Number bytes && bytes.longValue() == size) {
            List<Segment> segments = exchange.getProperty(LargeObjects.SEGMENTS, List.class);
            Path file = exchange.getProperty(LOCAL_FILE, File.class).toPath();
            String sloEtag = null;
            Checksums whole = null;
            if (segments.isEmpty()) {
                whole = new FileRange(file, 0, size, true).readChecksums();
                same = whole.md5().equalsIgnoreCase(String.valueOf(entry.get("hash")));
            } else {
                for (Segment segment : segments) {
                    segment.body().readChecksums();
                }
                sloEtag = LargeObjects.sloEtag(segments);
                same = sloEtag.equalsIgnoreCase(unquote((String) entry.get("slo_etag")));
                whole = same ? new FileRange(file, 0, size, true).readChecksums() : null;
            }
            if (same) {
                exchange.setProperty(LargeObjects.SLO_ETAG, sloEtag);
                noteChecksums(exchange, whole);
            }
        }
        exchange.setProperty(ALREADY_STORED, same);
    }

    /** The PUT body of a plain object: the whole file, digested as it goes out. */
    public FileRange body(Exchange exchange) {
        FileRange body = new FileRange(exchange.getProperty(LOCAL_FILE, File.class).toPath(), 0,
                exchange.getProperty(LOCAL_SIZE, Long.class), true);
        exchange.setProperty(UPLOAD_BODY, body);
        return body;
    }

    /** After the PUT of a plain object: its ETag must be the MD5 of what was sent; else property {@value #UPLOAD_MISMATCH}. */
    public void checkPut(Exchange exchange) {
        FileRange body = exchange.getProperty(UPLOAD_BODY, FileRange.class);
        String problem = sentMismatch(exchange, body);
        if (problem != null) {
            exchange.setProperty(UPLOAD_MISMATCH, "upload of " + exchange.getProperty("objectName") + " in container "
                    + exchange.getProperty("container") + " is corrupt: " + problem);
        } else {
            noteChecksums(exchange, body.checksums());
        }
        exchange.removeProperty(UPLOAD_BODY);
    }

    /** After the corrupt object was deleted: the upload fails. */
    public void failMismatch(@ExchangeProperty(UPLOAD_MISMATCH) String mismatch) {
        throw new SwiftException(mismatch + "; the object was deleted");
    }

    /** Why the answer to the PUT of {@code body} shows other bytes than were sent, or null when it does not. */
    static String sentMismatch(Exchange exchange, FileRange body) {
        Checksums sent = body.checksums();
        String etag = unquote(exchange.getMessage().getHeader("Etag", String.class));
        if (sent == null) {
            return "the body was not sent whole";
        }
        if (!sent.md5().equalsIgnoreCase(etag)) {
            return "Swift's ETag " + etag + " is not the MD5 of the " + sent.size() + " bytes sent, " + sent.md5();
        }
        return null;
    }

    static void noteChecksums(Exchange exchange, Checksums checksums) {
        exchange.setProperty(LOCAL_MD5, checksums.md5());
        exchange.setProperty(LOCAL_SHA256, checksums.sha256());
    }

    /** The object is stored and checked (or was there already): what the final listing must show, the rate, the progress. */
    @SuppressWarnings("unchecked")
    public void verified(Exchange exchange) {
        long size = exchange.getProperty(LOCAL_SIZE, Long.class);
        String sloEtag = exchange.getProperty(LargeObjects.SLO_ETAG, String.class);
        Map<String, Expected> uploaded = exchange.getProperty(UPLOADED_OBJECTS, Map.class);
        if (uploaded != null) {
            uploaded.put(exchange.getProperty("objectName", String.class), new Expected(size,
                    sloEtag != null ? sloEtag : exchange.getProperty(LOCAL_MD5, String.class), sloEtag != null));
        }
        transferred(exchange, size);
    }

    /**
     * After the uploads, the listing of their prefix: every object stored is in it, with its size and
     * hash; if not, a {@link SwiftUnavailableException}, so the listing is taken again (it may lag).
     */
    @SuppressWarnings("unchecked")
    public void verifyListing(Exchange exchange, List<Map<String, Object>> listing) {
        Map<String, Expected> uploaded = new TreeMap<>(exchange.getProperty(UPLOADED_OBJECTS, Map.class));
        Map<String, Map<String, Object>> byName = new HashMap<>();
        listing.forEach(entry -> byName.put(String.valueOf(entry.get("name")), entry));
        List<String> problems = new ArrayList<>();
        uploaded.forEach((name, expected) -> {
            Map<String, Object> entry = byName.get(name);
            if (entry == null) {
                problems.add(name + " is not listed");
                return;
            }
            long bytes = entry.get("bytes") instanceof Number n ? n.longValue() : -1;
            String hash = expected.large() ? unquote((String) entry.get("slo_etag")) : (String) entry.get("hash");
            if (bytes != expected.bytes() || !expected.hash().equalsIgnoreCase(hash)) {
                problems.add(name + " is listed with " + bytes + " bytes and hash " + hash + ", not "
                        + expected.bytes() + " bytes and " + expected.hash());
            }
        });
        if (!problems.isEmpty()) {
            // Retried (the listing may lag behind the PUTs), then the run fails with it.
            throw new SwiftUnavailableException("verification of container " + exchange.getProperty("container")
                    + " failed: " + String.join("; ", problems));
        }
        LOG.info("Listing of {} in container {}: all {} objects there with their size and MD5",
                exchange.getProperty("prefix"), exchange.getProperty("container"), uploaded.size());
    }

    /** A verified transfer of {@code bytes}: its rate, and what the job moved so far, for the log line. */
    static void transferred(Exchange exchange, long bytes) {
        Long start = exchange.getProperty(TRANSFER_START, Long.class);
        exchange.setProperty(TRANSFER_RATE, Rates.perSecond(bytes, start == null ? 0 : System.nanoTime() - start));
        JobRun.noteFile(exchange, bytes);
        exchange.setProperty(PROGRESS, JobRun.of(exchange).map(run -> "; so far " + run.moved()).orElse(""));
    }

    /** Whether a HEAD or GET answer is a static large object's manifest (True in any case). */
    static boolean isStaticLargeObject(org.apache.camel.Message message) {
        return "true".equalsIgnoreCase(message.getHeader("X-Static-Large-Object", String.class));
    }

    /** The MD5 of a whole local file, in hex. */
    public static String md5(File file) throws IOException {
        return new FileRange(file.toPath(), 0, Files.size(file.toPath()), false).readChecksums().md5();
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
