package io.influxswiftbackup.day;

import io.influxswiftbackup.day.DayManifest.Entry;
import java.util.ArrayList;
import java.util.List;

/** A run of a job writing into a day: its mark ({@code <job> <run id>}) and the objects it stored (thread-safe). */
public final class DayWrite {

    private final Day day;
    private final String job;
    private final String mark;
    private final List<Entry> entries = new ArrayList<>();

    DayWrite(Day day, String job, String mark) {
        this.day = day;
        this.job = job;
        this.mark = mark;
    }

    public Day day() {
        return day;
    }

    public String job() {
        return job;
    }

    public String mark() {
        return mark;
    }

    /** An object this run stored and verified. */
    public synchronized void add(Entry entry) {
        entries.add(entry);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }
}
