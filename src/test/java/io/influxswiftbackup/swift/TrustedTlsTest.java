package io.influxswiftbackup.swift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.influxswiftbackup.it.TlsTerminatingProxy.SelfSigned;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrustedTls} and {@link SwiftAuth} over real TLS: a TempAuth-like https endpoint on loopback
 * serving a certificate generated at test time, trusted only through {@code swift.ca-file}.
 */
class TrustedTlsTest {

    private static final String USER = "test:tester";
    private static final String KEY = "key-never-printed-7Qx2";
    private static final String TOKEN = "AUTH_tk0123456789abcdef";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2016-07-01T23:55:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path certificates;
    static SelfSigned loopback;
    static SelfSigned otherName;

    @TempDir
    Path dir;
    HttpsServer server;
    final AtomicInteger logins = new AtomicInteger();

    @BeforeAll
    static void generateCertificates() throws IOException {
        loopback = SelfSigned.forLoopback(certificates);
        otherName = SelfSigned.generate(certificates, "other", "dns:other.invalid");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves {@code GET /auth/v1.0} like TempAuth, over TLS with {@code certificate}; returns the auth URL. */
    private URI serveTempAuth(SelfSigned certificate) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        String base = "https://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/auth/v1.0", exchange -> {
            try {
                boolean known = "GET".equals(exchange.getRequestMethod())
                        && USER.equals(exchange.getRequestHeaders().getFirst("X-Auth-User"))
                        && KEY.equals(exchange.getRequestHeaders().getFirst("X-Auth-Key"));
                if (known) {
                    logins.incrementAndGet();
                    exchange.getResponseHeaders().add("X-Auth-Token", TOKEN);
                    exchange.getResponseHeaders().add("X-Storage-Url", base + "/v1/AUTH_test/");
                    exchange.getResponseHeaders().add("X-Auth-Token-Expires", "86399");
                    exchange.sendResponseHeaders(200, -1);
                } else {
                    exchange.sendResponseHeaders(401, -1);
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
        return URI.create(base + "/auth/v1.0");
    }

    private static SwiftAuth auth(URI authUrl, String key, Path caFile) {
        SSLContext tls = TrustedTls.sslContext(caFile);
        SwiftHttp http = new SwiftHttp(tls, Duration.ofSeconds(5), Duration.ofSeconds(10), 2);
        return new TempAuth(authUrl, USER, key, null, new SwiftAuth.Options(http, SwiftAuth.DEFAULT_RENEW_BEFORE, CLOCK));
    }

    @Test
    void logsInOverHttpsWhenTheCaFileHoldsTheServersCertificate() throws IOException {
        URI authUrl = serveTempAuth(loopback);
        SwiftAuth auth = auth(authUrl, KEY, loopback.pem());

        SwiftAuth.Session session = auth.session();
        assertEquals(TOKEN, session.token());
        assertEquals("https://127.0.0.1:" + authUrl.getPort() + "/v1/AUTH_test", session.storageUrl());
        assertEquals(CLOCK.instant().plusSeconds(86399), session.expiresAt());
        assertEquals(TOKEN, auth.token());
        assertEquals(1, logins.get(), "the token is cached, not fetched per call");
    }

    @Test
    void theJvmTrustStoreAloneRefusesTheSelfSignedServer() throws IOException {
        URI authUrl = serveTempAuth(loopback);
        SwiftException e = assertThrows(SwiftException.class, () -> auth(authUrl, KEY, null).token());

        assertTrue(e.getMessage().startsWith("TLS with Swift at " + authUrl + " failed: "), e.getMessage());
        assertInstanceOf(SSLException.class, e.getCause());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        assertEquals(0, logins.get(), "no request may reach a server that is not trusted");
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsRefused() throws IOException {
        URI authUrl = serveTempAuth(otherName);
        SwiftException e = assertThrows(SwiftException.class, () -> auth(authUrl, KEY, otherName.pem()).token());

        assertTrue(e.getMessage().startsWith("TLS with Swift at " + authUrl + " failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1"), "the message names the host that did not match: " + e.getMessage());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        assertEquals(0, logins.get());
    }

    @Test
    void aWrongKeyIsRefusedWithoutShowingTheKey() throws IOException {
        URI authUrl = serveTempAuth(loopback);
        String wrongKey = "wrong-key-never-printed-93Jd";
        SwiftException e = assertThrows(SwiftException.class, () -> auth(authUrl, wrongKey, loopback.pem()).token());

        assertEquals("Swift at " + authUrl + " refused user '" + USER + "' (401): check swift.user and swift.key",
                e.getMessage());
        assertFalse(e.getMessage().contains(wrongKey));
    }

    @Test
    void aCaFileThatIsNotPemIsNamedInTheError() throws IOException {
        Path text = Files.writeString(dir.resolve("not-a-certificate.pem"), "this is not a certificate\n");
        SwiftException fromText = assertThrows(SwiftException.class, () -> TrustedTls.sslContext(text));
        assertTrue(fromText.getMessage().startsWith("swift.ca-file " + text + " cannot be read as PEM certificates: "),
                fromText.getMessage());

        // a common mistake: the server's PKCS12 key store instead of its PEM certificate
        Path keyStore = loopback.keyStore();
        SwiftException fromKeyStore = assertThrows(SwiftException.class, () -> TrustedTls.sslContext(keyStore));
        assertTrue(fromKeyStore.getMessage().startsWith("swift.ca-file " + keyStore + " cannot be read as PEM certificates: "),
                fromKeyStore.getMessage());

        Path empty = Files.createFile(dir.resolve("empty.pem"));
        SwiftException fromEmpty = assertThrows(SwiftException.class, () -> TrustedTls.sslContext(empty));
        assertEquals("swift.ca-file " + empty + " holds no certificate", fromEmpty.getMessage());
    }
}
