package io.influxswiftbackup.download;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.swift.UploadCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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

    /** The outcome of one object. */
    public record Outcome(String object, String action, long bytes, String problem) {
    }

    /** Sets up a download-dumps run from the caller's headers. */
    public void startDumps(Exchange exchange) throws IOException {
        start(exchange);
        exchange.setProperty("selection", exchange.getMessage().getHeader(SELECTION, DaySelection.class));
        exchange.setProperty("measurement", exchange.getMessage().getHeader(MEASUREMENT, String.class));
        exchange.setProperty("keepLayout", false);
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

    /** Adds a day's listed objects (of the wanted measurement, if one was given) to the download list. */
    @SuppressWarnings("unchecked")
    public void collect(Exchange exchange, List<Map<String, Object>> listing, @ExchangeProperty("container") String container,
                        @ExchangeProperty("prefix") String prefix, @ExchangeProperty("measurement") String measurement) {
        List<Map<String, Object>> objects = exchange.getProperty("objects", List.class);
        for (Map<String, Object> entry : listing) {
            String name = (String) entry.get("name");
            String rest = name.substring(prefix.length());
            if (measurement != null && !measurementOf(rest).equals(measurement)) {
                continue;
            }
            if (prefix.endsWith("/influxdb/") && !rest.endsWith(".json")) {
                continue;
            }
            Map<String, Object> object = new java.util.HashMap<>(entry);
            object.put("container", container);
            object.put("rest", rest);
            objects.add(object);
        }
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

    /** After a download: record it. */
    public void downloaded(Exchange exchange, @ExchangeProperty("objectName") String name,
                           @ExchangeProperty("downloadedBytes") Long bytes) {
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
