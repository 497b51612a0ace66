package io.influxswiftbackup.day;

import io.influxswiftbackup.swift.Listed;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a day in Swift is now: complete (a manifest, no mark), incomplete (a mark, whatever else:
 * a run still writing, or killed or failed midway), or without manifest and mark (made by the
 * runbook's scripts); with its objects (the container's, the manifest and its lock left out), their
 * bytes (a shard stored once by content counts its content's: what a download of the day gives), and
 * of those the bytes the day added to Swift (its plain objects and the content its backup stored
 * first, from its manifest; -1 without manifest).
 */
public record DayState(Day day, List<String> marks, boolean hasManifest, long objects, long bytes, long added) {

    public static final String COMPLETE = "complete";
    public static final String INCOMPLETE = "incomplete";
    public static final String NO_MANIFEST = "no manifest";

    /** The state of a day from its container's marks, its manifest (null: none), and its listing. */
    static DayState of(Day day, List<String> marks, DayManifest manifest, List<Map<String, Object>> listing) {
        long objects = 0;
        long bytes = 0;
        for (Map<String, Object> entry : listing) {
            String name = String.valueOf(entry.get("name"));
            if (!name.equals(day.manifestObject()) && !name.equals(day.manifestLock())) {
                objects++;
                bytes += Math.max(0, Listed.bytes(entry)); // a link: its content's size
            }
        }
        return new DayState(day, List.copyOf(marks), manifest != null, objects, bytes, manifest == null ? -1 : manifest.addedBytes());
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

    /** One line of 'list': {@code 2016-06-11  complete      12 objects       123456 bytes        2345 added}. */
    public String line() {
        return String.format("%s  %-10s %6d objects %15d bytes%s  %s", day.container(), state(), objects, bytes,
                added < 0 ? "" : String.format(" %15d added", added), COMPLETE.equals(state()) ? "" : describe()).stripTrailing();
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
        json.put("added", added < 0 ? null : added);
        return json;
    }
}
