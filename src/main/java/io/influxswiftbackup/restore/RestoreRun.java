package io.influxswiftbackup.restore;

import io.influxswiftbackup.day.DayCheck;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.Downloaded;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.files.LocalFiles;
import io.influxswiftbackup.dump.InfluxQl;
import io.influxswiftbackup.influx.InfluxChecks;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.influx.InfluxException;
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
 * A restore run: which day, into which InfluxDB, the files of the day in Swift and their format,
 * where they are downloaded, what the run would do (--dry-run), and what it leaves behind.
 */
public class RestoreRun {

    /** Headers a caller may set on the exchange sent to {@code direct:restore}. */
    public static final String DATE_HEADER = "restoreDate";
    public static final String TARGET_HEADER = "restoreTarget";
    public static final String NEWDB_HEADER = "restoreNewDb";
    public static final String FORCE_HEADER = "restoreForce";
    public static final String DRY_RUN_HEADER = "restoreDryRun";

    private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);
    /** Exchange property: the day as checked before the downloads ({@link DayCheck}). */
    static final String DAY_CHECK = "dayCheck";

    /** Where a restore goes, and how to reach that InfluxDB. */
    public record Target(String name, InfluxClient influx, String rpcHost, String dataDir) {
    }

    private final Path workDir;
    private final Path dumpDir;
    private final String timezone;
    private final Clock clock;
    private final String database;
    private final Target intermediary;
    private final Target production;
    private final String stopCommand;
    private final String startCommand;
    private final IntermediaryDirs intermediaryDirs;
    private final SwiftClient swift;
    private final DayStore days;

    public RestoreRun(Path workDir, Path dumpDir, String timezone, Clock clock, String database,
                      Target intermediary, Target production, String stopCommand, String startCommand,
                      IntermediaryDirs intermediaryDirs, SwiftClient swift, DayStore days) {
        this.swift = swift;
        this.days = days;
        this.intermediaryDirs = intermediaryDirs;
        this.stopCommand = stopCommand;
        this.startCommand = startCommand;
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
        String runId = LocalFiles.runId(clock);
        JobRun.noteDay(exchange, day);
        exchange.setProperty("day", day);
        exchange.setProperty("container", day.container());
        exchange.setProperty("prefix", day.shardsPrefix());
        exchange.setProperty("target", target.name());
        exchange.setProperty(InfluxChecks.INFLUX, target.influx());
        exchange.setProperty("influxUrl", target.influx().url());
        exchange.setProperty("rpcHost", target.rpcHost());
        exchange.setProperty("dataDir", target.dataDir());
        exchange.setProperty("sourceDatabase", database);
        exchange.setProperty("database", newDb != null ? newDb : database);
        exchange.setProperty("newDb", newDb);
        exchange.setProperty("force", Boolean.TRUE.equals(in.getHeader(FORCE_HEADER, Boolean.class)));
        exchange.setProperty("dryRun", Boolean.TRUE.equals(in.getHeader(DRY_RUN_HEADER, Boolean.class)));
        // No '.' in this name: influxd's online restore splits the whole path of each shard file on dots.
        exchange.setProperty("downloadDir", workDir.resolve("restore_" + day.container() + "_" + runId).toString());
        in.removeHeaders("restore*");
    }

    /**
     * The day must be complete (no job's in-progress mark, unless --force) and its shards in Swift
     * must match its manifest when it has one (a day made by the runbook's scripts has none: a
     * warning). The body becomes the names of the objects to download.
     */
    public List<String> checkDay(Exchange exchange, @ExchangeProperty("day") Day day, @ExchangeProperty("force") boolean force) {
        DayCheck check = days.check(day, DayManifest.SHARD, force, "restore");
        List<Map<String, Object>> listing = swift.list(day.container(), day.shardsPrefix());
        check.requireListingMatches(listing);
        exchange.setProperty(DAY_CHECK, check);
        return plan(listing, exchange);
    }

    /** Downloads one object of the day into the run's directory, verified (size and MD5; size and SHA-256 against the day's manifest). */
    public void download(Exchange exchange, String name, @ExchangeProperty(DAY_CHECK) DayCheck check,
                         @ExchangeProperty("downloadDir") String downloadDir) {
        Downloaded downloaded = swift.download(check.day().container(), name,
                Path.of(downloadDir).resolve(name.substring(name.lastIndexOf('/') + 1)));
        check.requireDownloadMatches(name, downloaded.bytes(), downloaded.sha256());
        JobRun.noteDownloaded(exchange, downloaded);
    }

    /** From the day's listing: the object names to download, and the backup format they are in. */
    List<String> plan(List<Map<String, Object>> listing, Exchange exchange) {
        Day day = exchange.getProperty("day", Day.class);
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
            bytes += ((Number) entry.getOrDefault("bytes", 0)).longValue();
        }
        BackupFormat format = BackupFormat.of(names.stream().map(n -> n.substring(day.shardsPrefix().length())).toList());
        exchange.setProperty("format", format.name().toLowerCase());
        exchange.setProperty("objectCount", names.size());
        exchange.setProperty("objectBytes", bytes);
        return names;
    }

    /** The legacy shard archives among the downloads (everything but meta.00). */
    public List<String> shardArchives(@ExchangeProperty("downloadDir") String downloadDir) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(downloadDir))) {
            return files.map(p -> p.getFileName().toString()).filter(BackupFormat::isLegacyShard).sorted()
                    .map(n -> Path.of(downloadDir).resolve(n).toString()).toList();
        }
    }

    /** The arguments of the online restore into production ({@code -online} legacy, or {@code -portable}). */
    public String onlineRestoreArgs(Exchange exchange) {
        BackupFormat format = BackupFormat.valueOf(exchange.getProperty("format", String.class).toUpperCase());
        String newDb = exchange.getProperty("newDb", String.class);
        return "restore " + format.flag() + " -db " + database + (newDb == null ? "" : " -newdb " + newDb)
                + " -host " + exchange.getProperty("rpcHost") + " \"" + exchange.getProperty("downloadDir") + "\"";
    }

    /**
     * Production is restored only into a database that is missing or empty, or beside it (--newdb);
     * --force replaces it. Sets {@code dropFirst} when an existing database must go first.
     */
    public void decideProduction(Exchange exchange, @ExchangeProperty("databaseExists") boolean exists,
                                 @ExchangeProperty("databaseHasData") boolean hasData) {
        String db = exchange.getProperty("database", String.class);
        boolean force = exchange.getProperty("force", Boolean.class);
        boolean beside = exchange.getProperty("newDb") != null;
        if (exists && hasData && !force) {
            throw new RestoreException("production database " + db + " exists and holds data; restore beside it with"
                    + (beside ? " another --newdb name" : " --newdb NAME") + ", or replace it with --force");
        }
        exchange.setProperty("dropFirst", exists);
        if (exists) {
            LOG.warn("Production database {} {}: it is dropped before the restore", db, hasData ? "holds data and --force was given" : "is empty");
        }
    }

    /** Whether the production database exists ({@code databaseExists}). */
    public void noteDatabaseExists(Exchange exchange, @ExchangeProperty(InfluxChecks.INFLUX) InfluxClient influx,
                                   @ExchangeProperty("database") String database) {
        exchange.setProperty("databaseExists", InfluxChecks.databaseExists(influx, database));
        exchange.setProperty("databaseHasData", false);
    }

    /** Whether the existing production database holds any point ({@code databaseHasData}). */
    public void noteDatabaseHasData(Exchange exchange, @ExchangeProperty(InfluxChecks.INFLUX) InfluxClient influx,
                                    @ExchangeProperty("database") String database) {
        try {
            exchange.setProperty("databaseHasData", InfluxChecks.hasSeries(InfluxChecks.firstPoint(influx, database)));
        } catch (InfluxException e) {
            throw new RestoreException("cannot tell whether production database " + database + " holds data: " + e.getMessage());
        }
    }

    /** Drops the production database the restore replaces (--force) or that is empty. */
    public void dropDatabase(@ExchangeProperty(InfluxChecks.INFLUX) InfluxClient influx, @ExchangeProperty("database") String database) {
        influx.command("DROP DATABASE " + InfluxQl.identifier(database));
    }

    /** What the run would do, step by step, for --dry-run. */
    public String describePlan(Exchange exchange) {
        Day day = exchange.getProperty("day", Day.class);
        String format = exchange.getProperty("format", String.class);
        String dir = exchange.getProperty("downloadDir", String.class);
        List<String> steps = new ArrayList<>();
        steps.add("check that " + exchange.getProperty(InfluxChecks.INFLUX, InfluxClient.class).name()
                + " takes the configured user, if it answers");
        steps.add("download and verify " + exchange.getProperty("objectCount") + " objects (" + exchange.getProperty("objectBytes")
                + " bytes) of " + day.shardsPrefix() + " into " + dir);
        if ("intermediary".equals(exchange.getProperty("target"))) {
            steps.add("stop the intermediary InfluxDB: " + stopCommand);
            steps.add("move its meta, data and wal directories aside (*.previous), to put back if anything fails");
            if ("legacy".equals(format)) {
                steps.add("influxd restore -metadir " + intermediaryDirs.metaDir() + " " + dir + " (the metastore)");
                steps.add("unpack every shard archive into " + intermediaryDirs.dataDir() + " with tar");
            } else {
                steps.add("start it empty: " + startCommand + "; wait until " + exchange.getProperty("influxUrl") + " answers");
                steps.add("influxd restore -portable -db " + database + " -host " + exchange.getProperty("rpcHost") + " " + dir);
                steps.add("wait until every shard's files are on disk");
            }
            if ("legacy".equals(format)) {
                steps.add("give the files to the owner of the data directory");
                steps.add("start it: " + startCommand + "; wait until " + exchange.getProperty("influxUrl") + " answers");
            }
            steps.add("check that database " + database + " exists and holds data");
            steps.add("delete the *.previous directories; write " + day + " into " + dumpDir.resolve(Day.RESTORED_DAY_FILE));
        } else {
            steps.add("check production database " + exchange.getProperty("database") + " at " + exchange.getProperty("influxUrl")
                    + ": missing or empty, or --newdb, or --force (drops it)");
            steps.add("influxd " + onlineRestoreArgs(exchange));
            steps.add("check that database " + exchange.getProperty("database") + " exists and holds data");
        }
        steps.add("delete the downloads");
        StringBuilder text = new StringBuilder("Dry run: restore of day " + day + " (" + format + " format) into the "
                + exchange.getProperty("target") + " InfluxDB would:\n");
        for (int i = 0; i < steps.size(); i++) {
            text.append("  ").append(i + 1).append(". ").append(steps.get(i)).append('\n');
        }
        return text.toString();
    }

    /** For the dump job: the day the intermediary now holds. */
    public void recordRestoredDay(@ExchangeProperty("day") Day day) throws IOException {
        Files.createDirectories(dumpDir);
        Path file = dumpDir.resolve(Day.RESTORED_DAY_FILE);
        Path tmp = dumpDir.resolve(Day.RESTORED_DAY_FILE + ".tmp");
        Files.writeString(tmp, day.container() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public void deleteDownloads(@ExchangeProperty("downloadDir") String downloadDir) throws IOException {
        LocalFiles.deleteTree(Path.of(downloadDir));
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
