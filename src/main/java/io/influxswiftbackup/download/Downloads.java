package io.influxswiftbackup.download;

import io.influxswiftbackup.day.DayCheck;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.DayIncompleteException;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.Downloaded;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DaySelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manual downloads: which objects (dump files of the selected days, or one day's shards),
 * where each goes inside the target directory (never outside it), whether a file already there is
 * the same object (skipped) or a different one (kept unless --force), and the summary.
 */
public class Downloads {

    public static final String SELECTION = "downloadSelection";
    public static final String MEASUREMENT = "downloadMeasurement";
    public static final String DIR = "downloadDir";
    public static final String FORCE = "downloadForce";
    public static final String DAY = "downloadDay";
    /** On one object of the list, its manifest entry (null: its day has no manifest). */
    static final String EXPECTED = "manifestEntry";
    /** What is downloaded: the manifest kind ({@code dump} or {@code shard}) whose entries the objects are checked against. */
    static final String KIND = "downloadKind";

    private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);

    private final SwiftClient swift;
    private final DayStore days;

    public Downloads(SwiftClient swift, DayStore days) {
        this.swift = swift;
        this.days = days;
    }

    /** The outcome of one object. */
    public record Outcome(String object, String action, long bytes, String problem) {
    }

    /** Sets up a download-dumps run from the caller's headers; the day containers that match, from the account listing. */
    public List<String> startDumps(Exchange exchange) throws IOException {
        start(exchange);
        DaySelection selection = exchange.getMessage().getHeader(SELECTION, DaySelection.class);
        exchange.setProperty("measurement", exchange.getMessage().getHeader(MEASUREMENT, String.class));
        exchange.setProperty("keepLayout", false);
        exchange.setProperty(KIND, DayManifest.DUMP);
        exchange.getMessage().removeHeaders("download*");
        List<String> selected = selection.select(swift.list(null, null).stream().map(e -> (String) e.get("name")).toList());
        LOG.info("{} day(s) selected: {}", selected.size(), selected);
        return selected;
    }

    /** Sets up a fetch-shards run: one day's D/shards/, kept as D/shards/<file> under the directory, as swift download does. */
    public String startShards(Exchange exchange) throws IOException {
        start(exchange);
        Day day = Day.parse(exchange.getMessage().getHeader(DAY, String.class));
        exchange.setProperty("day", day);
        exchange.setProperty("keepLayout", true);
        exchange.setProperty(KIND, DayManifest.SHARD);
        exchange.getMessage().removeHeaders("download*");
        return day.container();
    }

    /**
     * One day's objects of the run's kind (dump files or shards), added to the download list. The day's
     * marks and manifest first: a day in progress is refused (unless --force); the objects of a day
     * with a manifest are checked against its entries of their kind.
     */
    public void collectDay(Exchange exchange, String container, @ExchangeProperty("force") boolean force,
                           @ExchangeProperty(KIND) String kind, @ExchangeProperty("measurement") String measurement) {
        Day day = Day.parse(container);
        DayCheck check;
        try {
            check = days.check(day, kind, force, "download");
        } catch (DayIncompleteException e) {
            LOG.error("{}", e.getMessage());
            outcomes(exchange).add(new Outcome(container, "refused", 0, e.getMessage()));
            return;
        }
        String prefix = DayManifest.SHARD.equals(kind) ? day.shardsPrefix() : day.dumpsPrefix();
        collect(exchange, swift.list(container, prefix), container, prefix, measurement, check.expected());
    }

    /** Downloads one object of the list, when {@link #prepare} says so, verified; then checked against its manifest entry. */
    public void download(Exchange exchange, @ExchangeProperty("targetFile") String targetFile) throws IOException {
        prepare(exchange, exchange.getProperty("targetDir", String.class), exchange.getProperty("keepLayout", Boolean.class),
                exchange.getProperty("force", Boolean.class));
        if (!"download".equals(exchange.getProperty("action"))) {
            return;
        }
        Path target = Path.of(exchange.getProperty("targetFile", String.class));
        Downloaded downloaded = swift.download(exchange.getProperty("container", String.class),
                exchange.getProperty("objectName", String.class), target);
        JobRun.noteDownloaded(exchange, downloaded);
        downloaded(exchange, exchange.getProperty("objectName", String.class), downloaded.bytes(), downloaded.sha256(),
                exchange.getProperty(EXPECTED, DayManifest.Entry.class), target.toString());
    }

    private void start(Exchange exchange) throws IOException {
        Path dir = Path.of(exchange.getMessage().getHeader(DIR, String.class)).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        exchange.setProperty("targetDir", dir.toString());
        exchange.setProperty("force", Boolean.TRUE.equals(exchange.getMessage().getHeader(FORCE, Boolean.class)));
        exchange.setProperty("objects", Collections.synchronizedList(new ArrayList<Map<String, Object>>()));
        exchange.setProperty("outcomes", Collections.synchronizedList(new ArrayList<Outcome>()));
        exchange.setProperty("startNanos", System.nanoTime());
    }

    /**
     * Adds a day's listed objects (of the wanted measurement, if one was given) to the download list;
     * when the day has a manifest ({@value #DAY_OBJECTS}), with the entry each must match, and an
     * object it does not list, or one it lists that Swift does not hold, is refused.
     */
    @SuppressWarnings("unchecked")
    private void collect(Exchange exchange, List<Map<String, Object>> listing, String container, String prefix, String measurement,
                         Map<String, DayManifest.Entry> expected) {
        List<Map<String, Object>> objects = exchange.getProperty("objects", List.class);
        Set<String> listed = new HashSet<>();
        for (Map<String, Object> entry : listing) {
            String name = (String) entry.get("name");
            String rest = name.substring(prefix.length());
            if (!wanted(rest, prefix, measurement)) {
                continue;
            }
            listed.add(name);
            if (expected != null && !expected.containsKey(name)) {
                refuse(exchange, name, "refused " + printable(name) + ": the manifest of day " + container + " does not list it");
                continue;
            }
            Map<String, Object> object = new java.util.HashMap<>(entry);
            object.put("container", container);
            object.put("rest", rest);
            if (expected != null) {
                object.put(EXPECTED, expected.get(name));
            }
            objects.add(object);
        }
        if (expected != null) {
            expected.values().stream()
                    .filter(e -> e.name().startsWith(prefix) && wanted(e.name().substring(prefix.length()), prefix, measurement))
                    .filter(e -> !listed.contains(e.name()))
                    .forEach(e -> refuse(exchange, e.name(), e.name() + " is in the manifest of day " + container + " but not in Swift"));
        }
    }

    private static boolean wanted(String rest, String prefix, String measurement) {
        if (measurement != null && !measurementOf(rest).equals(measurement)) {
            return false;
        }
        return !prefix.endsWith("/influxdb/") || rest.endsWith(".json");
    }

    /** {@code Aggregated_metrics_2016-06-11-00:00:00_2016-06-12-00:00:00.json} → {@code Aggregated_metrics}. */
    static String measurementOf(String fileName) {
        return fileName.replaceFirst("_\\d{4}-\\d{2}-\\d{2}-00:00:00_\\d{4}-\\d{2}-\\d{2}-00:00:00\\.json$", "");
    }

    /**
     * For one object of the list (the body): where it goes, and what to do. Sets {@code action}:
     * download, skip (the same file is there), or refuse (a name that would leave the directory,
     * or a different file there without --force).
     */
    @SuppressWarnings("unchecked")
    void prepare(Exchange exchange, String targetDir, boolean keepLayout, boolean force)
            throws IOException {
        Map<String, Object> object = exchange.getMessage().getBody(Map.class);
        String name = (String) object.get("name");
        String rest = (String) object.get("rest");
        exchange.setProperty("container", object.get("container"));
        exchange.setProperty("objectName", name);
        String unsafe = unsafe(rest);
        if (unsafe != null) {
            refuse(exchange, name, "refused object " + printable(name) + ": " + unsafe + "; nothing written");
            return;
        }
        Path dir = Path.of(targetDir);
        Path target = keepLayout ? dir.resolve((String) object.get("container")).resolve("shards").resolve(rest) : dir.resolve(rest);
        if (!target.normalize().startsWith(dir)) {
            refuse(exchange, name, "refused object " + printable(name) + ": it would be written outside " + dir);
            return;
        }
        exchange.setProperty("targetFile", target.toString());
        long bytes = ((Number) object.getOrDefault("bytes", -1)).longValue();
        DayManifest.Entry expected = (DayManifest.Entry) object.get(EXPECTED);
        exchange.setProperty(EXPECTED, expected);
        String differs = differsFromManifest(object, expected);
        if (differs != null) {
            refuse(exchange, name, "refused " + printable(name) + ": Swift's object differs from the day's manifest (" + differs
                    + "); nothing written");
            return;
        }
        if (Files.exists(target)) {
            String hash = (String) object.get("hash");
            if (Files.size(target) == bytes && hash != null && hash.equalsIgnoreCase(FileRange.md5(target))) {
                exchange.setProperty("action", "skip");
                LOG.info("Skipped {}: {} is already the same file", name, target);
                outcomes(exchange).add(new Outcome(name, "skipped", 0, null));
                return;
            }
            if (!force) {
                refuse(exchange, name, target + " exists and differs from " + name + "; not overwritten (use --force)");
                return;
            }
        }
        exchange.setProperty("action", "download");
    }

    /** How the listed object differs from its manifest entry (size, or MD5 unless a large object), or null. */
    static String differsFromManifest(Map<String, Object> listed, DayManifest.Entry expected) {
        if (expected == null) {
            return null;
        }
        long bytes = ((Number) listed.getOrDefault("bytes", -1)).longValue();
        String hash = String.valueOf(listed.get("hash"));
        if (bytes != expected.size()) {
            return bytes + " bytes, the manifest says " + expected.size();
        }
        if (!listed.containsKey("slo_etag") && !hash.equalsIgnoreCase(expected.md5())) {
            return "MD5 " + hash + ", the manifest says " + expected.md5();
        }
        return null;
    }

    /** Why a file name inside the listing cannot be written, or null. */
    static String unsafe(String rest) {
        if (rest.isEmpty()) {
            return "its name ends in '/'";
        }
        if (rest.startsWith("/")) {
            return "its name is an absolute path";
        }
        if (rest.contains("\0")) {
            return "its name holds a NUL";
        }
        if (rest.contains("\\")) {
            return "its name holds a backslash";
        }
        for (String part : rest.split("/", -1)) {
            if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                return "its name holds a '" + part + "' path segment";
            }
        }
        if (rest.contains("/")) {
            return "its name holds a '/' where a plain file name is expected";
        }
        return null;
    }

    private static String printable(String name) {
        return name.replace("\0", "\\0");
    }

    private void refuse(Exchange exchange, String name, String problem) {
        exchange.setProperty("action", "refuse");
        LOG.error("{}", problem);
        outcomes(exchange).add(new Outcome(name, "refused", 0, problem));
    }

    /** After a verified download: record it; one whose size or SHA-256 is not its manifest entry's is deleted and failed. */
    private void downloaded(Exchange exchange, String name, long bytes, String sha256, DayManifest.Entry expected,
                            String targetFile) throws IOException {
        String mismatch = DayManifest.downloadMismatch(expected, bytes, sha256);
        if (mismatch != null) {
            Files.deleteIfExists(Path.of(targetFile));
            String problem = "download of " + name + " does not match the day's manifest: " + mismatch + "; deleted";
            LOG.error("{}", problem);
            outcomes(exchange).add(new Outcome(name, "failed", 0, problem));
            return;
        }
        outcomes(exchange).add(new Outcome(name, "downloaded", bytes, null));
    }

    /** A download that failed (the file under its final name is not touched). */
    public void failed(Exchange exchange, @ExchangeProperty("objectName") String name) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String problem = failure == null ? "failed" : failure.getMessage();
        LOG.error("Download of {} failed: {}", name, problem);
        outcomes(exchange).add(new Outcome(name, "failed", 0, problem));
    }

    /** One summary line; fails naming every object that was refused or failed. */
    public String summary(Exchange exchange) {
        List<Outcome> outcomes = outcomes(exchange);
        long downloaded = outcomes.stream().filter(o -> o.action().equals("downloaded")).count();
        long skipped = outcomes.stream().filter(o -> o.action().equals("skipped")).count();
        long bytes = outcomes.stream().mapToLong(Outcome::bytes).sum();
        double seconds = (System.nanoTime() - exchange.getProperty("startNanos", Long.class)) / 1e9;
        List<String> problems = outcomes.stream().filter(o -> o.problem() != null).map(Outcome::problem).toList();
        String line = String.format("%d files downloaded (%d bytes), %d already there, %d refused or failed, in %.1f s into %s",
                downloaded, bytes, skipped, problems.size(), seconds, exchange.getProperty("targetDir"));
        LOG.info("{}", line);
        if (!problems.isEmpty()) {
            throw new DownloadException(problems.size() + " object(s) not downloaded: " + String.join("; ", problems));
        }
        return line;
    }

    @SuppressWarnings("unchecked")
    private static List<Outcome> outcomes(Exchange exchange) {
        return exchange.getProperty("outcomes", List.class);
    }
}
