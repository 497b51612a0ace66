package io.influxswiftbackup.day;

import io.influxswiftbackup.swift.Listed;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a day in Swift is now: complete (a manifest, no mark), incomplete (a mark, whatever else:
 * a run still writing, or killed or failed midway), or without manifest and mark (made by the
 * runbook's scripts); with its objects (the container's, the manifest and its lock left out) and
 * their bytes (a shard stored once by content counts its content's).
 */
public record DayState(Day day, List<String> marks, boolean hasManifest, long objects, long bytes) {

    public static final String COMPLETE = "complete";
    public static final String INCOMPLETE = "incomplete";
    public static final String NO_MANIFEST = "no manifest";

    /** The state of a day from its container's marks, whether it has a manifest, and its listing. */
    static DayState of(Day day, List<String> marks, boolean hasManifest, List<Map<String, Object>> listing) {
        long objects = 0;
        long bytes = 0;
        for (Map<String, Object> entry : listing) {
            String name = String.valueOf(entry.get("name"));
            if (!name.equals(day.manifestObject()) && !name.equals(day.manifestLock())) {
                objects++;
                bytes += Math.max(0, Listed.bytes(entry)); // a link: its content's size
            }
        }
        return new DayState(day, List.copyOf(marks), hasManifest, objects, bytes);
    }

    public String state() {
        if (!marks.isEmpty()) {
            return INCOMPLETE;
        }
        return hasManifest ? COMPLETE : NO_MANIFEST;
    }

    /** {@code incomplete (marked: backup 20160611T235500Z-0a1b)}, {@code complete}, {@code no manifest (made by the runbook's scripts?)}. */
    public String describe() {
        return switch (state()) {
            case INCOMPLETE -> INCOMPLETE + " (marked: " + DayMarks.describe(marks) + (hasManifest ? "" : "; no manifest") + ")";
            case NO_MANIFEST -> NO_MANIFEST + " (made by the runbook's scripts?)";
            default -> COMPLETE;
        };
    }

    /** One line of 'list': {@code 2016-06-11  complete  12 objects  123456 bytes}. */
    public String line() {
        return String.format("%s  %-10s %6d objects %15d bytes  %s", day.container(), state(), objects, bytes,
                COMPLETE.equals(state()) ? "" : describe()).stripTrailing();
    }

    /** As 'list --json' shows it. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("day", day.container());
        json.put("state", state());
        json.put("marks", marks);
        json.put("manifest", hasManifest);
        json.put("objects", objects);
        json.put("bytes", bytes);
        return json;
    }
}
