package io.influxswiftbackup.swift;

import io.influxswiftbackup.http.FileRange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes a GET response to its file while computing its MD5 (and SHA-256, property {@value #DOWNLOADED_SHA256}), and keeps it only if size and MD5
 * match what Swift announced: Content-Length, and the ETag, or for a static large object (whose
 * ETag is not the file's MD5) the file's own MD5 kept on its manifest as {@code X-Object-Meta-Md5}.
 * The bytes go to {@code <file>.part} and are renamed only when verified, so a failed download
 * never leaves a file under its final name.
 */
public class DownloadCheck {

    public static final String TARGET_FILE = "targetFile";
    /** The SHA-256 of the bytes received, in hex, once they are verified. */
    public static final String DOWNLOADED_SHA256 = "downloadedSha256";
    /** Bytes read and written at a time: large, so a gigabyte costs few system calls. */
    private static final int BUFFER = 256 * 1024;

    public void save(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        Path target = Path.of(exchange.getProperty(TARGET_FILE, String.class));
        String object = exchange.getProperty("objectName") + " in container " + exchange.getProperty("container");
        Long announcedSize = message.getHeader("Content-Length", Long.class);
        boolean largeObject = UploadCheck.isStaticLargeObject(message) || message.getHeader("X-Object-Manifest") != null;
        String announcedMd5 = largeObject ? message.getHeader(LargeObjects.MD5_META, String.class)
                : UploadCheck.unquote(message.getHeader("Etag", String.class));
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        MessageDigest md5 = FileRange.digest("MD5");
        MessageDigest sha256 = FileRange.digest("SHA-256");
        exchange.setProperty(UploadCheck.TRANSFER_START, System.nanoTime());
        long size = 0;
        try (InputStream body = message.getBody(InputStream.class);
             OutputStream out = Files.newOutputStream(part)) {
            if (body == null) {
                throw new SwiftException("download of " + object + " returned no body");
            }
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                md5.update(buffer, 0, n);
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
                size += n;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        String actualMd5 = FileRange.hex(md5);
        String problem = null;
        if (announcedSize != null && announcedSize != size) {
            problem = "received " + size + " bytes, Swift announced " + announcedSize;
        } else if (largeObject && announcedMd5 == null) {
            problem = "it is a static large object without " + LargeObjects.MD5_META + ", so its MD5 cannot be checked";
        } else if (!actualMd5.equalsIgnoreCase(announcedMd5)) {
            problem = "MD5 of the bytes received is " + actualMd5 + ", " + (largeObject ? "its " + LargeObjects.MD5_META
                    : "Swift's ETag") + " is " + announcedMd5;
        }
        if (problem != null) {
            Files.deleteIfExists(part);
            throw new SwiftException("download of " + object + " is corrupt: " + problem);
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        exchange.setProperty("downloadedBytes", size);
        exchange.setProperty(DOWNLOADED_SHA256, FileRange.hex(sha256));
        UploadCheck.transferred(exchange, size);
        message.setBody(null);
    }
}
