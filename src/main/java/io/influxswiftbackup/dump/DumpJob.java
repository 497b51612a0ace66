package io.influxswiftbackup.dump;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.DayWrite;
import io.influxswiftbackup.influx.InfluxAccessDeniedException;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.influx.InfluxUnavailableException;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dump's steps (bean {@code dumpJob}): the day (D = today minus dump.lag-days, or --date) and
 * the check that the intermediary holds a restore that covers D; for each measurement its file, its
 * schema, the one streamed query for the day, the upload; the day's manifest. The run's state is
 * one {@link DumpRun}, each measurement's one {@link MeasurementDump}.
 */
public class DumpJob {

    public static final String DATE_HEADER = "dumpDate";
    public static final String MEASUREMENT_HEADER = "dumpMeasurement";
    public static final String FORCE_HEADER = "dumpForce";

    private static final Logger LOG = LoggerFactory.getLogger(DumpJob.class);

    private final Path dumpDir;
    private final String timezone;
    private final Clock clock;
    private final int lagDays;
    private final List<String> measurements;
    private final String database;
    private final String retentionPolicy;
    private final int pageSize;
    /** The intermediary, which the dump reads. */
    private final InfluxClient influx;
    private final SwiftClient swift;
    private final DayStore days;

    public DumpJob(Path dumpDir, String timezone, Clock clock, int lagDays, String measurements, String database,
                   String retentionPolicy, int pageSize, InfluxClient influx, SwiftClient swift, DayStore days) {
        this.influx = influx;
        this.swift = swift;
        this.days = days;
        this.dumpDir = dumpDir;
        this.timezone = timezone;
        this.clock = clock;
        this.lagDays = lagDays;
        this.measurements = parseList(measurements);
        this.database = database;
        this.retentionPolicy = retentionPolicy == null ? "" : retentionPolicy;
        this.pageSize = pageSize;
    }

    /** The measurements of a comma list; fails on a name that would leave the dump directory. */
    public static List<String> parseList(String commaList) {
        List<String> names = Arrays.stream(commaList.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
        names.forEach(DumpJob::requireSafeName);
        return names;
    }

    /** A measurement name becomes part of a file and object name: nothing that leaves dump.dir or D/influxdb/. */
    public static void requireSafeName(String measurement) {
        if (measurement.isEmpty() || measurement.contains("/") || measurement.contains("\0") || measurement.contains("..")) {
            throw new IllegalArgumentException("measurement name '" + measurement
                    + "' cannot be dumped: it would leave the dump directory or the object prefix ('/', '..' or NUL)");
        }
    }

    /** Names the day and the measurements; fails unless the intermediary holds a restore that covers the day. */
    public List<String> start(Exchange exchange) throws IOException {
        var in = exchange.getMessage();
        String date = in.getHeader(DATE_HEADER, String.class);
        Day day = date == null ? new Day(Day.today(clock, timezone).date().minusDays(lagDays)) : Day.parse(date);
        String only = in.getHeader(MEASUREMENT_HEADER, String.class);
        if (only != null) {
            requireSafeName(only);
        }
        List<String> names = only == null ? measurements : List.of(only);
        boolean force = Boolean.TRUE.equals(in.getHeader(FORCE_HEADER, Boolean.class));
        in.removeHeaders("dump*");
        ZoneId zone = Day.zone(timezone);
        JobRun.noteDay(exchange, day);
        requireRestoreCovering(day, force);
        Set<String> existing = new HashSet<>();
        swift.list(day.container(), day.dumpsPrefix()).forEach(entry -> existing.add(String.valueOf(entry.get("name"))));
        exchange.setProperty(DumpRun.PROPERTY, new DumpRun(day, day.date().atStartOfDay(zone).toInstant(),
                day.date().plusDays(1).atStartOfDay(zone).toInstant(), force, existing, days.begin(day, "dump")));
        return names;
    }

    /**
     * Uploads the measurement's file as {@code D/influxdb/<file>}, verified; the day is marked in
     * progress (the dump's own mark) until the dump has merged its files into the day's manifest.
     */
    public void upload(Exchange exchange, @ExchangeProperty(DumpRun.PROPERTY) DumpRun run,
                       @ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) {
        Day day = run.day();
        DayWrite write = run.write();
        swift.ensureContainer(day.container());
        days.mark(write);
        StoredObject stored = swift.upload(day.container(), measurement.objectName(), measurement.file(), null);
        write.add(new DayManifest.Entry(stored.name(), stored.bytes(), stored.md5(), stored.sha256(), DayManifest.DUMP,
                measurement.records()));
        JobRun.noteStored(exchange, stored);
    }

    /** The files uploaded replace their entries in the day's manifest; then the dump's mark goes (another job's stays). */
    public void commit(@ExchangeProperty(DumpRun.PROPERTY) DumpRun run) {
        if (!run.write().isEmpty()) {
            days.commit(run.write());
        }
    }

    /** The day the intermediary holds, as the last restore into it wrote it in {@code <dump.dir>/restored-day}; null if none. */
    public static String restoredDay(Path dumpDir) throws IOException {
        Path file = dumpDir.resolve(Day.RESTORED_DAY_FILE);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
    }

    private void requireRestoreCovering(Day day, boolean force) throws IOException {
        Path file = dumpDir.resolve(Day.RESTORED_DAY_FILE);
        String restored = restoredDay(dumpDir);
        if (restored == null || restored.compareTo(day.container()) < 0) {
            String why = "the intermediary holds " + (restored == null ? "no restore (" + file + " is missing)"
                    : "the backup of " + restored) + ", which does not cover " + day;
            if (!force) {
                throw new DumpException("cannot dump " + day + ": " + why + "; restore it first, or use --force");
            }
            LOG.warn("Dumping {} although {} (--force)", day, why);
        } else if (restored.equals(day.container())) {
            LOG.warn("The intermediary holds the backup made on {} itself, before the day ended: the dump of {} lacks"
                    + " the records written after that backup (dump.lag-days=2 dumps only complete days)", day, day);
        }
    }

    /** The measurement (the body) in its turn: its file and object names; whether it is already in Swift and kept. */
    public void prepare(Exchange exchange, @ExchangeProperty(DumpRun.PROPERTY) DumpRun run, String measurement) throws IOException {
        Day day = run.day();
        Path file = dumpDir.resolve(day.dumpFile(measurement));
        boolean kept = run.inSwift(day.dumpObject(measurement)) && !run.force();
        exchange.setProperty(MeasurementDump.PROPERTY, new MeasurementDump(measurement, file, day.dumpObject(measurement), kept));
        Files.createDirectories(dumpDir);
        Files.deleteIfExists(file);
        if (kept) {
            LOG.info("{} is already in Swift: kept (use --force to dump it again)", day.dumpObject(measurement));
        }
    }

    /**
     * The day had no record of the measurement: nothing is uploaded. An object of an earlier dump
     * (this run was forced) is not deleted, since a backup tool removes nothing it cannot replace;
     * the log says that it stays and no longer matches the intermediary.
     */
    public void noRecords(@ExchangeProperty(DumpRun.PROPERTY) DumpRun run,
                          @ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump dump) {
        String measurement = dump.name();
        Day container = run.day();
        String objectName = dump.objectName();
        if (run.inSwift(objectName)) {
            LOG.warn("No record of {} on {}: nothing uploaded, and the earlier dump {} stays in Swift although the"
                    + " intermediary no longer has its records (delete it by hand if the day has none)", measurement, container, objectName);
        } else {
            LOG.info("No record of {} on {}: nothing uploaded", measurement, container);
        }
    }

    /** The measurement's tag keys ({@code tagKeys}): every other column of its answer but time is a field. */
    public void readTagKeys(@ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) {
        Set<String> keys = new LinkedHashSet<>();
        for (var row : influx.query(database, "SHOW TAG KEYS FROM " + InfluxQl.source(retentionPolicy, measurement.name()))
                .path("series").path(0).path("values")) {
            keys.add(row.path(0).asText());
        }
        measurement.tagKeys(keys);
    }

    /** A measurement without field keys does not exist (the values' types come with the MessagePack answer). */
    public void readFieldKeys(@ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) {
        if (influx.query(database, "SHOW FIELD KEYS FROM " + InfluxQl.source(retentionPolicy, measurement.name()))
                .path("series").path(0).path("values").isEmpty()) {
            throw new DumpException("measurement " + measurement + " does not exist in " + database
                    + (retentionPolicy.isEmpty() ? "" : "." + retentionPolicy));
        }
        measurement.schema(new Schema(measurement.tagKeys()));
    }

    /** The form of the one streamed query for the whole day: chunks of dump.page-size rows. */
    String selectQuery(String measurement, Instant from, Instant to) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("chunked", "true");
        options.put("chunk_size", String.valueOf(pageSize));
        return InfluxQl.form(database, InfluxQl.selectWindow(retentionPolicy, measurement, from, to), options);
    }

    /**
     * Sends the day's query and opens the page reader over its streamed answer (the loop's first
     * turn needs to know whether there is a page).
     */
    public void openPages(Exchange exchange, @ExchangeProperty(DumpRun.PROPERTY) DumpRun run,
                          @ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) throws IOException {
        MessagePackPages pages = new MessagePackPages(influx.streamQuery(selectQuery(measurement.name(), run.from(), run.to())),
                measurement.name(), measurement.schema(), pageSize);
        measurement.pages(pages);
        exchange.setProperty(NextDumpPage.MORE_PAGES, pages.hasNext());
    }

    /** An attempt at the day's query starts from scratch: no partial file, no page reader of an earlier attempt. */
    public void startAttempt(@ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) throws IOException {
        Files.deleteIfExists(measurement.file());
        measurement.pages(null);
    }

    /**
     * The attempt at the day's query failed. A failure of the wire (InfluxDB unreachable, busy, cut
     * or silent while its answer streamed) is thrown named with the measurement, the page reached and
     * the attempt, as a {@link DumpQueryBroke} that errors.yaml retries; the dump's own failures and
     * InfluxDB's answer ("error", "partial") are thrown as they are; anything else fails the
     * measurement, named the same way.
     */
    public void attemptFailed(Exchange exchange, @ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) {
        MessagePackPages pages = measurement.pages();
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Integer retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        int attempt = retries == null ? 1 : retries + 1;
        String where = pages == null ? "before its first page" : "on page " + (pages.pages() + 1)
                + " (" + pages.records() + " records read)";
        String failed = "the day's query of " + measurement + " failed " + where + ", attempt " + attempt + ": ";
        InfluxUnavailableException wire = find(failure, InfluxUnavailableException.class);
        if (wire != null) {
            throw new DumpQueryBroke(failed + "InfluxDB " + wire.what(), wire);
        }
        RuntimeException own = find(failure, RuntimeException.class);
        if (own != null) {
            throw own;
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        throw new DumpException(failed + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
    }

    /** The first failure in the chain of this type that is the tool's own. */
    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t) && t.getClass().getName().startsWith("io.influxswiftbackup.")) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** After the page loop: the counts, and the last timestamp the dump covers. */
    public void closePages(@ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) throws IOException {
        MessagePackPages pages = measurement.pages();
        if (pages == null) {
            return; // the query failed before its answer
        }
        pages.close();
        measurement.read(pages.records(), pages.lastTime(), pages.pages(), pages.elapsedMillis());
    }

    public void deleteLocalFile(@ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) throws IOException {
        Files.deleteIfExists(measurement.file());
    }

    public void recordSuccess(Exchange exchange, @ExchangeProperty(DumpRun.PROPERTY) DumpRun run,
                              @ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) {
        run.noteDumped(measurement.name());
        JobRun.noteRecords(exchange, measurement.name(), measurement.records());
    }

    /** One measurement failed: say so, drop its partial file, and go on with the others. */
    public void recordFailure(Exchange exchange, @ExchangeProperty(DumpRun.PROPERTY) DumpRun run,
                              @ExchangeProperty(MeasurementDump.PROPERTY) MeasurementDump measurement) throws IOException {
        String name = measurement.name();
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        InfluxAccessDeniedException refused = find(failure, InfluxAccessDeniedException.class);
        if (refused != null) {
            throw refused; // no other measurement can do better: the run fails at once
        }
        String reason = failure == null ? "unknown" : failure.getMessage();
        LOG.error("Dump of {} failed: {}", name, reason);
        run.noteFailed(name + ": " + reason);
        Files.deleteIfExists(measurement.file());
    }

    /** Fails the run, naming each measurement that failed, once all were tried. */
    public void requireAllDumped(@ExchangeProperty(DumpRun.PROPERTY) DumpRun run) {
        List<String> failures = run.failures();
        if (!failures.isEmpty()) {
            throw new DumpException("dump of " + run.day() + " failed for " + failures.size() + " measurement(s): "
                    + String.join("; ", failures));
        }
    }
}
