package io.influxswiftbackup.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.http.FileRange.Checksums;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed PUT body: what it sends, and the MD5 and SHA-256 it computes on the way, afresh at each send. */
class FileRangeTest {

    @TempDir
    Path dir;

    @Test
    void theChecksumsAreThoseOfTheBytesSentAcrossManyBuffers() throws Exception {
        byte[] bytes = randomBytes(3 * FileRange.BUFFER + 17);
        Path file = write(bytes);
        FileRange whole = new FileRange(file, 0, bytes.length, true);
        assertNull(whole.checksums(), "nothing before a send");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        whole.writeTo(out);
        assertArrayEquals(bytes, out.toByteArray());
        assertEquals(new Checksums(bytes.length, hex("MD5", bytes), hex("SHA-256", bytes)), whole.checksums());

        byte[] middle = Arrays.copyOfRange(bytes, 1000, 1000 + FileRange.BUFFER + 5);
        FileRange range = new FileRange(file, 1000, middle.length, false);
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        range.writeTo(part);
        assertArrayEquals(middle, part.toByteArray());
        assertEquals(new Checksums(middle.length, hex("MD5", middle), null), range.checksums());
        assertEquals(range.checksums(), range.readChecksums(), "read without sending: the same");
    }

    @Test
    void aSendThatBreaksLeavesNoChecksumsAndARetryComputesThemAfresh() throws Exception {
        byte[] bytes = randomBytes(FileRange.BUFFER * 2);
        FileRange body = new FileRange(write(bytes), 0, bytes.length, true);
        body.writeTo(OutputStream.nullOutputStream());
        OutputStream breaking = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThrows(IOException.class, () -> body.writeTo(breaking));
        assertNull(body.checksums(), "a broken send is no proof of what went out");
        body.writeTo(OutputStream.nullOutputStream());
        assertEquals(hex("MD5", bytes), body.checksums().md5());
        assertEquals(hex("SHA-256", bytes), body.checksums().sha256());
    }

    @Test
    void aFileThatShrankFailsTheSend() throws Exception {
        byte[] bytes = randomBytes(1000);
        FileRange body = new FileRange(write(bytes), 0, 2000, true);
        assertThrows(IOException.class, () -> body.writeTo(OutputStream.nullOutputStream()));
        assertNull(body.checksums());
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = dir.resolve("file");
        Files.write(file, bytes);
        return file;
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }
}
