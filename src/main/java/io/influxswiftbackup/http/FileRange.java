package io.influxswiftbackup.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * An HTTP request body made of {@code length} bytes of a file from {@code offset} (a whole file, or
 * one segment of a large object), streamed from disk with a known Content-Length. The bytes are
 * digested as they go out (MD5, and SHA-256 when asked), so the checksums cost no read of their
 * own: {@link #checksums()} are those of the last complete send, to compare with the ETag Swift
 * answers. Repeatable (each send opens the file again and digests afresh), so a retry sends the
 * whole range again.
 */
public final class FileRange extends AbstractHttpEntity {

    /** Bytes read and written at a time: large, so a gigabyte costs few system calls. */
    static final int BUFFER = 256 * 1024;

    /** MD5 and SHA-256 (null when not asked for) of the bytes sent, in hex. */
    public record Checksums(long size, String md5, String sha256) {
    }

    private final Path file;
    private final long offset;
    private final long length;
    private final boolean sha256;
    private volatile Checksums checksums;

    public FileRange(Path file, long offset, long length, boolean sha256) {
        super(ContentType.APPLICATION_OCTET_STREAM, null);
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.sha256 = sha256;
    }

    public long offset() {
        return offset;
    }

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public boolean isRepeatable() {
        return true;
    }

    @Override
    public boolean isStreaming() {
        return false;
    }

    /** The checksums of the last complete send, or null before one. */
    public Checksums checksums() {
        return checksums;
    }

    /** The checksums of the range as it is on disk now, read without sending it. */
    public Checksums readChecksums() throws IOException {
        writeTo(OutputStream.nullOutputStream());
        return checksums;
    }

    @Override
    public InputStream getContent() throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
        InputStream in = Channels.newInputStream(channel);
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int from, int count) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(buffer, from, (int) Math.min(count, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        checksums = null;
        MessageDigest md5 = digest("MD5");
        MessageDigest sha = sha256 ? digest("SHA-256") : null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(BUFFER, length)));
            long position = offset;
            long end = offset + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException(file + " ended at " + position + ", before the range's end at " + end);
                }
                md5.update(buffer.array(), 0, n);
                if (sha != null) {
                    sha.update(buffer.array(), 0, n);
                }
                out.write(buffer.array(), 0, n);
                position += n;
            }
        }
        out.flush();
        checksums = new Checksums(length, hex(md5), sha == null ? null : hex(sha));
    }

    @Override
    public void close() {
        // each send opens and closes the file itself
    }

    @Override
    public String toString() {
        return file + " [" + offset + ", " + (offset + length) + ")";
    }

    /** The MD5 of a whole local file, in hex. */
    public static String md5(Path file) throws IOException {
        return new FileRange(file, 0, java.nio.file.Files.size(file), false).readChecksums().md5();
    }

    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
