package io.influxswiftbackup.backup;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.files.LocalFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The local side of a backup run: which day it is for, a fresh directory per run for
 * {@code influxd backup}, the files it wrote, and deleting them once every one is verified in Swift.
 */
public class BackupRun {

    /** Headers a caller may set on the exchange sent to {@code direct:backup}. */
    public static final String DATE_HEADER = "backupDate";
    public static final String FORCE_HEADER = "backupForce";

    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);
    private static final Pattern RUN_DIR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}\\.\\d{8}T\\d{6}Z-[0-9a-f]{4}");

    private final Path workDir;
    private final String timezone;
    private final Clock clock;
    private final String formatFlag;

    public BackupRun(Path workDir, String timezone, Clock clock, String format) {
        this.formatFlag = switch (format) {
            case "legacy" -> "";
            case "portable" -> "-portable";
            default -> throw new ConfigException("backup.format must be legacy or portable, not '" + format + "'");
        };
        this.workDir = workDir;
        this.timezone = timezone;
        this.clock = clock;
    }

    /** Names the day (today, or the date asked for) and the run's directory; reports leftovers. */
    public void start(Exchange exchange) throws IOException {
        String date = exchange.getMessage().getHeader(DATE_HEADER, String.class);
        Day day = date == null ? Day.today(clock, timezone) : Day.parse(date);
        Files.createDirectories(workDir);
        reportLeftovers();
        String runId = LocalFiles.runId(clock);
        Path runDir = workDir.resolve(day.container() + "." + runId);
        JobRun.noteDay(exchange, day);
        exchange.setProperty("day", day);
        exchange.setProperty("container", day.container());
        exchange.setProperty("runDir", runDir.toString());
        exchange.setProperty("formatFlag", formatFlag);
        exchange.setProperty("force", Boolean.TRUE.equals(exchange.getMessage().getHeader(FORCE_HEADER, Boolean.class)));
    }

    private void reportLeftovers() throws IOException {
        try (Stream<Path> entries = Files.list(workDir)) {
            entries.filter(p -> RUN_DIR.matcher(p.getFileName().toString()).matches())
                    .forEach(p -> LOG.warn("Left over from an earlier failed backup run, not uploaded: {}"
                            + " (upload it with 'backup --date', or delete it)", p));
        }
    }

    /** Fails the run unless {@code influxd backup} wrote files (its exit status is checked before). */
    public void requireFiles(@ExchangeProperty("runDir") String runDir) {
        if (files(runDir).isEmpty()) {
            throw new BackupException("influxd backup exited 0 but wrote no file into " + runDir);
        }
    }

    /** The files {@code influxd backup} wrote for this run, by name. */
    public List<File> files(@ExchangeProperty("runDir") String runDir) {
        try (Stream<Path> entries = Files.list(Path.of(runDir))) {
            return entries.filter(Files::isRegularFile).sorted().map(Path::toFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir, e);
        }
    }

    public String objectName(@ExchangeProperty("day") Day day, @ExchangeProperty("localFile") File file) {
        return day.shardObject(file.getName());
    }

    public long totalBytes(@ExchangeProperty("runDir") String runDir) {
        return files(runDir).stream().mapToLong(File::length).sum();
    }

    /** Refuses to add to a day whose shards are already in Swift, unless forced. */
    public void refuseIfAlreadyBackedUp(List<Map<String, Object>> listing, @ExchangeProperty("day") Day day,
                                        @ExchangeProperty("force") boolean force) {
        if (listing.isEmpty()) {
            return;
        }
        if (!force) {
            throw new BackupException(day.shardsPrefix() + " already holds objects in Swift (first: "
                    + listing.get(0).get("name") + "); run with --force to back up into it again");
        }
        LOG.warn("{} already holds objects; --force given, files of the same name are replaced", day.shardsPrefix());
    }

    /** Only reached when every file was verified in Swift. */
    public void deleteLocalCopy(@ExchangeProperty("runDir") String runDir) throws IOException {
        LocalFiles.deleteTree(Path.of(runDir));
    }
}
