package io.influxswiftbackup.download;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayCheck;
import io.influxswiftbackup.day.DayIncompleteException;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.download.DownloadRun.DownloadObject;
import io.influxswiftbackup.download.DownloadRun.Outcome;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.Downloaded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);

    private final SwiftClient swift;
    private final DayStore days;

    public Downloads(SwiftClient swift, DayStore days) {
        this.swift = swift;
        this.days = days;
    }

    /** Sets up a download-dumps run from the caller's headers; the day containers that match, from the account listing. */
    public List<String> startDumps(Exchange exchange) throws IOException {
        var in = exchange.getMessage();
        DaySelection selection = in.getHeader(SELECTION, DaySelection.class);
        exchange.setProperty(DownloadRun.PROPERTY, new DownloadRun(targetDir(exchange), forced(exchange), false, DayManifest.DUMP,
                in.getHeader(MEASUREMENT, String.class), null));
        in.removeHeaders("download*");
        List<String> selected = selection.select(swift.list(null, null).stream().map(e -> (String) e.get("name")).toList());
        LOG.info("{} day(s) selected: {}", selected.size(), selected);
        return selected;
    }

    /** Sets up a fetch-shards run: one day's D/shards/, kept as D/shards/<file> under the directory, as swift download does. */
    public String startShards(Exchange exchange) throws IOException {
        Day day = Day.parse(exchange.getMessage().getHeader(DAY, String.class));
        exchange.setProperty(DownloadRun.PROPERTY, new DownloadRun(targetDir(exchange), forced(exchange), true, DayManifest.SHARD,
                null, day));
        exchange.getMessage().removeHeaders("download*");
        return day.container();
    }

    private static Path targetDir(Exchange exchange) throws IOException {
        Path dir = Path.of(exchange.getMessage().getHeader(DIR, String.class)).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        return dir;
    }

    private static boolean forced(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getMessage().getHeader(FORCE, Boolean.class));
    }

    /**
     * One day's objects of the run's kind (dump files or shards), added to the download list. The day's
     * marks and manifest first: a day in progress is refused (unless --force); the objects of a day
     * with a manifest are checked against its entries of their kind.
     */
    public void collectDay(@ExchangeProperty(DownloadRun.PROPERTY) DownloadRun run, String container) {
        Day day = Day.parse(container);
        DayCheck check;
        try {
            check = days.check(day, run.kind(), run.force(), "download");
        } catch (DayIncompleteException e) {
            LOG.error("{}", e.getMessage());
            run.add(new Outcome(container, "refused", 0, e.getMessage()));
            return;
        }
        String prefix = DayManifest.SHARD.equals(run.kind()) ? day.shardsPrefix() : day.dumpsPrefix();
        List<Map<String, Object>> listing = swift.list(container, prefix);
        List<String> broken = check.links().problems(listing);
        if (!broken.isEmpty() && !run.force()) {
            String problem = "day " + container + " has broken links: " + String.join("; ", broken) + "; nothing downloaded";
            LOG.error("{}", problem);
            run.add(new Outcome(container, "refused", 0, problem));
            return;
        }
        collect(run, listing, container, prefix, check.expected());
    }

    /**
     * One object of the list (the body): where it goes, and what to do: download it, verified, and
     * check it against its manifest entry; skip it (the same file is there); or refuse it (a name that
     * would leave the directory, a different file there without --force, an object that differs
     * from the day's manifest).
     */
    public void download(Exchange exchange, @ExchangeProperty(DownloadRun.PROPERTY) DownloadRun run, DownloadObject object)
            throws IOException {
        Path target = target(run, object);
        if (target == null) {
            return;
        }
        Downloaded downloaded = swift.download(object.container(), object.name(), target);
        JobRun.noteDownloaded(exchange, downloaded);
        String mismatch = DayManifest.downloadMismatch(object.expected(), downloaded.bytes(), downloaded.sha256());
        if (mismatch != null) {
            Files.deleteIfExists(target);
            String problem = "download of " + object.name() + " does not match the day's manifest: " + mismatch + "; deleted";
            LOG.error("{}", problem);
            run.add(new Outcome(object.name(), "failed", 0, problem));
            return;
        }
        run.add(new Outcome(object.name(), "downloaded", downloaded.bytes(), null));
    }

    /**
     * Adds a day's listed objects (of the wanted measurement, if one was given) to the download list;
     * when the day has a manifest ({@value #DAY_OBJECTS}), with the entry each must match, and an
     * object it does not list, or one it lists that Swift does not hold, is refused.
     */
    private void collect(DownloadRun run, List<Map<String, Object>> listing, String container, String prefix,
                         Map<String, DayManifest.Entry> expected) {
        String measurement = run.measurement();
        Set<String> listed = new HashSet<>();
        for (Map<String, Object> entry : listing) {
            String name = (String) entry.get("name");
            String rest = name.substring(prefix.length());
            if (!wanted(rest, prefix, measurement)) {
                continue;
            }
            listed.add(name);
            if (expected != null && !expected.containsKey(name)) {
                refuse(run, name, "refused " + printable(name) + ": the manifest of day " + container + " does not list it");
                continue;
            }
            run.add(new DownloadObject(container, name, rest, entry, expected == null ? null : expected.get(name)));
        }
        if (expected != null) {
            expected.values().stream()
                    .filter(e -> e.name().startsWith(prefix) && wanted(e.name().substring(prefix.length()), prefix, measurement))
                    .filter(e -> !listed.contains(e.name()))
                    .forEach(e -> refuse(run, e.name(), e.name() + " is in the manifest of day " + container + " but not in Swift"));
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

    /** Where the object goes; null when it is skipped or refused (its outcome noted). */
    private Path target(DownloadRun run, DownloadObject object) throws IOException {
        String name = object.name();
        String rest = object.rest();
        String unsafe = unsafe(rest);
        if (unsafe != null) {
            refuse(run, name, "refused object " + printable(name) + ": " + unsafe + "; nothing written");
            return null;
        }
        Path dir = run.targetDir();
        Path target = run.keepLayout() ? dir.resolve(object.container()).resolve("shards").resolve(rest) : dir.resolve(rest);
        if (!target.normalize().startsWith(dir)) {
            refuse(run, name, "refused object " + printable(name) + ": it would be written outside " + dir);
            return null;
        }
        String differs = DayManifest.listingMismatch(object.listed(), object.expected());
        if (differs != null) {
            refuse(run, name, "refused " + printable(name) + ": Swift's object differs from the day's manifest (" + differs
                    + "); nothing written");
            return null;
        }
        if (Files.exists(target)) {
            String hash = object.hash();
            if (Files.size(target) == object.bytes() && hash != null && hash.equalsIgnoreCase(FileRange.md5(target))) {
                LOG.debug("Skipped {}: {} is already the same file", name, target);
                run.add(new Outcome(name, "skipped", 0, null));
                return null;
            }
            if (!run.force()) {
                refuse(run, name, target + " exists and differs from " + name + "; not overwritten (use --force)");
                return null;
            }
        }
        return target;
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

    private static void refuse(DownloadRun run, String name, String problem) {
        LOG.error("{}", problem);
        run.add(new Outcome(name, "refused", 0, problem));
    }

    /** A download that failed (the file under its final name is not touched). */
    public void failed(Exchange exchange, @ExchangeProperty(DownloadRun.PROPERTY) DownloadRun run, DownloadObject object) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String problem = failure == null ? "failed" : failure.getMessage();
        LOG.error("Download of {} failed: {}", object.name(), problem);
        run.add(new Outcome(object.name(), "failed", 0, problem));
    }

    /** One summary line; fails naming every object that was refused or failed. */
    public String summary(@ExchangeProperty(DownloadRun.PROPERTY) DownloadRun run) {
        List<Outcome> outcomes = run.outcomes();
        long downloaded = outcomes.stream().filter(o -> o.action().equals("downloaded")).count();
        long skipped = outcomes.stream().filter(o -> o.action().equals("skipped")).count();
        long bytes = outcomes.stream().mapToLong(Outcome::bytes).sum();
        double seconds = (System.nanoTime() - run.startNanos()) / 1e9;
        List<String> problems = outcomes.stream().filter(o -> o.problem() != null).map(Outcome::problem).toList();
        String line = String.format("%d files downloaded (%d bytes), %d already there, %d refused or failed, in %.1f s into %s",
                downloaded, bytes, skipped, problems.size(), seconds, run.targetDir());
        LOG.info("{}", line);
        if (!problems.isEmpty()) {
            throw new DownloadException(problems.size() + " object(s) not downloaded: " + String.join("; ", problems));
        }
        return line;
    }
}
