package io.influxswiftbackup.monitor;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/** A job's schedule as application.properties gives it: enabled or not, its Quartz cron, in schedule.timezone. */
public record Schedule(String job, boolean enabled, String cron, ZoneId zone) {

    /** The jobs, in the order of the night. */
    public static final List<String> JOBS = List.of("backup", "restore", "dump", "prune", "verify");

    private static final List<Duration> LOOK_BACK = List.of(Duration.ofDays(1), Duration.ofDays(8), Duration.ofDays(32),
            Duration.ofDays(367), Duration.ofDays(5 * 366));

    public static Schedule of(Settings settings, String job) {
        return new Schedule(job, settings.getBoolean(job + ".enabled"), settings.get(job + ".cron"),
                ZoneId.of(settings.get("schedule.timezone")));
    }

    private CronExpression expression() {
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(zone));
            return expression;
        } catch (ParseException e) {
            throw new ConfigException(job + ".cron: " + e.getMessage());
        }
    }

    /** The next time the cron names after {@code now}, or null if it names none. */
    public Instant nextFire(Instant now) {
        Date next = expression().getTimeAfter(Date.from(now));
        return next == null ? null : next.toInstant();
    }

    /** The last time the cron named at or before {@code now}, or null if none in five years. */
    public Instant previousFire(Instant now) {
        CronExpression expression = expression();
        for (Duration back : LOOK_BACK) {
            Instant last = null;
            Date next = expression.getTimeAfter(Date.from(now.minus(back)));
            while (next != null && !next.toInstant().isAfter(now)) {
                last = next.toInstant();
                next = expression.getTimeAfter(next);
            }
            if (last != null) {
                return last;
            }
        }
        return null;
    }

    /** The times the cron names after {@code after} and at or before {@code upTo}, oldest first, at most {@code limit} (the newest). */
    public List<Instant> firesBetween(Instant after, Instant upTo, int limit) {
        CronExpression expression = expression();
        java.util.ArrayDeque<Instant> fires = new java.util.ArrayDeque<>();
        for (Date next = expression.getTimeAfter(Date.from(after)); next != null && !next.toInstant().isAfter(upTo);
                next = expression.getTimeAfter(next)) {
            fires.addLast(next.toInstant());
            if (fires.size() > limit) {
                fires.removeFirst();
            }
        }
        return List.copyOf(fires);
    }

    public String describe() {
        return "cron " + cron + " (" + zone + ")";
    }
}
