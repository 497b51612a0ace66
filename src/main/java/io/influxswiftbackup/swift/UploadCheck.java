package io.influxswiftbackup.swift;

import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.monitor.Rates;
import io.influxswiftbackup.swift.LargeObjects.Limits;
import io.influxswiftbackup.swift.LargeObjects.Segment;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Checksums for uploads. Before the PUT: size and MD5 of the local file (the MD5 goes out as
 * {@code ETag}, so Swift itself refuses a body that arrives different, with 422), and for a file
 * that goes up as a static large object ({@link LargeObjects}) the MD5 of each segment too, all in
 * one read of the file. After it: the object's HEAD must show the same size and MD5; for a large
 * object, its ETag must be the MD5 of the segments' MD5s and {@code X-Object-Meta-Md5} the file's.
 */
public class UploadCheck {

    public static final String LOCAL_FILE = "localFile";
    public static final String LOCAL_SIZE = "localSize";
    public static final String LOCAL_MD5 = "localMd5";
    /** The local file's SHA-256, for the day's manifest (computed in the same read as the MD5). */
    public static final String LOCAL_SHA256 = "localSha256";
    /** When the transfer started (System.nanoTime()), and after it: its rate and the run's progress. */
    public static final String TRANSFER_START = "transferStart";
    public static final String TRANSFER_RATE = "transferRate";
    public static final String PROGRESS = "progress";
    public static final String ALREADY_STORED = "alreadyStored";

    private static final int BUFFER = 1 << 16;
    private final LargeObjects largeObjects;

    public UploadCheck(LargeObjects largeObjects) {
        this.largeObjects = largeObjects;
    }

    public void describeLocal(Exchange exchange) throws IOException {
        Path file = exchange.getProperty(LOCAL_FILE, File.class).toPath();
        String container = exchange.getProperty("container", String.class);
        String objectName = exchange.getProperty("objectName", String.class);
        long size = Files.size(file);
        Limits limits = exchange.getProperty(LargeObjects.CLUSTER_LIMITS, Limits.DEFAULTS, Limits.class);
        long segmentSize = largeObjects.segmentSizeFor(size, limits);
        String segmentContainer = LargeObjects.segmentContainer(container);
        FileTime modified = Files.getLastModifiedTime(file);

        MessageDigest whole = md5Digest();
        MessageDigest sha256 = sha256Digest();
        List<Segment> segments = new ArrayList<>();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            long offset = 0;
            do {
                long length = segmentSize == 0 ? size - offset : Math.min(segmentSize, size - offset);
                MessageDigest part = md5Digest();
                for (long left = length; left > 0; ) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new IOException(file + " became shorter while its checksums were computed");
                    }
                    whole.update(buffer, 0, n);
                    sha256.update(buffer, 0, n);
                    part.update(buffer, 0, n);
                    left -= n;
                }
                if (segmentSize > 0) {
                    segments.add(new Segment(segments.size() + 1, segmentContainer,
                            LargeObjects.segmentName(objectName, modified, size, segmentSize, segments.size()),
                            file, offset, length, HexFormat.of().formatHex(part.digest())));
                }
                offset += length;
            } while (offset < size);
        }
        exchange.setProperty(LOCAL_SIZE, size);
        exchange.setProperty(LOCAL_MD5, HexFormat.of().formatHex(whole.digest()));
        exchange.setProperty(LOCAL_SHA256, HexFormat.of().formatHex(sha256.digest()));
        exchange.setProperty(LargeObjects.SEGMENTS, segments);
        exchange.setProperty(LargeObjects.SEGMENT_CONTAINER, segmentContainer);
        exchange.setProperty(LargeObjects.SLO_ETAG, segments.isEmpty() ? null : LargeObjects.sloEtag(segments));
        exchange.setProperty(TRANSFER_START, System.nanoTime());
    }

    /** After the HEAD of the upload's object: the object verified, or the upload fails. */
    public void verifyStored(Exchange exchange) {
        String mismatch = mismatch(exchange);
        if (mismatch != null) {
            throw new SwiftException(mismatch);
        }
        transferred(exchange, exchange.getProperty(LOCAL_SIZE, Long.class));
    }

    /**
     * After a HEAD of the object before the upload (200, or 404 when there is none): property
     * {@value #ALREADY_STORED} true when Swift holds it already, identical (same size and MD5, the
     * same kind of object): then it is not uploaded again.
     */
    public void noteAlreadyStored(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        exchange.setProperty(ALREADY_STORED, status != null && status != 404 && mismatch(exchange) == null);
    }

    /** Why the object Swift describes (HEAD answer) is not the local file, or null when it is. */
    @SuppressWarnings("unchecked")
    private static String mismatch(Exchange exchange) {
        Message message = exchange.getMessage();
        String object = exchange.getProperty("objectName") + " in container " + exchange.getProperty("container");
        long localSize = exchange.getProperty(LOCAL_SIZE, Long.class);
        String localMd5 = exchange.getProperty(LOCAL_MD5, String.class);
        List<Segment> segments = exchange.getProperty(LargeObjects.SEGMENTS, List.class);
        Long storedSize = message.getHeader("Content-Length", Long.class);
        String storedEtag = unquote(message.getHeader("Etag", String.class));
        boolean large = isStaticLargeObject(message);
        if (storedSize == null || storedSize != localSize) {
            return "verification of " + object + " failed: Swift holds " + storedSize
                    + " bytes, the local file has " + localSize;
        }
        if (segments.isEmpty()) {
            if (large || !localMd5.equalsIgnoreCase(storedEtag)) {
                return "verification of " + object + " failed: Swift's MD5 " + storedEtag
                        + (large ? " is a large object's" : "") + " differs from the local file's " + localMd5;
            }
            return null;
        }
        String sloEtag = exchange.getProperty(LargeObjects.SLO_ETAG, String.class);
        String keptMd5 = message.getHeader(LargeObjects.MD5_META, String.class);
        if (!large || !sloEtag.equalsIgnoreCase(storedEtag)) {
            return "verification of " + object + " failed: expected a static large object of "
                    + segments.size() + " segments with ETag " + sloEtag + ", Swift holds " + (large ? "one with ETag " + storedEtag : "a plain object");
        }
        if (!localMd5.equalsIgnoreCase(keptMd5)) {
            return "verification of " + object + " failed: its " + LargeObjects.MD5_META + " is "
                    + keptMd5 + ", the local file's MD5 " + localMd5;
        }
        return null;
    }

    /** A verified transfer of {@code bytes}: its rate, and what the job moved so far, for the log line. */
    static void transferred(Exchange exchange, long bytes) {
        Long start = exchange.getProperty(TRANSFER_START, Long.class);
        exchange.setProperty(TRANSFER_RATE, Rates.perSecond(bytes, start == null ? 0 : System.nanoTime() - start));
        JobRun.noteFile(exchange, bytes);
        exchange.setProperty(PROGRESS, JobRun.of(exchange).map(run -> "; so far " + run.moved()).orElse(""));
    }

    /** Whether a HEAD or GET answer is a static large object's manifest (True in any case). */
    static boolean isStaticLargeObject(Message message) {
        return "true".equalsIgnoreCase(message.getHeader("X-Static-Large-Object", String.class));
    }

    /** The MD5 of a whole local file, in hex. */
    public static String md5(File file) throws IOException {
        MessageDigest digest = md5Digest();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file.toPath())) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
