package io.influxswiftbackup.day;

import io.influxswiftbackup.day.DayManifest.Entry;
import io.influxswiftbackup.swift.SwiftException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A day as {@link DayStore#check} found it before a restore or download of its objects of one kind:
 * its marks (accepted: none, or forced) and its manifest (null: a day made by the runbook's
 * scripts), which the listing and each download are checked against; and how its links' targets
 * are checked ({@link LinkCheck}).
 */
public record DayCheck(Day day, String kind, List<String> marks, DayManifest manifest, boolean force, LinkCheck links) {

    private static final Logger LOG = LoggerFactory.getLogger(DayCheck.class);

    /** The problems of a listing's links: each link whose target is missing or is not what the link is pinned to. */
    @FunctionalInterface
    public interface LinkCheck {
        List<String> problems(List<Map<String, Object>> listing);
    }

    /** A check of a day without links to follow. */
    public DayCheck(Day day, String kind, List<String> marks, DayManifest manifest, boolean force) {
        this(day, kind, marks, manifest, force, listing -> List.of());
    }

    /** The manifest's entries of the kind by name; null when the day has no manifest. */
    public Map<String, Entry> expected() {
        return manifest == null ? null : manifest.ofKind(kind);
    }

    public Entry expected(String name) {
        return manifest == null ? null : manifest.ofKind(kind).get(name);
    }

    /**
     * The listing of the day's objects of the kind against the manifest (each listed object in it with
     * the same size and MD5, each of its entries listed), and each link's target there as the link is
     * pinned to. Refused unless forced (then a warning).
     */
    public void requireListingMatches(List<Map<String, Object>> listing) {
        List<String> problems = problems(listing);
        if (problems.isEmpty()) {
            return;
        }
        String what = manifest == null ? "has broken links" : "does not match its manifest";
        if (!force) {
            throw new SwiftException("day " + day + " " + what + ": " + String.join("; ", problems));
        }
        LOG.warn("Day {} {} ({}); --force given", day, what, String.join("; ", problems));
    }

    /** Every problem of the listing, one line each naming the object: against the manifest (when there is one), and the links. */
    public List<String> problems(List<Map<String, Object>> listing) {
        List<String> problems = new ArrayList<>();
        if (manifest != null) {
            Map<String, Entry> entries = new java.util.LinkedHashMap<>(expected());
            for (Map<String, Object> object : listing) {
                String name = String.valueOf(object.get("name"));
                Entry entry = entries.remove(name);
                String mismatch = DayManifest.listingMismatch(object, entry);
                if (entry == null) {
                    problems.add(name + " is not in the manifest");
                } else if (mismatch != null) {
                    problems.add(name + " has " + mismatch);
                }
            }
            entries.keySet().forEach(name -> problems.add(name + " is in the manifest but not in Swift"));
        }
        problems.addAll(links.problems(listing));
        return problems;
    }

    /** After a verified download of {@code name}: its size and SHA-256 must be the manifest's, when it lists them. */
    public void requireDownloadMatches(String name, long size, String sha256) {
        String problem = DayManifest.downloadMismatch(expected(name), size, sha256);
        if (problem != null) {
            throw new SwiftException("download of " + name + " does not match the day's manifest: " + problem);
        }
    }
}
