package io.influxswiftbackup.swift;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.monitor.Rates;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Checksums for uploads. Before the PUT: size and MD5 of the local file (the MD5 goes out as
 * {@code ETag}, so Swift itself refuses a body that arrives different, with 422). After it: the
 * object's HEAD must show the same size and MD5.
 */
public class UploadCheck {

    public static final String LOCAL_FILE = "localFile";
    public static final String LOCAL_SIZE = "localSize";
    public static final String LOCAL_MD5 = "localMd5";
    /** When the transfer started (System.nanoTime()), and after it: its rate and the run's progress. */
    public static final String TRANSFER_START = "transferStart";
    public static final String TRANSFER_RATE = "transferRate";
    public static final String PROGRESS = "progress";

    public void describeLocal(Exchange exchange) throws IOException {
        File file = exchange.getProperty(LOCAL_FILE, File.class);
        exchange.setProperty(LOCAL_SIZE, Files.size(file.toPath()));
        exchange.setProperty(LOCAL_MD5, md5(file));
        exchange.setProperty(TRANSFER_START, System.nanoTime());
    }

    public void verifyStored(Exchange exchange) {
        Message message = exchange.getMessage();
        String object = exchange.getProperty("objectName") + " in container " + exchange.getProperty("container");
        long localSize = exchange.getProperty(LOCAL_SIZE, Long.class);
        String localMd5 = exchange.getProperty(LOCAL_MD5, String.class);
        Long storedSize = message.getHeader("Content-Length", Long.class);
        String storedEtag = unquote(message.getHeader("Etag", String.class));
        if (storedSize == null || storedSize != localSize) {
            throw new SwiftException("verification of " + object + " failed: Swift holds " + storedSize
                    + " bytes, the local file has " + localSize);
        }
        if (!localMd5.equalsIgnoreCase(storedEtag)) {
            throw new SwiftException("verification of " + object + " failed: Swift's MD5 " + storedEtag
                    + " differs from the local file's " + localMd5);
        }
        transferred(exchange, localSize);
    }

    /** A verified transfer of {@code bytes}: its rate, and what the job moved so far, for the log line. */
    static void transferred(Exchange exchange, long bytes) {
        Long start = exchange.getProperty(TRANSFER_START, Long.class);
        exchange.setProperty(TRANSFER_RATE, Rates.perSecond(bytes, start == null ? 0 : System.nanoTime() - start));
        JobRun.noteFile(exchange, bytes);
        exchange.setProperty(PROGRESS, JobRun.of(exchange).map(run -> "; so far " + run.moved()).orElse(""));
    }

    public static String md5(File file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file.toPath())) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
