package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Writes and queries points on a real InfluxDB over its HTTP API (test side only). */
public final class InfluxHttp {

    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    public InfluxHttp(String url) {
        this.url = url;
    }

    public String query(String database, String q) throws IOException, InterruptedException {
        String uri = url + "/query?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + (database == null ? "" : "&db=" + URLEncoder.encode(database, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertFalse(response.body().contains("\"error\""), response.body());
        return response.body();
    }

    /** Creates the database (if missing) and writes these points into it. */
    public void createWith(String database, String lineProtocol) throws IOException, InterruptedException {
        query(null, "CREATE DATABASE \"" + database + "\"");
        write(database, lineProtocol);
    }

    public void write(String database, String lineProtocol) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(url + "/write?precision=ns&db=" + URLEncoder.encode(database, StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(lineProtocol)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), response.body());
    }
}
