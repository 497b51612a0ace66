package io.influxswiftbackup.swift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.influxswiftbackup.it.TlsTerminatingProxy.SelfSigned;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KeystoneV3Auth} against a JDK HttpServer that answers {@code POST /v3/auth/tokens} with a
 * canned Keystone v3 token (a catalog with two regions and three interfaces).
 */
class KeystoneV3AuthTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Quotes, a backslash, braces and non-ASCII: it must reach Keystone exactly, as JSON. */
    private static final String PASSWORD = "pa\"ss\\w{o}rd-é-never-printed-4Kq";
    private static final String ISSUED = "2016-07-01T23:50:00.000000Z";
    private static final String EXPIRES = "2016-07-02T00:50:00.000000Z";
    private static final String CATALOG = """
            [{"type":"identity","name":"keystone","endpoints":[{"interface":"public","region_id":"RegionOne","region":"RegionOne","url":"http://k/v3"}]},
             {"type":"object-store","name":"swift","endpoints":[
               {"interface":"public","region_id":"RegionOne","region":"RegionOne","url":"http://one.public/v1/AUTH_p"},
               {"interface":"internal","region_id":"RegionOne","region":"RegionOne","url":"http://one.internal/v1/AUTH_p"},
               {"interface":"admin","region_id":"RegionOne","region":"RegionOne","url":"http://one.admin/v1"},
               {"interface":"public","region_id":"RegionTwo","region":"RegionTwo","url":"http://two.public/v1/AUTH_p/"}]}]""";

    HttpServer server;
    URI authUrl;
    String catalog = CATALOG;
    int status = 201;
    final AtomicInteger logins = new AtomicInteger();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final MutableClock clock = new MutableClock(Instant.parse("2016-07-01T23:55:00Z"));

    @BeforeEach
    void serveKeystone() throws IOException {
        serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
    }

    private void serve(HttpServer created, String scheme) {
        server = created;
        server.createContext("/v3/auth/tokens", exchange -> {
            try {
                requests.add(JSON.readTree(exchange.getRequestBody()));
                boolean json = "application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"));
                int answer = "POST".equals(exchange.getRequestMethod()) && json ? status : 400;
                byte[] body;
                if (answer == 201) {
                    int n = logins.incrementAndGet();
                    exchange.getResponseHeaders().add("X-Subject-Token", "gAAAAA-token-" + n);
                    body = ("{\"token\":{\"methods\":[\"password\"],\"issued_at\":\"" + ISSUED + "\",\"expires_at\":\"" + EXPIRES
                            + "\",\"project\":{\"name\":\"swiftproj\"},\"catalog\":" + catalog + "}}").getBytes(StandardCharsets.UTF_8);
                } else {
                    body = ("{\"error\":{\"code\":" + answer + ",\"message\":\"The request you have made requires authentication.\","
                            + "\"title\":\"Unauthorized\"}}").getBytes(StandardCharsets.UTF_8);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer, body.length);
                exchange.getResponseBody().write(body);
            } finally {
                exchange.close();
            }
        });
        server.start();
        authUrl = URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/v3");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private KeystoneV3Auth auth(String region, String interfaceName, String storageUrl, String password, long renewBefore) {
        return auth(TrustedTls.sslContext(null), region, interfaceName, storageUrl, password, renewBefore);
    }

    private KeystoneV3Auth auth(SSLContext tls, String region, String interfaceName, String storageUrl, String password,
                                long renewBefore) {
        return new KeystoneV3Auth(authUrl, new KeystoneV3Auth.Credentials("swiftuser", password, "Default", "swiftproj", "Default"),
                new KeystoneV3Auth.Endpoint(region, interfaceName), storageUrl,
                new SwiftAuth.Options(new SwiftHttp(tls, Duration.ofSeconds(10), Duration.ofSeconds(10), 4), Duration.ofSeconds(renewBefore), clock));
    }

    private KeystoneV3Auth auth(String region, String interfaceName) {
        return auth(region, interfaceName, null, PASSWORD, 120);
    }

    @Test
    void postsTheV3PasswordRequestAsJsonAndTakesTheTokenFromXSubjectToken() throws IOException {
        SwiftAuth.Session session = auth("RegionOne", "public").session();

        assertEquals("gAAAAA-token-1", session.token());
        assertEquals("http://one.public/v1/AUTH_p", session.storageUrl());
        JsonNode expected = JSON.readTree("""
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"swiftuser","domain":{"name":"Default"},
                 "password":null}}},"scope":{"project":{"name":"swiftproj","domain":{"name":"Default"}}}}}""");
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.at("/auth/identity/password/user")).put("password", PASSWORD);
        assertEquals(List.of(expected), requests);
        assertFalse(session.toString().contains("gAAAAA"), "the token never shows in toString: " + session);
    }

    @Test
    void theTokenLivesExpiresAtMinusIssuedAtFromTheLocalLoginTime() {
        SwiftAuth.Session session = auth("RegionOne", "public").session();

        assertEquals(clock.instant().plus(Duration.ofHours(1)), session.expiresAt(),
                "one hour from now, whatever the difference between this clock and Keystone's");
    }

    @Test
    void picksTheEndpointOfTheConfiguredRegionAndInterface() {
        assertEquals("http://two.public/v1/AUTH_p", auth("RegionTwo", "public").storageUrl(), "trailing slash dropped");
        assertEquals("http://one.internal/v1/AUTH_p", auth("RegionOne", "internal").storageUrl());
        assertEquals("http://one.admin/v1", auth("RegionOne", "admin").storageUrl());
    }

    @Test
    void withoutARegionTheOnlyRegionOfferingTheInterfaceIsTaken() {
        assertEquals("http://one.internal/v1/AUTH_p", auth(null, "internal").storageUrl());
    }

    @Test
    void withoutARegionSeveralRegionsAreAnErrorNamingThem() {
        SwiftException e = assertThrows(SwiftException.class, () -> auth(null, "public").token());

        assertEquals("Keystone at " + authUrl + " (user 'swiftuser'): the catalog has object-store endpoints for interface"
                + " 'public' in several regions (RegionOne, RegionTwo): set swift.region to one of them", e.getMessage());
    }

    @Test
    void anUnknownRegionListsWhatTheCatalogOffers() {
        SwiftException e = assertThrows(SwiftException.class, () -> auth("RegionNine", "public").token());

        assertEquals("Keystone at " + authUrl + " (user 'swiftuser'): the catalog has no object-store endpoint for region"
                + " 'RegionNine' and interface 'public' - have you specified a region? It offers: RegionOne public,"
                + " RegionOne internal, RegionOne admin, RegionTwo public (swift.region, swift.interface)", e.getMessage());
        assertEquals(1, logins.get());
    }

    @Test
    void aCatalogWithoutObjectStoreSaysSo() {
        catalog = "[{\"type\":\"identity\",\"endpoints\":[]},{\"type\":\"compute\",\"endpoints\":[]}]";

        SwiftException e = assertThrows(SwiftException.class, () -> auth("RegionOne", "public").token());

        assertEquals("Keystone at " + authUrl + " (user 'swiftuser'): the catalog has no object-store endpoint (it lists"
                + " identity, compute): is Swift registered in Keystone, and has the user a role on the project?", e.getMessage());
    }

    @Test
    void swiftStorageUrlOverridesTheCatalog() {
        catalog = "[]";
        KeystoneV3Auth auth = auth("RegionOne", "public", "https://swift.example/v1/AUTH_x/", PASSWORD, 120);

        assertEquals("https://swift.example/v1/AUTH_x", auth.storageUrl());
        assertEquals("gAAAAA-token-1", auth.token());
    }

    @Test
    void aWrongPasswordIsOneLineNamingUserAndUrlButNeverThePassword() {
        status = 401;
        String wrong = "wrong\"pw-never-printed-8Zr";

        SwiftException e = assertThrows(SwiftException.class, () -> auth("RegionOne", "public", null, wrong, 120).token());

        assertEquals("Keystone at " + authUrl + " refused user 'swiftuser' (401): check swift.username, swift.password,"
                + " swift.user-domain, swift.project and swift.project-domain", e.getMessage());
        assertFalse(e.getMessage().contains("never-printed"));
    }

    @Test
    void anAuthUrlThatIsNotTheV3EndpointIsNamed() {
        authUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());

        SwiftException e = assertThrows(SwiftException.class, () -> auth("RegionOne", "public").token());

        assertEquals("Keystone at " + authUrl + " answered 404 for /auth/tokens: swift.auth-url must be the Keystone v3"
                + " endpoint (ending in /v3)", e.getMessage());
    }

    @Test
    void theTokenIsRenewedTheMarginBeforeItExpiresNotEarlier() {
        KeystoneV3Auth auth = auth("RegionOne", "public", null, PASSWORD, 300);
        String first = auth.token();
        Instant expires = auth.session().expiresAt();

        clock.set(expires.minusSeconds(300));
        assertEquals(first, auth.token(), "exactly at the margin: still the same token");
        assertEquals(1, auth.logins());

        clock.set(expires.minusSeconds(299));
        assertNotEquals(first, auth.token(), "inside the margin: a new login");
        assertEquals(2, auth.logins());
        assertEquals(clock.instant().plus(Duration.ofHours(1)), auth.session().expiresAt());
    }

    @Test
    void aMarginAsLongAsTheTokensLifeLogsInForEveryCall() {
        KeystoneV3Auth auth = auth("RegionOne", "public", null, PASSWORD, 3600);
        auth.token();
        clock.set(clock.instant().plusMillis(1));
        auth.token();

        assertEquals(2, auth.logins());
    }

    @Test
    void invalidateAfterA401LogsInAgainOnce() {
        KeystoneV3Auth auth = auth("RegionOne", "public");
        String first = auth.token();

        auth.invalidate();

        assertEquals("gAAAAA-token-2", auth.token());
        assertNotEquals(first, auth.token());
        assertEquals(2, auth.logins());
    }

    @Test
    void keystoneUnreachableNamesKeystoneAndTheUrl() {
        server.stop(0);

        SwiftUnavailableException e = assertThrows(SwiftUnavailableException.class, () -> auth("RegionOne", "public").token());

        assertEquals("cannot reach Keystone at " + authUrl + ": connection refused", e.getMessage(), "worth another try");
    }

    @Test
    void overHttpsKeystoneIsTrustedThroughTheCaFileOnly(@TempDir Path certificates) throws IOException {
        server.stop(0);
        SelfSigned loopback = SelfSigned.forLoopback(certificates);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(loopback.serverContext()));
        serve(https, "https");

        SSLContext jvmTrustOnly = TrustedTls.sslContext(null);
        SwiftException refused = assertThrows(SwiftException.class,
                () -> auth(jvmTrustOnly, "RegionOne", "public", null, PASSWORD, 120).token());
        assertTrue(refused.getMessage().startsWith("TLS with Keystone at " + authUrl + " failed: "), refused.getMessage());
        assertEquals(0, logins.get(), "no request may reach a server that is not trusted");

        SSLContext caFile = TrustedTls.sslContext(loopback.pem());
        assertEquals("gAAAAA-token-1", auth(caFile, "RegionOne", "public", null, PASSWORD, 120).token());
    }
}
