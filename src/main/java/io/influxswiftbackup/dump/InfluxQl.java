package io.influxswiftbackup.dump;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** InfluxQL text built from names that come from configuration or the command line. */
public final class InfluxQl {

    private InfluxQl() {
    }

    /** A double-quoted identifier: never pasted raw into a query. */
    public static String identifier(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** {@code "rp"."m"}, or {@code "m"} for the database's default retention policy. */
    public static String source(String retentionPolicy, String measurement) {
        return (retentionPolicy == null || retentionPolicy.isBlank() ? "" : identifier(retentionPolicy) + ".")
                + identifier(measurement);
    }

    /** Every point of a measurement with {@code from <= time < to}. */
    public static String selectWindow(String retentionPolicy, String measurement, Instant from, Instant to) {
        return "SELECT * FROM " + source(retentionPolicy, measurement) + " WHERE time >= '" + from + "' AND time < '" + to + "'";
    }

    /** The form body of a POST to /query. */
    public static String form(String database, String query, Map<String, String> options) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("db", database);
        fields.put("q", query);
        fields.putAll(options);
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
