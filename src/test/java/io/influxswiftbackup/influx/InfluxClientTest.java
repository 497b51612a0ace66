package io.influxswiftbackup.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.influxswiftbackup.failure.TransientFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How InfluxClient names what an InfluxDB (here a tiny in-process HTTP server) answered or did. */
class InfluxClientTest {

    private static final String PASSWORD = "pw-Never-Shown-42";

    private HttpServer server;
    private ExecutorService threads;
    private volatile HttpHandler answer;
    private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private InfluxClient influx;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            requestLines.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            exchange.getRequestBody().readAllBytes();
            answer.handle(exchange);
        });
        server.start();
        influx = client("intermediary", "reader", 5_000);
    }

    @AfterEach
    void stop() {
        released.countDown();
        influx.close();
        server.stop(0);
        threads.shutdownNow();
    }

    private InfluxClient client(String side, String user, int readTimeoutMs) {
        return new InfluxClient(side, "http://127.0.0.1:" + server.getAddress().getPort(), user, PASSWORD, 1_000, readTimeoutMs);
    }

    private String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static HttpHandler status(int status, Map<String, String> headers, String body) {
        return exchange -> {
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    @Test
    void a401IsFatalAtOnceInOneLineNamingTheInfluxDbTheUserAndTheKeys() {
        answer = status(401, Map.of(), "{\"error\":\"authorization failed\"}");
        InfluxAccessDeniedException refused = assertThrows(InfluxAccessDeniedException.class,
                () -> influx.query(null, "SHOW DATABASES"));
        assertEquals("the intermediary InfluxDB at " + hostPort() + " refused user 'reader' (401 Unauthorized): check"
                + " influx.intermediary.user and influx.intermediary.password", refused.getMessage());
        assertFalse(TransientFailure.class.isInstance(refused));
        assertEquals(1, requestLines.size(), "sent once: " + requestLines);
    }

    @Test
    void a401WithoutAUserConfiguredSaysSoAndNamesBothKeys() {
        answer = status(401, Map.of(), "{\"error\":\"unable to parse authentication credentials\"}");
        try (InfluxClient anonymous = client("production", "", 5_000)) {
            InfluxAccessDeniedException refused = assertThrows(InfluxAccessDeniedException.class,
                    () -> anonymous.query("sensu_db", "SELECT * FROM /.*/ LIMIT 1"));
            assertEquals("the production InfluxDB at " + hostPort() + " requires a user (401 Unauthorized) and none is"
                    + " configured: set influx.production.user and influx.production.password", refused.getMessage());
        }
        assertNull(requestHeaders.get(0).get("Authorization"), "no credentials without a user");
    }

    @Test
    void a403NamesWhatInfluxDbRefused() {
        answer = status(403, Map.of(), "{\"error\":\"error authorizing query: reader not authorized to execute statement"
                + " 'DROP DATABASE sensu_db', requires admin privilege\"}");
        InfluxAccessDeniedException refused = assertThrows(InfluxAccessDeniedException.class,
                () -> influx.command("DROP DATABASE \"sensu_db\""));
        assertEquals("the intermediary InfluxDB at " + hostPort() + " refused user 'reader' (403 Forbidden: error authorizing"
                + " query: reader not authorized to execute statement 'DROP DATABASE sensu_db', requires admin privilege):"
                + " check influx.intermediary.user and influx.intermediary.password", refused.getMessage());
        assertEquals("POST /query", requestLines.get(0));
    }

    @Test
    void a503IsTransientWithItsRetryAfter() {
        answer = status(503, Map.of("Retry-After", "7"), "");
        InfluxUnavailableException busy = assertThrows(InfluxUnavailableException.class, () -> influx.query(null, "SHOW DATABASES"));
        assertEquals("the intermediary InfluxDB at " + hostPort() + " answered 503 Service Unavailable", busy.getMessage());
        assertEquals("answered 503 Service Unavailable", busy.what());
        assertEquals(7_000L, busy.retryAfterMs());
        assertInstanceOf(TransientFailure.class, busy);
    }

    @Test
    void anErrorInsideA200IsFatal() {
        answer = status(200, Map.of(), "{\"results\":[{\"statement_id\":0,\"error\":\"database not found: nodb\"}]}");
        InfluxException error = assertThrows(InfluxException.class, () -> influx.query("nodb", "SHOW MEASUREMENTS"));
        assertEquals("the intermediary InfluxDB at " + hostPort() + " failed SHOW MEASUREMENTS: database not found: nodb",
                error.getMessage());
    }

    @Test
    void aConnectionCutBeforeTheAnswerIsTransient() {
        answer = exchange -> {
            throw new IOException("cut by the test"); // the server drops the connection without answering
        };
        InfluxUnavailableException cut = assertThrows(InfluxUnavailableException.class, () -> influx.query(null, "SHOW DATABASES"));
        assertTrue(cut.getMessage().startsWith("the intermediary InfluxDB at " + hostPort() + " cut the connection ("),
                cut.getMessage());
    }

    @Test
    void aConnectionCutWhileTheAnswerStreamsFailsTheReadAsTransient() throws IOException {
        answer = exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(new byte[] {1, 2, 3});
            exchange.getResponseBody().flush();
            throw new IOException("cut by the test");
        };
        try (InputStream stream = influx.streamQuery("db=d&q=SELECT")) {
            InfluxUnavailableException cut = assertThrows(InfluxUnavailableException.class, stream::readAllBytes);
            assertTrue(cut.getMessage().startsWith("the intermediary InfluxDB at " + hostPort() + " cut the connection ("),
                    cut.getMessage());
        }
        assertEquals(List.of("application/x-msgpack"), requestHeaders.get(0).get("Accept"));
    }

    @Test
    void silencePastTheReadTimeoutIsTransient() {
        answer = exchange -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (InfluxClient impatient = client("intermediary", "reader", 300)) {
            InfluxUnavailableException silent = assertThrows(InfluxUnavailableException.class,
                    () -> impatient.query(null, "SHOW DATABASES"));
            assertTrue(silent.getMessage().startsWith("the intermediary InfluxDB at " + hostPort()
                    + " was silent longer than 300 ms (influx.timeout-ms) (SocketTimeoutException"), silent.getMessage());
        }
    }

    @Test
    void aRefusedConnectionIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        try (InfluxClient nobody = new InfluxClient("production", "http://127.0.0.1:" + closedPort, null, null, 1_000, 1_000)) {
            InfluxUnavailableException refused = assertThrows(InfluxUnavailableException.class, nobody::ping);
            assertTrue(refused.getMessage().startsWith("the production InfluxDB at 127.0.0.1:" + closedPort
                    + " refused the connection ("), refused.getMessage());
            assertFalse(nobody.answers());
        }
    }

    @Test
    void onlyInfluxDbsOwnCredentialsAreSent() {
        answer = status(200, Map.of(), "{\"results\":[{\"statement_id\":0}]}");
        influx.query("sensu_db", "SHOW TAG KEYS FROM \"m\"");
        Map<String, List<String>> headers = requestHeaders.get(0);
        assertEquals(List.of("Basic " + Base64.getEncoder().encodeToString(("reader:" + PASSWORD).getBytes(StandardCharsets.UTF_8))),
                headers.get("Authorization"));
        assertNull(headers.get("X-auth-token"), headers.toString());
        assertEquals("GET /query?q=SHOW+TAG+KEYS+FROM+%22m%22&db=sensu_db", requestLines.get(0));
    }

    @Test
    void closingAHalfReadAnswerDropsTheConnectionInsteadOfReadingTheRest() throws IOException {
        answer = exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            byte[] chunk = new byte[8192];
            while (released.getCount() > 0) {
                out.write(chunk); // endless, until the client goes
                out.flush();
            }
        };
        InputStream stream = influx.streamQuery("db=d&q=SELECT");
        assertEquals(1000, stream.readNBytes(1000).length);
        assertTimeoutPreemptively(Duration.ofSeconds(5), stream::close);
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        var e = assertThrows(io.influxswiftbackup.config.ConfigException.class,
                () -> new InfluxClient("production", "http://admin:secret@127.0.0.1:8086", null, null, 1000, 1000));
        assertEquals("influx.production.url holds credentials: give them as influx.production.user and"
                + " influx.production.password", e.getMessage());
    }
}
