package io.influxswiftbackup.dump;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * One dump run, exchange property {@value #PROPERTY}: the day and its window (midnight to midnight
 * in schedule.timezone), whether it was forced, the dump files already in Swift, the run's writing
 * into the day, and the measurements dumped and failed so far. Edited routes may read it:
 * {@code ${exchangeProperty.dump.day()}}, {@code dumped()}, {@code failures()}.
 */
public final class DumpRun {

    public static final String PROPERTY = "dump";

    private final Day day;
    private final Instant from;
    private final Instant to;
    private final boolean force;
    private final Set<String> existing;
    private final DayWrite write;
    private final List<String> dumped = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    DumpRun(Day day, Instant from, Instant to, boolean force, Set<String> existing, DayWrite write) {
        this.day = day;
        this.from = from;
        this.to = to;
        this.force = force;
        this.existing = Set.copyOf(existing);
        this.write = write;
    }

    public Day day() {
        return day;
    }

    public Instant from() {
        return from;
    }

    public Instant to() {
        return to;
    }

    public boolean force() {
        return force;
    }

    /** Whether an earlier dump put this object in Swift already. */
    public boolean inSwift(String objectName) {
        return existing.contains(objectName);
    }

    DayWrite write() {
        return write;
    }

    /** The measurements dumped so far. */
    public List<String> dumped() {
        synchronized (dumped) {
            return List.copyOf(dumped);
        }
    }

    /** {@code <measurement>: <why>} of each that failed so far. */
    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    void noteDumped(String measurement) {
        dumped.add(measurement);
    }

    void noteFailed(String failure) {
        failures.add(failure);
    }
}
