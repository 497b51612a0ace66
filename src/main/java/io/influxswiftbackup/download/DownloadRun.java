package io.influxswiftbackup.download;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.swift.Listed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One run of download-dumps or fetch-shards, exchange property {@value #PROPERTY}: where the files
 * go and how (--force, the layout), which kind of the days' objects, the measurement asked for, the
 * objects listed to download and the outcome of each. Edited routes may read it:
 * {@code ${exchangeProperty.download.objects()}}, {@code outcomes()}.
 */
public final class DownloadRun {

    public static final String PROPERTY = "download";

    /** One listed object to download: its day container, name, the rest of its name under the day's prefix, and what it must match. */
    public record DownloadObject(String container, String name, String rest, Map<String, Object> listed,
                                 io.influxswiftbackup.day.DayManifest.Entry expected) {
        long bytes() {
            return Listed.bytes(listed);
        }

        String hash() {
            return Listed.hash(listed);
        }
    }

    /** The outcome of one object. */
    public record Outcome(String object, String action, long bytes, String problem) {
    }

    private final Path targetDir;
    private final boolean force;
    private final boolean keepLayout;
    private final String kind;
    private final String measurement;
    private final Day day;
    private final long startNanos = System.nanoTime();
    private final List<DownloadObject> objects = Collections.synchronizedList(new ArrayList<>());
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());

    DownloadRun(Path targetDir, boolean force, boolean keepLayout, String kind, String measurement, Day day) {
        this.targetDir = targetDir;
        this.force = force;
        this.keepLayout = keepLayout;
        this.kind = kind;
        this.measurement = measurement;
        this.day = day;
    }

    public Path targetDir() {
        return targetDir;
    }

    public boolean force() {
        return force;
    }

    /** fetch-shards keeps {@code D/shards/<file>} under the directory, as swift download does; download-dumps the file names. */
    public boolean keepLayout() {
        return keepLayout;
    }

    /** {@code dump} or {@code shard}: the manifest kind the objects are checked against. */
    public String kind() {
        return kind;
    }

    /** The measurement asked for, or null for all. */
    public String measurement() {
        return measurement;
    }

    /** fetch-shards' day, or null. */
    public Day day() {
        return day;
    }

    long startNanos() {
        return startNanos;
    }

    public List<DownloadObject> objects() {
        synchronized (objects) {
            return List.copyOf(objects);
        }
    }

    public List<Outcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    void add(DownloadObject object) {
        objects.add(object);
    }

    void add(Outcome outcome) {
        outcomes.add(outcome);
    }
}
