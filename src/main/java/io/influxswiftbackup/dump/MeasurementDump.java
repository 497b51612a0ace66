package io.influxswiftbackup.dump;

import java.nio.file.Path;
import java.util.Set;

/**
 * One measurement of a dump run, exchange property {@value #PROPERTY} in its turn of the split: its
 * local file and object name, whether an earlier dump in Swift is kept, its tag keys and schema, the
 * page reader of the current attempt, and once the answer is read, its counts. Its text is its name.
 */
public final class MeasurementDump {

    public static final String PROPERTY = "measurement";

    private final String name;
    private final Path file;
    private final String objectName;
    private final boolean kept;
    private volatile Set<String> tagKeys = Set.of();
    private volatile Schema schema;
    private volatile MessagePackPages pages;
    private volatile long records;
    private volatile String lastTime;
    private volatile long pageCount;
    private volatile long millis;

    MeasurementDump(String name, Path file, String objectName, boolean kept) {
        this.name = name;
        this.file = file;
        this.objectName = objectName;
        this.kept = kept;
    }

    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    /** The local file's name, which the page loop appends to in dump.dir. */
    public String fileName() {
        return file.getFileName().toString();
    }

    public String objectName() {
        return objectName;
    }

    /** Already in Swift, and not dumped again (no --force). */
    public boolean kept() {
        return kept;
    }

    Set<String> tagKeys() {
        return tagKeys;
    }

    void tagKeys(Set<String> keys) {
        this.tagKeys = Set.copyOf(keys);
    }

    Schema schema() {
        return schema;
    }

    void schema(Schema schema) {
        this.schema = schema;
    }

    /** The current attempt's page reader, or null before its answer. */
    public MessagePackPages pages() {
        return pages;
    }

    void pages(MessagePackPages pages) {
        this.pages = pages;
    }

    public long records() {
        return records;
    }

    /** The last timestamp the dump covers. */
    public String lastTime() {
        return lastTime;
    }

    public long pageCount() {
        return pageCount;
    }

    public long millis() {
        return millis;
    }

    public long recordsPerSecond() {
        return millis == 0 ? records : records * 1000 / millis;
    }

    void read(long records, String lastTime, long pageCount, long millis) {
        this.records = records;
        this.lastTime = lastTime;
        this.pageCount = pageCount;
        this.millis = millis;
    }

    @Override
    public String toString() {
        return name;
    }
}
