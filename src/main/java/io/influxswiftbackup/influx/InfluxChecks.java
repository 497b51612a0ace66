package io.influxswiftbackup.influx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * Reading InfluxDB's answers: {@code /query} reports errors as HTTP 200 with an "error" field, so
 * every answer is checked here. Also the wait until an InfluxDB that was (re)started answers.
 */
public class InfluxChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final long timeoutMs;

    public InfluxChecks(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /** Waits until {@code url}/ping answers 204, at most the configured time. */
    public void awaitAnswer(@ExchangeProperty("influxUrl") String url) throws InterruptedException {
        Instant deadline = Instant.now().plusMillis(timeoutMs);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            last = ping(url);
            if (last == null) {
                return;
            }
            Thread.sleep(200);
        }
        throw new InfluxException("InfluxDB at " + url + " did not answer within " + timeoutMs / 1000 + " s (" + last + ")");
    }

    /** One {@code /ping}: null when InfluxDB answers 204, else what it did. */
    public String ping(String url) {
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 204 ? null : "InfluxDB at " + url + " answered HTTP " + status;
        } catch (IOException e) {
            return "InfluxDB at " + url + " does not answer (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking InfluxDB at " + url;
        }
    }

    /** Sends the target's credentials, if it has any, with the next InfluxDB call. */
    public void authorize(Exchange exchange, @ExchangeProperty("influxAuthorization") String authorization) {
        if (authorization != null) {
            exchange.getMessage().setHeader("Authorization", authorization);
        }
    }

    /** The value of an Authorization header for optional basic-auth credentials, or null. */
    public static String basicAuth(String user, String password) {
        if (user == null || user.isBlank()) {
            return null;
        }
        String pair = user + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Parses a /query answer and fails on an error inside it. */
    public static JsonNode result(Exchange exchange) throws IOException {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        JsonNode root;
        try (InputStream body = exchange.getMessage().getBody(InputStream.class)) {
            root = body == null ? JSON.createObjectNode() : JSON.readTree(body);
        }
        if (status != null && status != 200) {
            throw new InfluxException("InfluxDB answered " + status + ": " + root.path("error").asText(""));
        }
        JsonNode first = root.path("results").path(0);
        if (root.has("error") || first.has("error")) {
            throw new InfluxException("InfluxDB: " + (root.has("error") ? root.get("error") : first.get("error")).asText());
        }
        return first;
    }

    /** After {@code SHOW DATABASES}: the restored database must be there. */
    public void requireDatabase(Exchange exchange, @ExchangeProperty("database") String database) throws IOException {
        for (JsonNode row : result(exchange).path("series").path(0).path("values")) {
            if (database.equals(row.path(0).asText())) {
                return;
            }
        }
        throw new InfluxException("database " + database + " does not exist after the restore");
    }

    /** After {@code SELECT * FROM /.* / LIMIT 1}: the database must hold at least one point. */
    public void requireData(Exchange exchange, @ExchangeProperty("database") String database) throws IOException {
        if (result(exchange).path("series").isEmpty()) {
            throw new InfluxException("database " + database + " holds no point after the restore");
        }
    }

    /** After a statement that returns nothing: fails on an error inside the answer. */
    public void requireNoError(Exchange exchange) throws IOException {
        result(exchange);
    }

    /** Whether a SELECT answer holds any series. */
    public static boolean hasSeries(JsonNode result) {
        return !result.path("series").isEmpty();
    }
}
