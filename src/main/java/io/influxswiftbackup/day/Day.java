package io.influxswiftbackup.day;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The runbook's naming rules, in one place: a day D is stored in container {@code D}
 * ({@code YYYY-MM-DD}), its shards as {@code D/shards/<file>}, its dumps as
 * {@code D/influxdb/<measurement>_D-00:00:00_<D+1>-00:00:00.json}.
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

    public String shardsPrefix() {
        return container() + "/shards/";
    }

    public String shardObject(String fileName) {
        return shardsPrefix() + fileName;
    }

    /** {@code <measurement>_D-00:00:00_<D+1>-00:00:00.json}, the runbook's dump file name. */
    public String dumpFile(String measurement) {
        return measurement + "_" + container() + "-00:00:00_" + date.plusDays(1).format(ISO) + "-00:00:00.json";
    }

    public String dumpObject(String measurement) {
        return container() + "/influxdb/" + dumpFile(measurement);
    }

    @Override
    public String toString() {
        return container();
    }
}
