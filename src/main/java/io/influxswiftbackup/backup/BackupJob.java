package io.influxswiftbackup.backup;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.DayWrite;
import io.influxswiftbackup.files.LocalFiles;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.store.ContentStore;
import io.influxswiftbackup.swift.Listed;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's steps (bean {@code backupJob}): the day and a fresh directory per run for
 * {@code influxd backup}; a day backed up already refused before anything runs (unless forced or
 * scheduled); the day's container prepared (made if missing, marked in progress); each file uploaded and verified; the listing checked;
 * the manifest committed; the local copy deleted once every file is verified in Swift. The run's
 * state is one {@link BackupRun}.
 */
public class BackupJob {

    /** Headers a caller may set on the exchange sent to {@code direct:backup}. */
    public static final String DATE_HEADER = "backupDate";
    public static final String FORCE_HEADER = "backupForce";
    /** Set by the schedule's route: the nightly backup replaces an earlier backup of its day. */
    public static final String SCHEDULED_HEADER = "backupScheduled";

    private static final Logger LOG = LoggerFactory.getLogger(BackupJob.class);
    private static final Pattern RUN_DIR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}\\.\\d{8}T\\d{6}Z-[0-9a-f]{4}");

    private final Path workDir;
    private final String timezone;
    private final Clock clock;
    private final String formatFlag;
    private final SwiftClient swift;
    private final DayStore days;
    private final ContentStore store;

    public BackupJob(Path workDir, String timezone, Clock clock, String format, SwiftClient swift, DayStore days,
                     ContentStore store) {
        this.formatFlag = switch (format) {
            case "legacy" -> "";
            case "portable" -> "-portable";
            default -> throw new ConfigException("backup.format must be legacy or portable, not '" + format + "'");
        };
        this.workDir = workDir;
        this.timezone = timezone;
        this.clock = clock;
        this.swift = swift;
        this.days = days;
        this.store = store;
    }

    /** Names the day (today, or the date asked for) and the run's directory; reports leftovers. */
    public void start(Exchange exchange) throws IOException {
        String date = exchange.getMessage().getHeader(DATE_HEADER, String.class);
        Day day = date == null ? Day.today(clock, timezone) : Day.parse(date);
        Files.createDirectories(workDir);
        reportLeftovers();
        Path runDir = workDir.resolve(day.container() + "." + LocalFiles.runId(clock));
        JobRun.noteDay(exchange, day);
        exchange.setProperty(BackupRun.PROPERTY, new BackupRun(day, runDir, formatFlag,
                Boolean.TRUE.equals(exchange.getMessage().getHeader(FORCE_HEADER, Boolean.class))));
    }

    private void reportLeftovers() throws IOException {
        try (Stream<Path> entries = Files.list(workDir)) {
            entries.filter(p -> RUN_DIR.matcher(p.getFileName().toString()).matches())
                    .forEach(p -> LOG.warn("Left over from an earlier failed backup run, not uploaded: {}"
                            + " (upload it with 'backup --date', or delete it)", p));
        }
    }

    /** Fails the run unless {@code influxd backup} wrote files (its exit status is checked before). */
    public void requireFiles(@ExchangeProperty(BackupRun.PROPERTY) BackupRun run) {
        if (run.files().isEmpty()) {
            throw new BackupException("influxd backup exited 0 but wrote no file into " + run.runDir());
        }
    }

    /**
     * Before {@code influxd backup} runs: a day whose shards are in Swift already is refused, unless
     * forced or fired by the schedule (the nightly backup replaces an earlier backup of its own day,
     * made by hand or by an earlier fire, with the newer snapshot, as --force does).
     */
    public void refuseDayBackedUp(Exchange exchange, @ExchangeProperty(BackupRun.PROPERTY) BackupRun run) {
        Day day = run.day();
        List<Map<String, Object>> listing = swift.list(day.container(), day.shardsPrefix());
        if (listing.isEmpty()) {
            return;
        }
        boolean scheduled = Boolean.TRUE.equals(exchange.getMessage().getHeader(SCHEDULED_HEADER, Boolean.class));
        if (!run.force() && !scheduled) {
            throw new BackupException(day.shardsPrefix() + " already holds objects in Swift (first: "
                    + listing.get(0).get("name") + "); run with --force to back up into it again");
        }
        LOG.warn("{} already holds objects; {}, the new snapshot replaces them", day.shardsPrefix(),
                run.force() ? "--force given" : "the scheduled backup of the day");
    }

    /**
     * Creates the day's container if missing; one listing of its shards: on a re-run a file listed
     * with the same size and MD5 is not uploaded again. Then the day is marked in progress until its
     * manifest is written. When shards are stored once by content, one listing of the store tells
     * which content is there already.
     */
    public void prepareDay(@ExchangeProperty(BackupRun.PROPERTY) BackupRun run) {
        Day day = run.day();
        swift.ensureContainer(day.container());
        List<Map<String, Object>> listing = swift.list(day.container(), day.shardsPrefix());
        DayWrite write = days.begin(day, "backup");
        days.mark(write);
        run.prepared(Listed.byName(listing), write, store.inUse() ? store.listing() : null);
        LOG.info("Uploading {} ({} bytes) to container {}", run.files().size() == 1 ? "1 file" : run.files().size() + " files",
                run.totalBytes(), day.container());
    }

    /**
     * Uploads one file as {@code D/shards/<file>}, verified: a shard's content stored once and the
     * object a link to it when the store is in use, else a plain object.
     */
    public StoredObject upload(Exchange exchange, @ExchangeProperty(BackupRun.PROPERTY) BackupRun run, File file) {
        String name = run.day().shardObject(file.getName());
        StoredObject stored = run.storeListing() != null && ContentStore.storedOnce(file.getName())
                ? store.storeAndLink(run.day().container(), name, file.toPath(), run.storeListing(), run.listedBefore().get(name))
                : swift.upload(run.day().container(), name, file.toPath(), run.listedBefore());
        JobRun.noteStored(exchange, stored);
        return stored;
    }

    /** The listing of the day's shards (the runbook's 'swift list') shows every file with the size and MD5 its upload was checked against. */
    public void verifyListing(@ExchangeProperty(BackupRun.PROPERTY) BackupRun run, List<StoredObject> stored) {
        swift.requireListed(run.day().container(), run.day().shardsPrefix(), stored);
    }

    /**
     * The day's manifest, written last (its shards replaced by this run's, the dump's objects kept);
     * the shards it no longer lists are deleted, and the backup's mark removed.
     */
    public void commit(@ExchangeProperty(BackupRun.PROPERTY) BackupRun run, List<StoredObject> stored) {
        DayWrite write = run.write();
        stored.forEach(object -> write.add(new DayManifest.Entry(object.name(), object.bytes(), object.md5(), object.sha256(),
                DayManifest.SHARD, null, object.link() == null ? null : object.link().target(),
                object.link() == null ? null : !object.reused())));
        days.commit(write);
    }

    /** Only reached when every file was verified in Swift. */
    public void deleteLocalCopy(@ExchangeProperty(BackupRun.PROPERTY) BackupRun run) throws IOException {
        LocalFiles.deleteTree(run.dir());
    }
}
