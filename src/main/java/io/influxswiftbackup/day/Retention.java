package io.influxswiftbackup.day;

import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which days go ({@code retention.days = N}): a day D is old when D is before today minus N days
 * (today in schedule.timezone). So at 00:45 on the 11th, N = 3 keeps the 8th, 9th and 10th: the
 * last N nightly backups. An old day goes with its {@code D_segments} container; the newest
 * complete day never goes, whatever its age. Containers whose names are not days are never touched.
 */
public record Retention(int days) {

    public static final String SEGMENTS_SUFFIX = "_segments";

    public Retention {
        if (days < 1) {
            throw new IllegalArgumentException("retention.days must be 1 or more, not " + days);
        }
    }

    /** The setting's value: null (empty) means retention is off. */
    public static Retention of(String value) {
        return value == null || value.isBlank() ? null : new Retention(Integer.parseInt(value.strip()));
    }

    /** The oldest day kept: today minus N days. */
    public LocalDate oldestKept(LocalDate today) {
        return today.minusDays(days);
    }

    public boolean isOld(Day day, LocalDate today) {
        return day.date().isBefore(oldestKept(today));
    }

    /** The day a container belongs to: {@code D} and {@code D_segments} belong to D; any other name to none (null). */
    public static Day dayOf(String container) {
        String name = container.endsWith(SEGMENTS_SUFFIX)
                ? container.substring(0, container.length() - SEGMENTS_SUFFIX.length()) : container;
        return Day.ofContainer(name);
    }

    /** The day containers (not their segments), newest first: the order in which to look for the newest complete day. */
    public static List<Day> newestFirst(Collection<String> containers) {
        return containers.stream().filter(Objects::nonNull).map(Day::ofContainer).filter(Objects::nonNull)
                .sorted(Comparator.comparing(Day::date).reversed()).toList();
    }

    /**
     * The days that go, oldest first: every day that has a container (its own or its segments') and
     * is old, except {@code newestComplete} (null when no day is complete).
     */
    public List<Day> toPrune(Collection<String> containers, LocalDate today, Day newestComplete) {
        TreeSet<LocalDate> old = new TreeSet<>();
        for (String container : containers) {
            Day day = container == null ? null : dayOf(container);
            if (day != null && isOld(day, today) && !day.equals(newestComplete)) {
                old.add(day.date());
            }
        }
        return old.stream().map(Day::new).toList();
    }
}
