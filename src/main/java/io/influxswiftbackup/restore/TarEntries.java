package io.influxswiftbackup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The names of the files in a (gzipped) tar archive, read from its 512-byte headers. */
final class TarEntries {

    private TarEntries() {
    }

    static List<String> names(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(archive);
             InputStream in = archive.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                long size = Long.parseLong(text(header, 124, 12).strip().isEmpty() ? "0" : text(header, 124, 12).strip(), 8);
                names.add(prefix.isEmpty() ? name : prefix + "/" + name);
                long padded = (size + 511) / 512 * 512;
                in.skipNBytes(padded);
            }
        }
        return names;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }
}
