package io.influxswiftbackup.backup;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayWrite;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One backup run, exchange property {@value #PROPERTY}: the day, the run's directory for
 * {@code influxd backup}, whether it was forced, and once the day is prepared, what Swift held of
 * its shards before the uploads and the run's writing into the day. Edited routes may read it:
 * {@code ${exchangeProperty.backup.day()}}, {@code runDir()}, {@code formatFlag()}, {@code files()}.
 */
public final class BackupRun {

    public static final String PROPERTY = "backup";

    private final Day day;
    private final Path runDir;
    private final String formatFlag;
    private final boolean force;
    private volatile Map<String, Map<String, Object>> listedBefore;
    private volatile DayWrite write;
    private volatile Map<String, Map<String, Object>> storeListing;

    BackupRun(Day day, Path runDir, String formatFlag, boolean force) {
        this.day = day;
        this.runDir = runDir;
        this.formatFlag = formatFlag;
        this.force = force;
    }

    public Day day() {
        return day;
    }

    /** The run's directory, as text (a Path would be read as a file by Camel's type converters). */
    public String runDir() {
        return runDir.toString();
    }

    Path dir() {
        return runDir;
    }

    /** {@code -portable}, or nothing for the runbook's legacy format. */
    public String formatFlag() {
        return formatFlag;
    }

    public boolean force() {
        return force;
    }

    /** The files {@code influxd backup} wrote for this run, by name. */
    public List<File> files() {
        try (Stream<Path> entries = Files.list(runDir)) {
            return entries.filter(Files::isRegularFile).sorted().map(Path::toFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir, e);
        }
    }

    public long totalBytes() {
        return files().stream().mapToLong(File::length).sum();
    }

    Map<String, Map<String, Object>> listedBefore() {
        return listedBefore;
    }

    DayWrite write() {
        return write;
    }

    /** What the content store held before the uploads, by name; null when shards go up as plain objects. */
    Map<String, Map<String, Object>> storeListing() {
        return storeListing;
    }

    void prepared(Map<String, Map<String, Object>> listedBefore, DayWrite write, Map<String, Map<String, Object>> storeListing) {
        this.listedBefore = listedBefore;
        this.write = write;
        this.storeListing = storeListing;
    }
}
