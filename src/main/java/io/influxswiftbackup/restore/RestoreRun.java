package io.influxswiftbackup.restore;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayCheck;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.influx.InfluxTarget;
import java.util.List;

/**
 * One restore run, exchange property {@value #PROPERTY}: the day, the InfluxDB it goes into, the
 * database, what was asked (--newdb, --force, --dry-run), the run's download directory, and as the
 * run goes: the day as checked, its objects and their format, what production holds. Edited routes
 * may read it: {@code ${exchangeProperty.restore.day()}}, {@code targetName()}, {@code database()},
 * {@code format()}, {@code objectCount()}, {@code objectBytes()}, {@code downloadDir()}.
 */
public final class RestoreRun implements InfluxTarget {

    public static final String PROPERTY = "restore";

    /** Where a restore goes, and how to reach that InfluxDB. */
    public record Target(String name, InfluxClient influx, String rpcHost, String dataDir) {
    }

    private final Day day;
    private final Target target;
    private final String database;
    private final String newDb;
    private final boolean force;
    private final boolean dryRun;
    private final String downloadDir;
    private volatile DayCheck check;
    private volatile List<String> objects = List.of();
    private volatile long objectBytes;
    private volatile BackupFormat format;
    private volatile boolean databaseExists;
    private volatile boolean databaseHasData;

    RestoreRun(Day day, Target target, String database, String newDb, boolean force, boolean dryRun, String downloadDir) {
        this.day = day;
        this.target = target;
        this.database = database;
        this.newDb = newDb;
        this.force = force;
        this.dryRun = dryRun;
        this.downloadDir = downloadDir;
    }

    public Day day() {
        return day;
    }

    public Target target() {
        return target;
    }

    public String targetName() {
        return target.name();
    }

    public boolean intoProduction() {
        return "production".equals(target.name());
    }

    @Override
    public InfluxClient influx() {
        return target.influx();
    }

    /** The database restored into: the backup's, or --newdb's. */
    @Override
    public String database() {
        return newDb != null ? newDb : database;
    }

    /** The backup's database. */
    public String sourceDatabase() {
        return database;
    }

    public String newDb() {
        return newDb;
    }

    public boolean force() {
        return force;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** The run's download directory, as text (a Path would be read as a file by Camel's type converters). */
    public String downloadDir() {
        return downloadDir;
    }

    public DayCheck check() {
        return check;
    }

    public List<String> objects() {
        return objects;
    }

    public int objectCount() {
        return objects.size();
    }

    public long objectBytes() {
        return objectBytes;
    }

    /** {@code legacy} or {@code portable}. */
    public String format() {
        return format == null ? null : format.name().toLowerCase();
    }

    BackupFormat backupFormat() {
        return format;
    }

    public boolean databaseExists() {
        return databaseExists;
    }

    public boolean databaseHasData() {
        return databaseHasData;
    }

    /** An existing production database goes before the restore (it is empty, or --force replaces it). */
    public boolean dropFirst() {
        return databaseExists;
    }

    void checked(DayCheck check, List<String> objects, long objectBytes, BackupFormat format) {
        this.check = check;
        this.objects = List.copyOf(objects);
        this.objectBytes = objectBytes;
        this.format = format;
    }

    void production(boolean exists, boolean hasData) {
        this.databaseExists = exists;
        this.databaseHasData = hasData;
    }
}
