package io.influxswiftbackup.swift;

import static io.influxswiftbackup.swift.LargeObjectsTest.md5;
import static io.influxswiftbackup.swift.LargeObjectsTest.randomBytes;
import static io.influxswiftbackup.swift.LargeObjectsTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.influxswiftbackup.failure.ConflictFailure;
import io.influxswiftbackup.failure.TransientFailure;
import io.influxswiftbackup.store.ContentStore;
import io.influxswiftbackup.swift.SwiftClient.Downloaded;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Swift client against a small Swift in this JVM (TempAuth and the object API, over HTTP on the loopback). */
class SwiftClientTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2016-06-12T00:31:00Z"), ZoneOffset.UTC);
    static final String SECRET = "tksecret";

    @TempDir
    Path dir;

    MiniSwift server;
    SwiftHttp http;
    SwiftClient swift;

    @BeforeEach
    void start() throws IOException {
        server = new MiniSwift();
        http = new SwiftHttp(TrustedTls.sslContext(null), Duration.ofSeconds(5), Duration.ofSeconds(5), 4);
        TempAuth auth = new TempAuth(URI.create(server.base + "/auth/v1.0"), "test:tester", "testing", null,
                new SwiftAuth.Options(http, SwiftAuth.DEFAULT_RENEW_BEFORE, CLOCK));
        swift = new SwiftClient(auth, http, new LargeObjects(1 << 20), 2, 2, CLOCK);
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        server.close();
    }

    /** A Swift account: containers of objects, their metadata, listings by page; calls can be made to answer otherwise. */
    static final class MiniSwift implements AutoCloseable {
        static final String ACCOUNT = "/v1/AUTH_test";
        final HttpServer http;
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        final String base;
        final Map<String, TreeMap<String, byte[]>> containers = new ConcurrentHashMap<>();
        final Map<String, Map<String, String>> objectHeaders = new ConcurrentHashMap<>();
        final Map<String, Map<String, String>> metadata = new ConcurrentHashMap<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<Headers> requestHeaders = new CopyOnWriteArrayList<>();
        final List<String> tokensSeen = new CopyOnWriteArrayList<>();
        final AtomicInteger logins = new AtomicInteger();
        /** The next data calls' answers (status, headers), before anything else. */
        final Queue<Map.Entry<Integer, Map<String, String>>> nextAnswers = new ConcurrentLinkedQueue<>();
        final Set<String> hiddenFromListings = ConcurrentHashMap.newKeySet();
        volatile String validToken;
        volatile boolean alwaysUnauthorized;
        volatile String putEtag;
        volatile boolean corruptDownloads;
        volatile boolean staticLinks;

        MiniSwift() throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", exchange -> {
                try (exchange) {
                    handle(exchange);
                } catch (RuntimeException | IOException e) {
                    e.printStackTrace();
                    throw e;
                }
            });
            http.setExecutor(threads);
            http.start();
            base = "http://127.0.0.1:" + http.getAddress().getPort();
        }

        /** Swift forgets the token it gave (expired, revoked): the next data call answers 401. */
        void revoke() {
            validToken = "revoked";
        }

        void put(String container, String name, byte[] bytes, Map<String, String> headers) {
            containers.computeIfAbsent(container, c -> new TreeMap<>()).put(name, bytes);
            objectHeaders.put(container + "/" + name, headers);
        }

        byte[] get(String container, String name) {
            TreeMap<String, byte[]> objects = containers.get(container);
            return objects == null ? null : objects.get(name);
        }

        List<String> requests(String start) {
            return requests.stream().filter(r -> r.startsWith(start)).toList();
        }

        /** The headers of the last request that starts so. */
        Headers headersOf(String start) {
            for (int i = requests.size() - 1; i >= 0; i--) {
                if (requests.get(i).startsWith(start)) {
                    return requestHeaders.get(i);
                }
            }
            throw new AssertionError("no request " + start + " in " + requests);
        }

        private void handle(HttpExchange exchange) throws IOException {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(method + " " + path + (query == null ? "" : "?" + query));
            Headers copy = new Headers();
            copy.putAll(exchange.getRequestHeaders());
            requestHeaders.add(copy);
            byte[] body = exchange.getRequestBody().readAllBytes();
            Headers in = exchange.getRequestHeaders();
            Headers out = exchange.getResponseHeaders();
            if (path.equals("/auth/v1.0")) {
                if (!"test:tester".equals(in.getFirst("X-Auth-User")) || !"testing".equals(in.getFirst("X-Auth-Key"))) {
                    answer(exchange, 401, null);
                    return;
                }
                validToken = "AUTH_" + SECRET + logins.incrementAndGet();
                out.add("X-Auth-Token", validToken);
                out.add("X-Storage-Url", base + ACCOUNT);
                answer(exchange, 200, null);
                return;
            }
            if (path.equals("/info")) {
                answer(exchange, 200, ("{\"swift\":{\"max_file_size\":5368709122},\"slo\":{\"max_manifest_segments\":1000}"
                        + (staticLinks ? ",\"symlink\":{\"symloop_max\":2,\"static_links\":true}}" : "}"))
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            String token = in.getFirst("X-Auth-Token");
            tokensSeen.add(String.valueOf(token));
            if (alwaysUnauthorized || token == null || !token.equals(validToken)) {
                answer(exchange, 401, "<html><h1>Unauthorized</h1></html>".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map.Entry<Integer, Map<String, String>> canned = nextAnswers.poll();
            if (canned != null) {
                canned.getValue().forEach(out::add);
                answer(exchange, canned.getKey(), null);
                return;
            }
            String rest = path.substring(ACCOUNT.length());
            if (rest.isEmpty() || rest.equals("/")) {
                account(exchange, method, query(query));
                return;
            }
            rest = rest.substring(1);
            int slash = rest.indexOf('/');
            String container = slash < 0 ? rest : rest.substring(0, slash);
            String name = slash < 0 ? null : rest.substring(slash + 1);
            if (name == null) {
                container(exchange, method, container, query(query));
            } else {
                object(exchange, method, container, name, body);
            }
        }

        private void account(HttpExchange exchange, String method, Map<String, String> query) throws IOException {
            if (!method.equals("GET")) {
                answer(exchange, 204, null);
                return;
            }
            int limit = Integer.parseInt(query.getOrDefault("limit", "10000"));
            String marker = query.get("marker");
            List<Map<String, Object>> page = new ArrayList<>();
            for (String container : new TreeMap<>(containers).keySet()) {
                if (page.size() < limit && (marker == null || container.compareTo(marker) > 0)) {
                    page.add(Map.of("name", container, "count", containers.get(container).size(), "bytes", 0));
                }
            }
            answer(exchange, page.isEmpty() ? 204 : 200, page.isEmpty() ? null : new ObjectMapper().writeValueAsBytes(page));
        }

        private void container(HttpExchange exchange, String method, String container, Map<String, String> query) throws IOException {
            TreeMap<String, byte[]> objects = containers.get(container);
            switch (method) {
                case "PUT" -> {
                    boolean created = containers.putIfAbsent(container, new TreeMap<>()) == null;
                    answer(exchange, created ? 201 : 202, null);
                }
                case "HEAD" -> {
                    if (objects == null) {
                        answer(exchange, 404, null);
                        return;
                    }
                    metadata.getOrDefault(container, Map.of()).forEach(exchange.getResponseHeaders()::add);
                    exchange.getResponseHeaders().add("X-Container-Object-Count", String.valueOf(objects.size()));
                    answer(exchange, 204, null);
                }
                case "POST" -> {
                    if (objects == null) {
                        answer(exchange, 404, null);
                        return;
                    }
                    Map<String, String> meta = metadata.computeIfAbsent(container, c -> new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
                    exchange.getRequestHeaders().forEach((header, values) -> {
                        if (header.toLowerCase().startsWith("x-remove-container-meta-")) {
                            meta.remove("X-" + header.substring("X-Remove-".length()));
                        } else if (header.toLowerCase().startsWith("x-container-meta-")) {
                            // answered in Swift's own case, not the client's
                            meta.put(header.toLowerCase(), values.get(0));
                        }
                    });
                    answer(exchange, 204, null);
                }
                case "DELETE" -> {
                    if (objects == null) {
                        answer(exchange, 404, null);
                    } else if (!objects.isEmpty()) {
                        answer(exchange, 409, null);
                    } else {
                        containers.remove(container);
                        answer(exchange, 204, null);
                    }
                }
                case "GET" -> {
                    if (objects == null) {
                        answer(exchange, 404, null);
                        return;
                    }
                    int limit = Integer.parseInt(query.getOrDefault("limit", "10000"));
                    String marker = query.get("marker");
                    String prefix = query.getOrDefault("prefix", "");
                    List<Map<String, Object>> page = new ArrayList<>();
                    for (Map.Entry<String, byte[]> object : objects.entrySet()) {
                        String name = object.getKey();
                        if (page.size() < limit && name.startsWith(prefix) && (marker == null || name.compareTo(marker) > 0)
                                && !hiddenFromListings.contains(name)) {
                            Map<String, Object> entry = new LinkedHashMap<>();
                            entry.put("name", name);
                            entry.put("bytes", object.getValue().length);
                            entry.put("hash", md5Of(object.getValue()));
                            entry.put("content_type", "application/octet-stream");
                            page.add(entry);
                        }
                    }
                    if (page.isEmpty()) {
                        answer(exchange, 204, null);
                    } else {
                        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
                        answer(exchange, 200, new ObjectMapper().writeValueAsBytes(page));
                    }
                }
                default -> answer(exchange, 405, null);
            }
        }

        private void object(HttpExchange exchange, String method, String container, String name, byte[] body) throws IOException {
            TreeMap<String, byte[]> objects = containers.get(container);
            byte[] stored = objects == null ? null : objects.get(name);
            Headers in = exchange.getRequestHeaders();
            Headers out = exchange.getResponseHeaders();
            switch (method) {
                case "PUT" -> {
                    if (objects == null) {
                        answer(exchange, 404, null);
                    } else if ("*".equals(in.getFirst("If-None-Match")) && stored != null) {
                        answer(exchange, 412, null);
                    } else if (in.getFirst("ETag") != null && !in.getFirst("ETag").equalsIgnoreCase(md5Of(body))) {
                        answer(exchange, 422, null);
                    } else {
                        put(container, name, body, Map.of());
                        out.add("ETag", putEtag != null ? putEtag : md5Of(body));
                        answer(exchange, 201, null);
                    }
                }
                case "GET", "HEAD" -> {
                    if (stored == null) {
                        answer(exchange, 404, null);
                        return;
                    }
                    objectHeaders.getOrDefault(container + "/" + name, Map.of()).forEach(out::add);
                    if (!out.containsKey("ETag")) {
                        out.add("ETag", md5Of(stored));
                    }
                    byte[] sent = stored.clone();
                    if (corruptDownloads && sent.length > 0) {
                        sent[sent.length / 2] ^= 1;
                    }
                    answer(exchange, 200, method.equals("HEAD") ? null : sent);
                }
                case "DELETE" -> {
                    boolean deleted = objects != null && objects.remove(name) != null;
                    answer(exchange, deleted ? 204 : 404, null);
                }
                default -> answer(exchange, 405, null);
            }
        }

        private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
            boolean none = body == null || body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, none ? -1 : body.length);
            if (!none) {
                exchange.getResponseBody().write(body);
            }
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> query = new HashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return query;
        }

        private static String md5Of(byte[] bytes) {
            try {
                return md5(bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            http.stop(0);
            threads.shutdownNow();
        }
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static void assertNoSecret(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(SECRET), "the token is in: " + t.getMessage());
        }
    }

    // --- uploads -------------------------------------------------------------------------------------

    @Test
    void anUploadIsCheckedAgainstTheEtagSwiftAnswers() throws Exception {
        byte[] bytes = randomBytes(5000);
        swift.ensureContainer("2016-06-11");

        StoredObject stored = swift.upload("2016-06-11", "2016-06-11/shards/meta.00", file("meta.00", bytes), null);

        assertEquals(new StoredObject("2016-06-11", "2016-06-11/shards/meta.00", 5000, md5(bytes), sha256(bytes), null, false,
                stored.nanos()), stored);
        assertArrayEquals(bytes, server.get("2016-06-11", "2016-06-11/shards/meta.00"));
        assertEquals(List.of("PUT /v1/AUTH_test/2016-06-11/2016-06-11/shards/meta.00"), server.requests("PUT /v1/AUTH_test/2016-06-11/"));
        assertEquals(1, server.logins.get());
    }

    @Test
    void anUploadWhoseEtagIsNotTheMd5SentIsDeletedAndFails() throws Exception {
        swift.ensureContainer("2016-06-11");
        server.putEtag = "0".repeat(32);

        SwiftException corrupt = assertThrows(SwiftException.class,
                () -> swift.upload("2016-06-11", "2016-06-11/shards/meta.00", file("meta.00", randomBytes(5000)), Map.of()));

        assertTrue(corrupt.getMessage().startsWith("upload of 2016-06-11/shards/meta.00 in container 2016-06-11 is corrupt:"
                + " Swift's ETag " + "0".repeat(32) + " is not the MD5"), corrupt.getMessage());
        assertTrue(corrupt.getMessage().endsWith("; the object was deleted"), corrupt.getMessage());
        assertEquals(SwiftException.class, corrupt.getClass(), "not a passing trouble: the run fails");
        assertEquals(List.of("DELETE /v1/AUTH_test/2016-06-11/2016-06-11/shards/meta.00"), server.requests("DELETE"));
        assertNull(server.get("2016-06-11", "2016-06-11/shards/meta.00"));
    }

    @Test
    void anObjectListedWithTheSameSizeAndMd5IsNotSentAgain() throws Exception {
        byte[] bytes = randomBytes(5000);
        server.put("2016-06-11", "2016-06-11/shards/meta.00", bytes, Map.of());
        Path file = file("meta.00", bytes);

        StoredObject same = swift.upload("2016-06-11", "2016-06-11/shards/meta.00", file, null);
        assertTrue(same.reused());
        assertEquals(md5(bytes), same.md5());
        assertEquals(sha256(bytes), same.sha256());
        StoredObject listed = swift.upload("2016-06-11", "2016-06-11/shards/meta.00", file,
                Listed.byName(swift.list("2016-06-11", null)));
        assertTrue(listed.reused());
        assertEquals(List.of(), server.requests("PUT"));

        server.put("2016-06-11", "2016-06-11/shards/meta.00", randomBytes(4999), Map.of());
        assertFalse(swift.upload("2016-06-11", "2016-06-11/shards/meta.00", file, null).reused());
        assertEquals(1, server.requests("PUT").size(), "another object of that name: sent");
    }

    @Test
    void theListingMustShowWhatWasStoredElseAConflictTheErrorPolicyRetries() throws Exception {
        swift.ensureContainer("2016-06-11");
        StoredObject stored = swift.upload("2016-06-11", "2016-06-11/shards/meta.00", file("meta.00", randomBytes(5000)), Map.of());
        server.hiddenFromListings.add("2016-06-11/shards/meta.00");

        ConflictFailure lagging = assertThrows(ConflictFailure.class,
                () -> swift.requireListed("2016-06-11", "2016-06-11/shards/", List.of(stored)));
        assertEquals("verification of container 2016-06-11 failed: 2016-06-11/shards/meta.00 is not listed", lagging.getMessage());

        server.hiddenFromListings.clear();
        swift.requireListed("2016-06-11", "2016-06-11/shards/", List.of(stored));

        server.put("2016-06-11", "2016-06-11/shards/meta.00", randomBytes(5000 + 1), Map.of());
        assertTrue(assertThrows(ConflictFailure.class, () -> swift.requireListed("2016-06-11", "2016-06-11/shards/",
                List.of(stored))).getMessage().contains("2016-06-11/shards/meta.00 is listed with 5001 bytes"));
    }

    // --- downloads -----------------------------------------------------------------------------------

    @Test
    void aDownloadIsCheckedAgainstTheMd5SwiftAnnouncesBeforeItIsKept() throws Exception {
        byte[] bytes = randomBytes(300_000);
        server.put("2016-06-11", "2016-06-11/shards/meta.00", bytes, Map.of());
        Path target = dir.resolve("restore").resolve("meta.00");

        Downloaded downloaded = swift.download("2016-06-11", "2016-06-11/shards/meta.00", target);

        assertArrayEquals(bytes, Files.readAllBytes(target));
        assertEquals(sha256(bytes), downloaded.sha256());
        assertEquals(md5(bytes), downloaded.md5());
        assertEquals(bytes.length, downloaded.bytes());
        assertFalse(Files.exists(dir.resolve("restore").resolve("meta.00.part")));

        server.corruptDownloads = true;
        Path other = dir.resolve("restore").resolve("other.00");
        SwiftException corrupt = assertThrows(SwiftException.class,
                () -> swift.download("2016-06-11", "2016-06-11/shards/meta.00", other));
        assertTrue(corrupt.getMessage().startsWith("download of 2016-06-11/shards/meta.00 in container 2016-06-11 is corrupt:"
                + " MD5 of the bytes received is "), corrupt.getMessage());
        assertFalse(Files.exists(other));
        assertFalse(Files.exists(dir.resolve("restore").resolve("other.00.part")));
        assertArrayEquals(bytes, Files.readAllBytes(target), "the good copy is untouched");
        assertThrows(SwiftException.class, () -> swift.download("2016-06-11", "2016-06-11/shards/meta.00", target));
        assertArrayEquals(bytes, Files.readAllBytes(target), "a corrupt download never replaces a file");
    }

    @Test
    void aLargeObjectsDownloadIsCheckedAgainstTheMd5KeptOnItsManifest() throws Exception {
        byte[] bytes = randomBytes(5000);
        Path target = dir.resolve("big.00");
        server.put("2016-06-11", "big", bytes, Map.of("X-Static-Large-Object", "True", "ETag", "\"not-the-md5\"",
                LargeObjects.MD5_META, md5(bytes)));
        assertEquals(sha256(bytes), swift.download("2016-06-11", "big", target).sha256());

        Files.delete(target);
        server.put("2016-06-11", "big", bytes, Map.of("X-Static-Large-Object", "True", LargeObjects.MD5_META, md5(new byte[1])));
        assertTrue(assertThrows(SwiftException.class, () -> swift.download("2016-06-11", "big", target)).getMessage()
                .contains("its X-Object-Meta-Md5 is"));
        server.put("2016-06-11", "big", bytes, Map.of("X-Static-Large-Object", "True"));
        assertTrue(assertThrows(SwiftException.class, () -> swift.download("2016-06-11", "big", target)).getMessage()
                .contains("without X-Object-Meta-Md5"));
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("big.00.part")));
        assertEquals("download of gone in container 2016-06-11: not found", assertThrows(SwiftException.class,
                () -> swift.download("2016-06-11", "gone", target)).getMessage());
    }

    // --- the token -----------------------------------------------------------------------------------

    @Test
    void a401LogsInAgainOnceAndTheCallSucceeds() {
        server.put("2016-06-11", "2016-06-11/manifest.json", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
        assertEquals("{}", new String(swift.readSmall("2016-06-11", "2016-06-11/manifest.json"), StandardCharsets.UTF_8));
        assertEquals(1, server.logins.get());
        server.revoke();

        assertEquals("{}", new String(swift.readSmall("2016-06-11", "2016-06-11/manifest.json"), StandardCharsets.UTF_8));

        assertEquals(2, server.logins.get());
        assertEquals(3, server.requests("GET /v1/AUTH_test/2016-06-11/2016-06-11/manifest.json").size());
        assertEquals(List.of("AUTH_" + SECRET + "1", "AUTH_" + SECRET + "1", "AUTH_" + SECRET + "2"), server.tokensSeen);
        swift.readSmall("2016-06-11", "2016-06-11/manifest.json");
        assertEquals(2, server.logins.get(), "the new token is kept");
    }

    @Test
    void a401ToAFreshTokenFails() {
        server.alwaysUnauthorized = true;

        SwiftException refused = assertThrows(SwiftException.class, () -> swift.list("2016-06-11", null));

        assertEquals("listing of container 2016-06-11: Swift answered 401 to a fresh token: check the account's permissions",
                refused.getMessage());
        assertEquals(SwiftException.class, refused.getClass(), "not worth another try");
        assertEquals(2, server.logins.get(), "one login more, not a loop");
        assertEquals(2, server.requests("GET /v1/AUTH_test/2016-06-11").size());
        assertNoSecret(refused);
    }

    @Test
    void aBusySwiftIsATransientFailureThatCarriesItsRetryAfter() {
        server.nextAnswers.add(Map.entry(503, Map.of("Retry-After", "7", "X-Trans-Id", "tx0123")));

        SwiftUnavailableException busy = assertThrows(SwiftUnavailableException.class,
                () -> swift.readSmall("2016-06-11", "2016-06-11/manifest.json"));

        assertEquals(7000L, busy.retryAfterMs());
        assertTrue(busy instanceof TransientFailure);
        assertTrue(busy.getMessage().startsWith("download of 2016-06-11/manifest.json: Swift answered 503"), busy.getMessage());
        assertTrue(busy.getMessage().endsWith("(X-Trans-Id tx0123)"), "Swift's name for the request: " + busy.getMessage());
        server.nextAnswers.add(Map.entry(429, Map.of()));
        assertNull(assertThrows(SwiftUnavailableException.class, () -> swift.list(null, null)).retryAfterMs());
        server.nextAnswers.add(Map.entry(403, Map.of()));
        SwiftException forbidden = assertThrows(SwiftException.class, () -> swift.list(null, null));
        assertEquals(SwiftException.class, forbidden.getClass());
    }

    @Test
    void theTokenIsInNoMessage() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        server.nextAnswers.add(Map.entry(500, Map.of()));
        failures.add(assertThrows(SwiftUnavailableException.class, () -> swift.containerMetadata("c")));
        failures.add(assertThrows(SwiftException.class, () -> swift.writeSmall("missing", "n", new byte[1], "text/plain")));
        failures.add(assertThrows(SwiftException.class, () -> swift.download("missing", "n", dir.resolve("n"))));
        server.corruptDownloads = true;
        server.put("c", "n", randomBytes(10), Map.of());
        failures.add(assertThrows(SwiftException.class, () -> swift.download("c", "n", dir.resolve("n"))));
        server.putEtag = "0".repeat(32);
        failures.add(assertThrows(SwiftException.class, () -> swift.upload("c", "m", file("m", randomBytes(10)), Map.of())));
        server.alwaysUnauthorized = true;
        failures.add(assertThrows(SwiftException.class, () -> swift.delete("c", "n")));
        assertEquals(6, failures.size());
        failures.forEach(SwiftClientTest::assertNoSecret);
    }

    // --- listings, metadata, small objects ------------------------------------------------------------

    @Test
    void aListingFollowsEveryPageAfterItsMarker() {
        for (String name : List.of("2016-06-11/shards/a b.00", "2016-06-11/shards/b.00", "2016-06-11/shards/c.00",
                "2016-06-11/shards/d.00", "2016-06-11/shards/e.00", "2016-06-11/influxdb/cpu.json")) {
            server.put("2016-06-11", name, new byte[] {1, 2}, Map.of());
        }

        List<Map<String, Object>> listing = swift.list("2016-06-11", "2016-06-11/shards/");

        assertEquals(List.of("2016-06-11/shards/a b.00", "2016-06-11/shards/b.00", "2016-06-11/shards/c.00",
                "2016-06-11/shards/d.00", "2016-06-11/shards/e.00"), listing.stream().map(e -> e.get("name")).toList());
        assertEquals(2, listing.get(0).get("bytes"));
        String page = "GET /v1/AUTH_test/2016-06-11?format=json&limit=2&prefix=2016-06-11%2Fshards%2F";
        assertEquals(List.of(page, page + "&marker=2016-06-11%2Fshards%2Fb.00", page + "&marker=2016-06-11%2Fshards%2Fd.00",
                page + "&marker=2016-06-11%2Fshards%2Fe.00"), server.requests("GET /v1/AUTH_test/2016-06-11?"));
        assertEquals(List.of(), swift.list("2016-06-12", null), "no such container");
        server.put("2016-06-12", "x", new byte[1], Map.of());
        server.put("2016-06-12_segments", "x", new byte[1], Map.of());
        assertEquals(List.of("2016-06-11", "2016-06-12", "2016-06-12_segments"),
                swift.list(null, null).stream().map(e -> e.get("name")).toList(), "the account's containers, by page too");
    }

    @Test
    void smallObjectsMetadataAndContainersSpeakSwift() {
        swift.ensureContainer("2016-06-11");
        assertTrue(swift.createIfAbsent("2016-06-11", "2016-06-11/manifest.lock", "dump r1".getBytes(StandardCharsets.UTF_8), 600));
        assertFalse(swift.createIfAbsent("2016-06-11", "2016-06-11/manifest.lock", "dump r2".getBytes(StandardCharsets.UTF_8), 600),
                "412: another holds it");
        assertEquals("dump r1", new String(server.get("2016-06-11", "2016-06-11/manifest.lock"), StandardCharsets.UTF_8));
        Headers lock = server.headersOf("PUT /v1/AUTH_test/2016-06-11/2016-06-11/manifest.lock");
        assertEquals("*", lock.getFirst("If-None-Match"));
        assertEquals("600", lock.getFirst("X-Delete-After"), "a lock left by a killed run expires by itself");

        swift.writeSmall("2016-06-11", "2016-06-11/manifest.json", "{\"objects\":[]}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertEquals("{\"objects\":[]}", new String(swift.readSmall("2016-06-11", "2016-06-11/manifest.json"), StandardCharsets.UTF_8));
        assertEquals("true", server.headersOf("GET /v1/AUTH_test/2016-06-11/2016-06-11/manifest.json").getFirst("X-Newest"),
                "the newest copy: a read-back must see the write");
        assertEquals(FakeSwift.md5("{\"objects\":[]}".getBytes(StandardCharsets.UTF_8)),
                server.headersOf("PUT /v1/AUTH_test/2016-06-11/2016-06-11/manifest.json").getFirst("ETag"), "checked on arrival");
        assertNull(swift.readSmall("2016-06-11", "2016-06-11/none.json"));
        swift.delete("2016-06-11", "2016-06-11/none.json");

        swift.postContainerMetadata("2016-06-11", Map.of("X-Container-Meta-In-Progress-Dump", "dump r1"));
        Map<String, String> headers = swift.containerMetadata("2016-06-11");
        assertEquals("dump r1", headers.get("X-Container-Meta-In-Progress-Dump"), "any case: " + headers);
        swift.postContainerMetadata("2016-06-11", Map.of("X-Remove-Container-Meta-In-Progress-Dump", "x"));
        assertNull(swift.containerMetadata("2016-06-11").get("X-Container-Meta-In-Progress-Dump"));
        assertEquals(Map.of(), swift.containerMetadata("2016-06-12"), "no container");

        assertEquals(409, swift.deleteContainer("2016-06-11"));
        swift.delete("2016-06-11", "2016-06-11/manifest.lock");
        swift.delete("2016-06-11", "2016-06-11/manifest.json");
        assertEquals(204, swift.deleteContainer("2016-06-11"));
        assertEquals(404, swift.deleteContainer("2016-06-11"));
    }

    @Test
    void shardsAreStoredOnceOnlyWhenWantedAndTheClusterOffersStaticSymlinks() throws Exception {
        assertFalse(new ContentStore(swift, "store", true).inUse(), "an /info without symlink: plain objects");
        server.staticLinks = true;
        SwiftClient again = new SwiftClient(swift.auth(), http, new LargeObjects(1 << 20), 2, 2, CLOCK);
        assertTrue(new ContentStore(again, "store", true).inUse());
        assertFalse(new ContentStore(again, "store", false).inUse(), "backup.dedup = false");
    }
}
