package io.influxswiftbackup.restore;

import io.influxswiftbackup.files.LocalFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intermediary InfluxDB's meta, data and wal directories during a restore: the current ones
 * are moved aside ({@code <dir>.previous}) before anything is written, put back if the restore
 * fails, and deleted only once the restored database answers.
 */
public class IntermediaryDirs {

    private static final Logger LOG = LoggerFactory.getLogger(IntermediaryDirs.class);
    private static final String PREVIOUS = ".previous";

    private final List<Path> dirs;
    private final Path dataDir;

    public IntermediaryDirs(Path metaDir, Path dataDir, Path walDir) {
        this.dirs = List.of(metaDir, dataDir, walDir);
        this.dataDir = dataDir;
    }

    public String metaDir() {
        return dirs.get(0).toString();
    }

    public String dataDir() {
        return dataDir.toString();
    }

    /** Moves meta, data and wal aside and leaves empty directories of the same owner and mode. */
    public void moveAside() throws IOException {
        for (Path dir : List.of(dirs.get(0), dataDir)) {
            if (!Files.isDirectory(dir)) {
                throw new RestoreException(dir + " does not exist: influx.intermediary.metadir and .datadir must be the"
                        + " [meta] dir and [data] dir of the intermediary's influxdb.conf");
            }
        }
        for (Path dir : dirs) {
            Path previous = previous(dir);
            if (Files.exists(previous)) {
                throw new RestoreException(previous + " exists: an earlier restore was interrupted before it could"
                        + " clean up. Check which of " + dir + " and " + previous + " holds the good data, remove the"
                        + " other, and run the restore again");
            }
        }
        for (Path dir : dirs) {
            if (Files.exists(dir)) {
                PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
                Files.move(dir, previous(dir));
                Files.createDirectories(dir);
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                view.setPermissions(attributes.permissions());
                view.setOwner(attributes.owner());
                view.setGroup(attributes.group());
            } else {
                Files.createDirectories(dir);
            }
        }
        LOG.info("Moved the intermediary's directories aside: {} (each to <dir>{})", dirs, PREVIOUS);
    }

    /** After a failure: the restored files go, the previous directories come back. */
    public void putBack() throws IOException {
        for (Path dir : dirs) {
            Path previous = previous(dir);
            if (Files.exists(previous)) {
                LocalFiles.deleteTree(dir);
                Files.move(previous, dir);
            }
        }
        LOG.warn("Put the intermediary's previous meta, data and wal directories back");
    }

    /** After success: the previous directories are no longer needed. */
    public void discardPrevious() throws IOException {
        for (Path dir : dirs) {
            LocalFiles.deleteTree(previous(dir));
        }
    }

    /** Gives every restored file to the owner (user and group) of its directory, as influxd runs as that user. */
    public void giveToOwner() throws IOException {
        for (Path dir : dirs) {
            PosixFileAttributes owner = Files.readAttributes(dir, PosixFileAttributes.class);
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path path : tree.toList()) {
                    chown(path, owner.owner(), owner.group());
                }
            }
        }
    }

    private static void chown(Path path, UserPrincipal user, GroupPrincipal group) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes current = view.readAttributes();
        if (!current.owner().equals(user)) {
            view.setOwner(user);
        }
        if (!current.group().equals(group)) {
            view.setGroup(group);
        }
    }

    private static Path previous(Path dir) {
        return dir.resolveSibling(dir.getFileName() + PREVIOUS);
    }
}
