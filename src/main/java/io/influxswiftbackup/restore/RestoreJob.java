package io.influxswiftbackup.restore;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayCheck;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.dump.InfluxQl;
import io.influxswiftbackup.files.DiskSpace;
import io.influxswiftbackup.files.LocalFiles;
import io.influxswiftbackup.influx.InfluxChecks;
import io.influxswiftbackup.influx.InfluxException;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.restore.RestoreRun.Target;
import io.influxswiftbackup.swift.Listed;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.Downloaded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore's steps (bean {@code restoreJob}): the day and the target; the day checked against
 * its marks and manifest and its objects listed; each object downloaded and verified; production's
 * database looked at; the plan for --dry-run; the day recorded for the dump; the downloads deleted.
 * The run's state is one {@link RestoreRun}.
 */
public class RestoreJob {

    /** Headers a caller may set on the exchange sent to {@code direct:restore}. */
    public static final String DATE_HEADER = "restoreDate";
    public static final String TARGET_HEADER = "restoreTarget";
    public static final String NEWDB_HEADER = "restoreNewDb";
    public static final String FORCE_HEADER = "restoreForce";
    public static final String DRY_RUN_HEADER = "restoreDryRun";

    private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);

    private final Path workDir;
    private final Path dumpDir;
    private final String timezone;
    private final Clock clock;
    private final String database;
    private final Target intermediary;
    private final Target production;
    private final IntermediaryService intermediaryService;
    private final IntermediaryDirs intermediaryDirs;
    private final SwiftClient swift;
    private final DayStore days;
    private final DiskSpace diskSpace;

    public RestoreJob(Path workDir, Path dumpDir, String timezone, Clock clock, String database,
                      Target intermediary, Target production, IntermediaryService intermediaryService,
                      IntermediaryDirs intermediaryDirs, SwiftClient swift, DayStore days, DiskSpace diskSpace) {
        this.diskSpace = diskSpace;
        this.swift = swift;
        this.days = days;
        this.intermediaryDirs = intermediaryDirs;
        this.intermediaryService = intermediaryService;
        this.workDir = workDir;
        this.dumpDir = dumpDir;
        this.timezone = timezone;
        this.clock = clock;
        this.database = database;
        this.intermediary = intermediary;
        this.production = production;
    }

    /** Names the day (yesterday, or the date asked for), the target, and the download directory. */
    public void start(Exchange exchange) {
        var in = exchange.getMessage();
        String date = in.getHeader(DATE_HEADER, String.class);
        Day day = date == null ? new Day(Day.today(clock, timezone).date().minusDays(1)) : Day.parse(date);
        String targetName = in.getHeader(TARGET_HEADER, "intermediary", String.class);
        Target target = switch (targetName) {
            case "intermediary" -> intermediary;
            case "production" -> production;
            default -> throw new IllegalArgumentException("--target must be intermediary or production, not '" + targetName + "'");
        };
        String newDb = in.getHeader(NEWDB_HEADER, String.class);
        if (newDb != null && !newDb.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("--newdb '" + newDb + "' is not a plain database name (letters, digits, _ and -)");
        }
        if (newDb != null && target == intermediary) {
            throw new IllegalArgumentException("--newdb applies to --target production only");
        }
        JobRun.noteDay(exchange, day);
        // No '.' in this name: influxd's online restore splits the whole path of each shard file on dots.
        String downloadDir = workDir.resolve("restore_" + day.container() + "_" + LocalFiles.runId(clock)).toString();
        exchange.setProperty(RestoreRun.PROPERTY, new RestoreRun(day, target, database, newDb,
                Boolean.TRUE.equals(in.getHeader(FORCE_HEADER, Boolean.class)),
                Boolean.TRUE.equals(in.getHeader(DRY_RUN_HEADER, Boolean.class)), downloadDir));
    }

    /**
     * The day must be complete (no job's in-progress mark, unless --force) and its shards in Swift
     * must match its manifest when it has one (a day made by the runbook's scripts has none: a
     * warning); their names tell the backup format. The body becomes the names to download.
     */
    public List<String> checkDay(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) {
        Day day = run.day();
        DayCheck check = days.check(day, DayManifest.SHARD, run.force(), "restore");
        List<Map<String, Object>> listing = swift.list(day.container(), day.shardsPrefix());
        check.requireListingMatches(listing);
        if (listing.isEmpty()) {
            throw new RestoreException("no backup for day " + day + ": container " + day.container()
                    + " holds no object under " + day.shardsPrefix());
        }
        List<String> names = new ArrayList<>();
        long bytes = 0;
        for (Map<String, Object> entry : listing) {
            String name = String.valueOf(entry.get("name"));
            String file = name.substring(day.shardsPrefix().length());
            if (file.isEmpty() || file.contains("/") || file.equals("..") || file.equals(".") || file.contains("\0")) {
                throw new RestoreException("refusing object " + name + ": its name is not a plain file name under "
                        + day.shardsPrefix());
            }
            names.add(name);
            bytes += Math.max(0, Listed.bytes(entry));
        }
        run.checked(check, names, bytes, BackupFormat.of(names.stream().map(n -> n.substring(day.shardsPrefix().length())).toList()));
        return names;
    }

    /** Enough free space in work.dir for the downloads (the day's objects, with a margin)? */
    public void requireFreeSpace(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) throws IOException {
        diskSpace.requireForDownload(run.objectBytes());
    }

    /** Downloads one object of the day into the run's directory, verified (size and MD5; size and SHA-256 against the day's manifest). */
    public void download(Exchange exchange, @ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run, String name) {
        Downloaded downloaded = swift.download(run.day().container(), name,
                Path.of(run.downloadDir()).resolve(name.substring(name.lastIndexOf('/') + 1)));
        run.check().requireDownloadMatches(name, downloaded.bytes(), downloaded.sha256());
        JobRun.noteDownloaded(exchange, downloaded);
    }

    /** The legacy shard archives among the downloads (everything but meta.00). */
    public List<String> shardArchives(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) throws IOException {
        Path dir = Path.of(run.downloadDir());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(BackupFormat::isLegacyShard).sorted()
                    .map(n -> dir.resolve(n).toString()).toList();
        }
    }

    /** The arguments of the online restore into production ({@code -online} legacy, or {@code -portable}). */
    public String onlineRestoreArgs(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) {
        return "restore " + run.backupFormat().flag() + " -db " + run.sourceDatabase()
                + (run.newDb() == null ? "" : " -newdb " + run.newDb())
                + " -host " + run.target().rpcHost() + " \"" + run.downloadDir() + "\"";
    }

    /**
     * Whether the production database exists and holds any point (SHOW DATABASES; a one-point
     * SELECT). Production is restored only into a database that is missing or empty, or beside it
     * (--newdb); --force replaces it. An existing one is dropped first ({@link RestoreRun#dropFirst}).
     */
    public void checkProduction(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) {
        String db = run.database();
        boolean exists = InfluxChecks.databaseExists(run.influx(), db);
        boolean hasData = false;
        if (exists) {
            try {
                hasData = InfluxChecks.hasSeries(InfluxChecks.firstPoint(run.influx(), db));
            } catch (InfluxException e) {
                throw new RestoreException("cannot tell whether production database " + db + " holds data: " + e.getMessage());
            }
        }
        if (exists && hasData && !run.force()) {
            throw new RestoreException("production database " + db + " exists and holds data; restore beside it with"
                    + (run.newDb() != null ? " another --newdb name" : " --newdb NAME") + ", or replace it with --force");
        }
        run.production(exists, hasData);
        if (exists) {
            LOG.warn("Production database {} {}: it is dropped before the restore", db, hasData ? "holds data and --force was given" : "is empty");
        }
    }

    /** Drops the production database the restore replaces (--force) or that is empty. */
    public void dropDatabase(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) {
        run.influx().command("DROP DATABASE " + InfluxQl.identifier(run.database()));
    }

    /** What the run would do, step by step, for --dry-run. */
    public String describePlan(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) {
        Day day = run.day();
        String format = run.format();
        String dir = run.downloadDir();
        String url = run.influx().url();
        List<String> steps = new ArrayList<>();
        steps.add("check that " + run.influx().name() + " takes the configured user, if it answers");
        steps.add("download and verify " + run.objectCount() + " objects (" + run.objectBytes()
                + " bytes) of " + day.shardsPrefix() + " into " + dir);
        if (!run.intoProduction()) {
            steps.add("stop the intermediary InfluxDB: " + intermediaryService.stopCommand());
            steps.add("move its meta, data and wal directories aside (*.previous), to put back if anything fails");
            if ("legacy".equals(format)) {
                steps.add("influxd restore -metadir " + intermediaryDirs.metaDir() + " " + dir + " (the metastore)");
                steps.add("unpack every shard archive into " + intermediaryDirs.dataDir() + " with tar");
                steps.add("give the files to the owner of the data directory");
                steps.add("start it: " + intermediaryService.startCommand() + "; wait until " + url + " answers");
            } else {
                steps.add("start it empty: " + intermediaryService.startCommand() + "; wait until " + url + " answers");
                steps.add("influxd restore -portable -db " + database + " -host " + run.target().rpcHost() + " " + dir);
                steps.add("wait until every shard's files are on disk");
            }
            steps.add("check that database " + database + " exists and holds data");
            steps.add("delete the *.previous directories; write " + day + " into " + dumpDir.resolve(Day.RESTORED_DAY_FILE));
        } else {
            steps.add("check production database " + run.database() + " at " + url
                    + ": missing or empty, or --newdb, or --force (drops it)");
            steps.add("influxd " + onlineRestoreArgs(run));
            steps.add("check that database " + run.database() + " exists and holds data");
        }
        steps.add("delete the downloads");
        StringBuilder text = new StringBuilder("Dry run: restore of day " + day + " (" + format + " format) into the "
                + run.targetName() + " InfluxDB would:\n");
        for (int i = 0; i < steps.size(); i++) {
            text.append("  ").append(i + 1).append(". ").append(steps.get(i)).append('\n');
        }
        return text.toString();
    }

    /** For the dump job: the day the intermediary now holds. */
    public void recordRestoredDay(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) throws IOException {
        Files.createDirectories(dumpDir);
        Path file = dumpDir.resolve(Day.RESTORED_DAY_FILE);
        Path tmp = dumpDir.resolve(Day.RESTORED_DAY_FILE + ".tmp");
        Files.writeString(tmp, run.day().container() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public void deleteDownloads(@ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) throws IOException {
        LocalFiles.deleteTree(Path.of(run.downloadDir()));
    }

    /**
     * Once a rollback is done: the run fails with the failure it was made for, marked exhausted as
     * Camel marks a failure whose retries ran out, so no step retries the restore around it.
     */
    public void failWithCaught(Exchange exchange) throws Exception {
        exchange.getExchangeExtension().setRedeliveryExhausted(true);
        throw exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }
}
