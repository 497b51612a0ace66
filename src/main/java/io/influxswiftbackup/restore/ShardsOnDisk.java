package io.influxswiftbackup.restore;

import io.influxswiftbackup.influx.InfluxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code influxd restore -online} and {@code -portable} return before the server has written the
 * shards (a restart right after lost whole shards in 5 of 6 tries, on 1.6.7). So after them, wait
 * until every shard archive of the backup has a shard directory with data files under the database.
 * Shard ids may change on the way, and compactions merge files, so shard directories are counted.
 */
public class ShardsOnDisk {

    private static final Logger LOG = LoggerFactory.getLogger(ShardsOnDisk.class);
    private final long timeoutMs;

    public ShardsOnDisk(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public void await(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) throws IOException, InterruptedException {
        long expected = archivesWithData(Path.of(run.downloadDir()));
        String database = run.database();
        Path databaseDir = Path.of(run.target().dataDir()).resolve(database);
        Instant deadline = Instant.now().plusMillis(timeoutMs);
        long found;
        do {
            found = shardDirsWithData(databaseDir);
            if (found >= expected) {
                LOG.info("All {} restored shards of {} are on disk", expected, database);
                return;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new InfluxException("after the online restore only " + found + " of " + expected
                + " shards of " + database + " reached " + databaseDir + " within " + timeoutMs / 1000 + " s");
    }

    private static long archivesWithData(Path downloadDir) throws IOException {
        List<Path> archives;
        try (Stream<Path> files = Files.list(downloadDir)) {
            archives = files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".tar.gz") || BackupFormat.isLegacyShard(name);
            }).toList();
        }
        long count = 0;
        for (Path archive : archives) {
            if (TarEntries.names(archive).stream().anyMatch(n -> n.endsWith(".tsm"))) {
                count++;
            }
        }
        return count;
    }

    private static long shardDirsWithData(Path databaseDir) throws IOException {
        if (!Files.isDirectory(databaseDir)) {
            return 0;
        }
        try (Stream<Path> tree = Files.walk(databaseDir, 2)) {
            return tree.filter(p -> p.getNameCount() == databaseDir.getNameCount() + 2 && Files.isDirectory(p))
                    .filter(ShardsOnDisk::holdsTsm).count();
        }
    }

    private static boolean holdsTsm(Path shardDir) {
        try (Stream<Path> files = Files.list(shardDir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tsm"));
        } catch (IOException e) {
            return false;
        }
    }
}
