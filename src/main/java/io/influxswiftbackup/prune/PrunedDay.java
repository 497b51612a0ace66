package io.influxswiftbackup.prune;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.Retention;
import io.influxswiftbackup.swift.Listed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One day that goes: what its container ({@code D}) and its segments' container ({@code D_segments})
 * hold, as listed before anything is deleted. Either container may be missing (a day pruned halfway
 * before, or made without large objects).
 */
public final class PrunedDay {

    private final Day day;
    private boolean hasContainer;
    private boolean hasSegmentsContainer;
    private final List<Map<String, Object>> objects = new ArrayList<>();
    private final List<Map<String, Object>> segments = new ArrayList<>();

    PrunedDay(Day day) {
        this.day = day;
    }

    public Day day() {
        return day;
    }

    public String container() {
        return day.container();
    }

    public String segmentsContainer() {
        return day.segmentsContainer();
    }

    public boolean hasContainer() {
        return hasContainer;
    }

    /** The containers that exist, the day's first: each is deleted once emptied. */
    public List<String> containers() {
        List<String> names = new ArrayList<>();
        if (hasContainer) {
            names.add(container());
        }
        if (hasSegmentsContainer) {
            names.add(segmentsContainer());
        }
        return names;
    }

    /** The listing of one of the day's containers. */
    void listed(String container, List<Map<String, Object>> entries) {
        if (container.equals(segmentsContainer())) {
            hasSegmentsContainer = true;
            segments.addAll(entries);
        } else {
            hasContainer = true;
            objects.addAll(entries);
        }
    }

    /** One listed object or segment, in its container. */
    public record Entry(String container, Map<String, Object> listed) {
        public String name() {
            return String.valueOf(listed.get("name"));
        }
    }

    /** Every object, then every segment, to delete. */
    public List<Entry> entriesToDelete() {
        List<Entry> all = new ArrayList<>();
        objects.forEach(object -> all.add(new Entry(container(), object)));
        segments.forEach(segment -> all.add(new Entry(segmentsContainer(), segment)));
        return all;
    }

    /** The bytes an entry takes in Swift ({@link Listed#storedBytes}). */
    static long storedBytes(Map<String, Object> entry) {
        return Listed.storedBytes(entry);
    }

    public long objectBytes() {
        return objects.stream().mapToLong(PrunedDay::storedBytes).sum();
    }

    public long segmentBytes() {
        return segments.stream().mapToLong(PrunedDay::storedBytes).sum();
    }

    public int entries() {
        return objects.size() + segments.size();
    }

    public long bytes() {
        return objectBytes() + segmentBytes();
    }

    /** "2015-01-01: 3 objects (1234 bytes), 2 segments (2048 bytes)". */
    public String describe() {
        return day + ": " + objects.size() + (objects.size() == 1 ? " object (" : " objects (") + objectBytes() + " bytes), "
                + segments.size() + (segments.size() == 1 ? " segment (" : " segments (") + segmentBytes() + " bytes)";
    }
}
