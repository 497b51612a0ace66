package io.influxswiftbackup.day;

import io.influxswiftbackup.day.DayManifest.Entry;
import io.influxswiftbackup.swift.Listed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A day's objects as Swift lists them, against what the day should be: no mark left; each kind's
 * objects as its manifest lists them (the comparison of {@link DayCheck}: every object with its size
 * and MD5, none extra, none missing); nothing else in the container but the manifest (and its lock
 * while a run holds it); every static large object's segments there (their bytes add up to the
 * object's). One line per problem, naming the object. A day without manifest (made by the runbook's
 * scripts) is checked for marks and segments only.
 */
public final class DayVerification {

    private DayVerification() {
    }

    /** The problems of a day without links to follow ({@link #problems(Day, List, DayManifest, List, List, DayCheck.LinkCheck)}). */
    public static List<String> problems(Day day, List<String> marks, DayManifest manifest, List<Map<String, Object>> listing,
                                        List<Map<String, Object>> segments) {
        return problems(day, marks, manifest, listing, segments, ofListing -> List.of());
    }

    /**
     * The problems of {@code day}: {@code listing} is its container's whole listing, {@code segments}
     * its segments container's; {@code links} checks its links' targets (and their segments).
     */
    public static List<String> problems(Day day, List<String> marks, DayManifest manifest, List<Map<String, Object>> listing,
                                        List<Map<String, Object>> segments, DayCheck.LinkCheck links) {
        List<String> problems = new ArrayList<>();
        if (!marks.isEmpty()) {
            problems.add("container " + day.container() + " is still marked in progress (" + DayMarks.describe(marks) + ")");
        }
        if (manifest != null) {
            for (String kind : List.of(DayManifest.SHARD, DayManifest.DUMP)) {
                String prefix = DayManifest.SHARD.equals(kind) ? day.shardsPrefix() : day.dumpsPrefix();
                List<Map<String, Object>> ofKind = listing.stream().filter(o -> name(o).startsWith(prefix)).toList();
                problems.addAll(new DayCheck(day, kind, marks, manifest, false, links).problems(ofKind));
            }
            for (Map<String, Object> object : listing) {
                String name = name(object);
                if (!name.startsWith(day.shardsPrefix()) && !name.startsWith(day.dumpsPrefix())
                        && !name.equals(day.manifestObject()) && !name.equals(day.manifestLock())) {
                    problems.add(name + " is not in the manifest");
                }
            }
        }
        if (manifest == null) {
            problems.addAll(links.problems(listing));
        }
        for (Map<String, Object> object : listing) {
            // a link to a large object lists its slo_etag too: its segments are the target's (checked with the links)
            if (object.containsKey("slo_etag") && !Listed.isLink(object)) {
                String problem = segmentsProblem(object, segments);
                if (problem != null) {
                    problems.add(problem);
                }
            }
        }
        return problems;
    }

    /** Why a static large object's segments do not hold it (their bytes add up to less or more), or null. */
    static String segmentsProblem(Map<String, Object> object, List<Map<String, Object>> segments) {
        String name = name(object);
        long expected = bytes(object);
        long held = 0;
        int count = 0;
        for (Map<String, Object> segment : segments) {
            if (name(segment).startsWith(name + "/slo/")) {
                held += bytes(segment);
                count++;
            }
        }
        return held == expected ? null : name + " is a large object of " + expected + " bytes, but its " + count
                + " segment(s) hold " + held + " bytes: a segment is missing";
    }

    /** The manifest's entry of any kind named so, or null. */
    public static Entry entry(DayManifest manifest, String name) {
        return manifest == null ? null : manifest.objects().stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    private static String name(Map<String, Object> object) {
        return String.valueOf(object.get("name"));
    }

    private static long bytes(Map<String, Object> object) {
        return ((Number) object.getOrDefault("bytes", 0)).longValue();
    }
}
