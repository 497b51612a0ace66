package io.influxswiftbackup.restore;

import com.fasterxml.jackson.databind.JsonNode;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.dump.InfluxQl;
import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.monitor.JobRun;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore drill (bean {@code restoreDrill}, after each restore into the intermediary, unless
 * {@code restore.drill=false}): the last complete day before the backup, the day before the restored
 * one (midnight to midnight in schedule.timezone), counted in production and in the intermediary,
 * per retention policy and measurement, with one {@code SELECT count(*)} per side and policy.
 * <p>
 * What is counted: {@code count(*)} answers one count per field, so the sum of a measurement's field
 * counts, its number of field values, is compared. Every point holds at least one field value, so a
 * point missing or added on one side (or a field value lost) changes it; two equal sums mean the same
 * number of values of that day, not only of points. A difference is a warning (log, the restore's
 * MBean, status), never a failure: the restore itself is good.
 */
public class RestoreDrill {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreDrill.class);

    /** The counts of one measurement in one retention policy that differ. */
    public record Difference(String retentionPolicy, String measurement, long production, long intermediary) {

        public String describe(Day day) {
            return "restore drill: day " + day + ", measurement " + measurement + " in retention policy " + retentionPolicy
                    + ": production holds " + production + " field values, the intermediary " + intermediary;
        }
    }

    private final boolean enabled;
    private final String database;
    private final ZoneId zone;
    private final InfluxClient production;
    private final InfluxClient intermediary;

    public RestoreDrill(boolean enabled, String database, String timezone, InfluxClient production, InfluxClient intermediary) {
        this.enabled = enabled;
        this.database = database;
        this.zone = Day.zone(timezone);
        this.production = production;
        this.intermediary = intermediary;
    }

    /** Compares the day before the restored one; each difference is a warning of the run. */
    public void compare(Exchange exchange, @ExchangeProperty(RestoreRun.PROPERTY) RestoreRun run) {
        if (!enabled) {
            return;
        }
        Day day = new Day(run.day().date().minusDays(1));
        try {
            List<Difference> differences = differences(day);
            differences.forEach(d -> JobRun.noteWarning(exchange, d.describe(day)));
            if (differences.isEmpty()) {
                LOG.info("Restore drill: day {} holds as many field values in the intermediary as in production, in every"
                        + " measurement and retention policy", day);
            }
        } catch (RuntimeException e) {
            JobRun.noteWarning(exchange, "restore drill: day " + day + " could not be compared: " + Failures.describe(e));
        }
    }

    List<Difference> differences(Day day) {
        Instant from = day.date().atStartOfDay(zone).toInstant();
        Instant to = day.date().plusDays(1).atStartOfDay(zone).toInstant();
        Set<String> policies = new TreeSet<>(retentionPolicies(production));
        policies.addAll(retentionPolicies(intermediary));
        List<Difference> differences = new ArrayList<>();
        for (String rp : policies) {
            String count = "SELECT count(*) FROM " + InfluxQl.identifier(database) + "." + InfluxQl.identifier(rp)
                    + "./.*/ WHERE time >= '" + from + "' AND time < '" + to + "'";
            differences.addAll(compare(rp, valuesByMeasurement(production.query(database, count)),
                    valuesByMeasurement(intermediary.query(database, count))));
        }
        return differences;
    }

    private List<String> retentionPolicies(InfluxClient influx) {
        List<String> names = new ArrayList<>();
        for (JsonNode row : influx.query(database, "SHOW RETENTION POLICIES ON " + InfluxQl.identifier(database))
                .path("series").path(0).path("values")) {
            names.add(row.path(0).asText());
        }
        return names;
    }

    /** Measurement → its field values: the sum of the count_* columns of its series in a count(*) answer. */
    static Map<String, Long> valuesByMeasurement(JsonNode answer) {
        Map<String, Long> values = new TreeMap<>();
        for (JsonNode series : answer.path("series")) {
            long sum = 0;
            for (JsonNode row : series.path("values")) {
                for (int i = 1; i < row.size(); i++) {
                    sum += row.get(i).asLong(0);
                }
            }
            values.merge(series.path("name").asText(), sum, Long::sum);
        }
        return values;
    }

    /** The measurements whose counts differ (a measurement missing on one side counts 0 there). */
    static List<Difference> compare(String rp, Map<String, Long> production, Map<String, Long> intermediary) {
        Set<String> measurements = new TreeSet<>(production.keySet());
        measurements.addAll(intermediary.keySet());
        List<Difference> differences = new ArrayList<>();
        for (String m : measurements) {
            long p = production.getOrDefault(m, 0L);
            long i = intermediary.getOrDefault(m, 0L);
            if (p != i) {
                differences.add(new Difference(rp, m, p, i));
            }
        }
        return differences;
    }
}
