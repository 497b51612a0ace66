package io.influxswiftbackup.day;

import io.influxswiftbackup.swift.LargeObjects;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Everything of a day is named here, once: a day D is stored in container {@code D}
 * ({@code YYYY-MM-DD}), its shards as {@code D/shards/<file>}, its dumps as
 * {@code D/influxdb/<measurement>_D-00:00:00_<D+1>-00:00:00.json} (the runbook's names), its
 * manifest {@code D/manifest.json} and the manifest's lock {@code D/manifest.lock}, its large
 * objects' segments in {@code D_segments} (as {@code swift upload --use-slo} names them). The
 * intermediary records the day it holds in {@code <dump.dir>/restored-day}.
 */
public record Day(LocalDate date) {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_LOCAL_DATE;

    public static Day parse(String text) {
        try {
            return new Day(LocalDate.parse(text.strip(), ISO));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a date of the form YYYY-MM-DD");
        }
    }

    /** The day a container holds: only one named exactly {@code YYYY-MM-DD} holds one (else null). */
    public static Day ofContainer(String container) {
        try {
            Day day = parse(container);
            return day.container().equals(container) ? day : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static Day today(Clock clock, String timezone) {
        return new Day(LocalDate.now(clock.withZone(zone(timezone))));
    }

    public static ZoneId zone(String timezone) {
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + timezone + "'");
        }
    }

    public String container() {
        return date.format(ISO);
    }

    /** The file in dump.dir that names the day the intermediary holds. */
    public static final String RESTORED_DAY_FILE = "restored-day";

    public String shardsPrefix() {
        return container() + "/shards/";
    }

    public String dumpsPrefix() {
        return container() + "/influxdb/";
    }

    public String manifestObject() {
        return container() + "/manifest.json";
    }

    public String manifestLock() {
        return container() + "/manifest.lock";
    }

    public String segmentsContainer() {
        return LargeObjects.segmentContainer(container());
    }

    public String shardObject(String fileName) {
        return shardsPrefix() + fileName;
    }

    /** {@code <measurement>_D-00:00:00_<D+1>-00:00:00.json}, the runbook's dump file name. */
    public String dumpFile(String measurement) {
        return measurement + "_" + container() + "-00:00:00_" + date.plusDays(1).format(ISO) + "-00:00:00.json";
    }

    public String dumpObject(String measurement) {
        return dumpsPrefix() + dumpFile(measurement);
    }

    @Override
    public String toString() {
        return container();
    }
}
