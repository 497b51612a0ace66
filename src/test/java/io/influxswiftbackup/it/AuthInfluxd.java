package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * An influxd of a test's own, with {@code [http] auth-enabled = true} and one admin user, in its own
 * directories on free loopback ports; the shared servers of scripts/local-env stay as they are. It
 * fails the test (never skips it) when influxd is missing or does not start.
 */
final class AuthInfluxd implements AutoCloseable {

    private static final Path INFLUXD = Path.of("/usr/bin/influxd");

    private final Process process;
    private final Path dir;
    private final int httpPort;
    private final int rpcPort;
    private final String authorization;
    private final HttpClient http = HttpClient.newHttpClient();

    private AuthInfluxd(Process process, Path dir, int httpPort, int rpcPort, String user, String password) {
        this.process = process;
        this.dir = dir;
        this.httpPort = httpPort;
        this.rpcPort = rpcPort;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Starts it under {@code dir}, waits until it answers, and creates the admin {@code user}. */
    static AuthInfluxd start(Path dir, String user, String password) throws IOException, InterruptedException {
        if (!Files.isExecutable(INFLUXD)) {
            fail(INFLUXD + " is missing: run scripts/local-env install");
        }
        int httpPort = freePort();
        int rpcPort = freePort();
        Path config = Files.writeString(dir.resolve("influxdb.conf"), String.join("\n",
                "reporting-enabled = false",
                "bind-address = \"127.0.0.1:" + rpcPort + "\"",
                "[meta]",
                "  dir = \"" + dir.resolve("meta") + "\"",
                "[data]",
                "  dir = \"" + dir.resolve("data") + "\"",
                "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[monitor]",
                "  store-enabled = false",
                "[http]",
                "  bind-address = \"127.0.0.1:" + httpPort + "\"",
                "  auth-enabled = true",
                "  log-enabled = false",
                "[logging]",
                "  level = \"warn\"",
                "  suppress-logo = true", ""));
        Process process = new ProcessBuilder(INFLUXD.toString(), "run", "-config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("influxd.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        AuthInfluxd influxd = new AuthInfluxd(process, dir, httpPort, rpcPort, user, password);
        try {
            influxd.awaitPing();
            // With auth on and no user yet, InfluxDB takes this one statement without credentials.
            influxd.post("/query", "q=" + enc("CREATE USER \"" + user + "\" WITH PASSWORD '" + password + "' WITH ALL PRIVILEGES"), false);
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            influxd.close();
            throw e;
        }
        return influxd;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitPing() {
        Awaitility.await("influxd in " + dir + " answers /ping").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        fail("influxd exited " + process.exitValue() + ": " + Files.readString(dir.resolve("influxd.log")));
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 204;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    String rpcHost() {
        return "127.0.0.1:" + rpcPort;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** A statement sent as the admin user; fails the test unless InfluxDB answers 200 without an error. */
    String query(String database, String statement) throws IOException, InterruptedException {
        String body = post("/query", "q=" + enc(statement) + (database == null ? "" : "&db=" + enc(database)), true);
        if (body.contains("\"error\"")) {
            fail(statement + ": " + body);
        }
        return body;
    }

    /** Line protocol written as the admin user. */
    void write(String database, String lines) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/write?precision=ns&db=" + enc(database)))
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(lines)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), response.body());
    }

    private String post(String path, String form, boolean authenticated) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (authenticated) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + " " + form + ": " + response.body());
        return response.body();
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
