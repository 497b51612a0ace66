package io.influxswiftbackup.download;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayMarks;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.swift.DownloadCheck;
import io.influxswiftbackup.swift.UploadCheck;
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
    /** A day's manifest objects by name (null: the day has no manifest); on one object, its manifest entry. */
    static final String DAY_OBJECTS = "dayManifestObjects";
    static final String EXPECTED = "manifestEntry";
    /** What is downloaded: the manifest kind ({@code dump} or {@code shard}) whose entries the objects are checked against. */
    static final String KIND = "downloadKind";

    private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);

    /** The outcome of one object. */
    public record Outcome(String object, String action, long bytes, String problem) {
    }

    /** Sets up a download-dumps run from the caller's headers. */
    public void startDumps(Exchange exchange) throws IOException {
        start(exchange);
        exchange.setProperty("selection", exchange.getMessage().getHeader(SELECTION, DaySelection.class));
        exchange.setProperty("measurement", exchange.getMessage().getHeader(MEASUREMENT, String.class));
        exchange.setProperty("keepLayout", false);
        exchange.setProperty(KIND, "dump");
        exchange.getMessage().removeHeaders("download*");
    }

    /** Sets up a fetch-shards run: one day's D/shards/, kept as D/shards/<file> under the directory, as swift download does. */
    public void startShards(Exchange exchange) throws IOException {
        start(exchange);
        Day day = Day.parse(exchange.getMessage().getHeader(DAY, String.class));
        exchange.setProperty("day", day);
        exchange.setProperty("container", day.container());
        exchange.setProperty("prefix", day.shardsPrefix());
        exchange.setProperty("keepLayout", true);
        exchange.setProperty(KIND, "shard");
        exchange.getMessage().removeHeaders("download*");
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

    /** From the account listing: the day containers the selection names. */
    public List<String> selectDays(List<Map<String, Object>> accountListing, @ExchangeProperty("selection") DaySelection selection) {
        List<String> days = selection.select(accountListing.stream().map(e -> (String) e.get("name")).toList());
        LOG.info("{} day(s) selected: {}", days.size(), days);
        return days;
    }

    /**
     * Before a day's objects of the run's kind (dump files or shards) are listed (properties dayMarks
     * and previousManifest read): a day that carries any in-progress mark is refused, named with its
     * marks, unless --force; a day without manifest (the runbook's scripts) is downloaded with a
     * warning; otherwise its manifest's entries of that kind become property {@value #DAY_OBJECTS},
     * which every object is checked against.
     */
    public void checkDay(Exchange exchange, @ExchangeProperty("container") String container,
                         @ExchangeProperty(DayManifest.DAY_MARKS) List<String> marks, @ExchangeProperty("force") boolean force,
                         @ExchangeProperty(DayManifest.PREVIOUS) String manifest, @ExchangeProperty(KIND) String kind)
            throws IOException {
        String objects = "shard".equals(kind) ? "shards" : "dump files";
        exchange.setProperty("dayRefused", false);
        exchange.setProperty(DAY_OBJECTS, null);
        boolean marked = marks != null && !marks.isEmpty();
        if (marked && !force) {
            exchange.setProperty("dayRefused", true);
            String problem = "day " + container + " is incomplete: still marked in progress (" + DayMarks.describe(marks)
                    + "); its " + objects + " are not downloaded (use --force to download them anyway)";
            LOG.error("{}", problem);
            outcomes(exchange).add(new Outcome(container, "refused", 0, problem));
            return;
        }
        if (marked) {
            LOG.warn("Day {} is incomplete (marked in progress: {}); --force given, downloading what is there",
                    container, DayMarks.describe(marks));
        }
        if (manifest == null) {
            LOG.warn("Day {} has no manifest ({}/manifest.json missing: made by the runbook's scripts?);"
                    + " its {} are verified against Swift's checksums only", container, container, objects);
            return;
        }
        Map<String, DayManifest.Entry> expected = new java.util.HashMap<>();
        DayManifest.entries(manifest).stream().filter(entry -> kind.equals(entry.kind()))
                .forEach(entry -> expected.put(entry.name(), entry));
        exchange.setProperty(DAY_OBJECTS, expected);
    }

    /**
     * Adds a day's listed objects (of the wanted measurement, if one was given) to the download list;
     * when the day has a manifest ({@value #DAY_OBJECTS}), with the entry each must match, and an
     * object it does not list, or one it lists that Swift does not hold, is refused.
     */
    @SuppressWarnings("unchecked")
    public void collect(Exchange exchange, List<Map<String, Object>> listing, @ExchangeProperty("container") String container,
                        @ExchangeProperty("prefix") String prefix, @ExchangeProperty("measurement") String measurement) {
        List<Map<String, Object>> objects = exchange.getProperty("objects", List.class);
        Map<String, DayManifest.Entry> expected = exchange.getProperty(DAY_OBJECTS, Map.class);
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
    public void prepare(Exchange exchange, @ExchangeProperty("targetDir") String targetDir,
                        @ExchangeProperty("keepLayout") boolean keepLayout, @ExchangeProperty("force") boolean force)
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
            if (Files.size(target) == bytes && hash != null && hash.equalsIgnoreCase(UploadCheck.md5(target.toFile()))) {
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
    public void downloaded(Exchange exchange, @ExchangeProperty("objectName") String name,
                           @ExchangeProperty("downloadedBytes") Long bytes,
                           @ExchangeProperty(DownloadCheck.DOWNLOADED_SHA256) String sha256,
                           @ExchangeProperty(EXPECTED) DayManifest.Entry expected,
                           @ExchangeProperty("targetFile") String targetFile) throws IOException {
        String mismatch = DayManifest.downloadMismatch(expected, bytes, sha256);
        if (mismatch != null) {
            Files.deleteIfExists(Path.of(targetFile));
            String problem = "download of " + name + " does not match the day's manifest: " + mismatch + "; deleted";
            LOG.error("{}", problem);
            outcomes(exchange).add(new Outcome(name, "failed", 0, problem));
            return;
        }
        outcomes(exchange).add(new Outcome(name, "downloaded", bytes == null ? 0 : bytes, null));
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
