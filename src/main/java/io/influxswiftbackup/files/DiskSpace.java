package io.influxswiftbackup.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free space in work.dir, checked before any work that fills it: a backup needs about the size of
 * the database's directory in production's data dir ({@code influx.production.datadir/<database>},
 * read on the backup host), a restore the size of the day's objects (its listing); each times
 * {@code disk.free-margin-percent}. A shortage fails the run before anything is written.
 */
public class DiskSpace {

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);

    private final Path workDir;
    private final Path databaseDir;
    private final int marginPercent;

    public DiskSpace(Path workDir, Path productionDataDir, String database, int marginPercent) {
        this.workDir = workDir;
        this.databaseDir = productionDataDir.resolve(database);
        this.marginPercent = marginPercent;
    }

    /** Before influxd backup: the database's size on disk, times the margin. */
    public void requireForBackup() throws IOException {
        if (!Files.isDirectory(databaseDir)) {
            LOG.warn("Cannot estimate the backup's size: {} is not a directory on this host (influx.production.datadir);"
                    + " free space in {} not checked", databaseDir, workDir);
            return;
        }
        require(treeSize(databaseDir), "the backup", "the size of " + databaseDir);
    }

    /** Before the downloads of a restore: the day's objects, times the margin. */
    public void requireForDownload(long objectBytes) throws IOException {
        require(objectBytes, "the downloads", "the day's objects");
    }

    private void require(long base, String what, String basis) throws IOException {
        Files.createDirectories(workDir);
        long free = Files.getFileStore(workDir).getUsableSpace();
        long needed = (long) Math.ceil(base * (marginPercent / 100.0));
        if (free < needed) {
            throw new DiskSpaceException("not enough free space in " + workDir + " for " + what + ": " + free
                    + " bytes free, about " + needed + " needed (" + basis + ", " + base + " bytes, times "
                    + marginPercent + "% (disk.free-margin-percent))");
        }
        LOG.info("Free space in {}: {} bytes, {} needs about {}", workDir, free, what, needed);
    }

    static long treeSize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file removed meanwhile (a compaction)
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
    }

    /** Not enough free space: the run stops before it writes anything. */
    public static class DiskSpaceException extends RuntimeException {
        public DiskSpaceException(String message) {
            super(message);
        }
    }
}
