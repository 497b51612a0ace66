package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupRun;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.it.TlsTerminatingProxy.SelfSigned;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup job over https: a TLS-terminating proxy with a certificate made at test time sits in
 * front of the real local Swift, and the job reaches Swift only through it. Trusted through
 * {@code swift.ca-file}, the backup lands in Swift (checked with the swift CLI over plain http);
 * without it, or with a certificate for another name, the job's preflight refuses the server before
 * anything is made (no influxd backup, nothing in Swift).
 */
@ExtendWith(LocalServers.class)
class HttpsBackupIT {

    static final String DB = "sensu_db";
    /** The days this class backs up; no other test uses them. */
    static final List<String> DAYS = List.of("2016-07-01", "2016-07-02", "2016-07-03", "2016-07-04");
    static LocalServers.Environment env;
    static SwiftCli swift;
    static URI plainAuthUrl;

    @TempDir
    static Path certificates;
    static SelfSigned loopback;

    @TempDir
    Path dir;

    @BeforeAll
    static void prepare() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        plainAuthUrl = URI.create(env.get("swift.auth-url"));
        loopback = SelfSigned.forLoopback(certificates);

        // Its own points, so this class does not depend on another one having run first.
        InfluxHttp influx = new InfluxHttp(env.get("influx.production.url"));
        influx.query(null, "CREATE DATABASE " + DB);
        StringBuilder lines = new StringBuilder();
        long start = Instant.parse("2016-06-29T00:00:00Z").toEpochMilli() * 1_000_000L;
        for (int hour = 0; hour < 48; hour++) {
            long t = start + hour * 3_600_000_000_000L;
            lines.append("tls_check,host=h3 value=").append(hour).append(".75 ").append(t).append('\n');
        }
        influx.write(DB, lines.toString());

        // This class's days start empty in Swift, so it can run again against the same servers.
        List<String> containers = swift.run(certificates, "list");
        for (String day : DAYS) {
            if (containers.contains(day)) {
                swift.run(certificates, "delete", day);
            }
        }
    }

    private static TlsTerminatingProxy proxyToSwift(SelfSigned certificate) throws IOException {
        return TlsTerminatingProxy.start(certificate, plainAuthUrl.getHost(), plainAuthUrl.getPort());
    }

    /** Login and data calls both through the proxy, over https. */
    private static Map<String, String> allHttps(TlsTerminatingProxy proxy) {
        return Map.of("swift.auth-url", proxy.baseUrl() + "/auth/v1.0",
                "swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test");
    }

    /** Login over plain http straight to Swift; only the data calls (Camel's http component) go over https. */
    private static Map<String, String> httpsDataCallsOnly(TlsTerminatingProxy proxy) {
        return Map.of("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> map = new HashMap<>(base);
        map.put(key, value);
        return map;
    }

    @Test
    void backsUpOverHttpsWhenTheCaFileTrustsTheServer() throws Exception {
        Path kept = dir.resolve("kept");
        try (TlsTerminatingProxy proxy = proxyToSwift(loopback)) {
            Settings settings = settings(with(allHttps(proxy), "swift.ca-file", loopback.pem().toString()));
            try (JobRuntime runtime = JobRuntime.startOnce(settings, clockAt("2016-07-01T23:55:00Z"))) {
                AdviceWith.adviceWith(runtime.context(), "backup", route -> route.weaveById("backup-delete-local-copy")
                        .before().process(exchange -> copyFiles(Path.of(exchange.getProperty(BackupRun.PROPERTY, BackupRun.class).runDir()), kept)));
                Exchange result = runtime.run("direct:backup", Map.of());
                assertFalse(result.isFailed(), () -> "backup over https failed: " + result.getException());
                assertEquals(1L, BackupIT.routeAttribute(settings, "backup", "ExchangesCompleted"));
                assertEquals(0L, BackupIT.routeAttribute(settings, "backup", "ExchangesFailed"));
            }
            // the login (JDK HttpClient) and the data calls (Camel http) each opened their own TLS connection
            assertTrue(proxy.handshakes() >= 2, "TLS handshakes at the proxy: " + proxy.handshakes());
        }

        List<String> produced = BackupIT.names(kept);
        assertTrue(produced.contains("meta.00"), produced.toString());
        assertTrue(produced.stream().anyMatch(n -> n.matches("sensu_db\\.autogen\\.\\d{5}\\.00")), produced.toString());
        List<String> listed = swift.run(dir, "list", "2016-07-01", "-p", "2016-07-01/shards/");
        assertEquals(produced.stream().map(n -> "2016-07-01/shards/" + n).toList(), listed);
        assertEquals(List.of(), BackupIT.runDirs(dir.resolve("work")), "the run's directory must be gone");
    }

    @Test
    void withoutTheCaFileTheLoginRefusesTheServerBeforeAnythingIsMade() throws Exception {
        try (TlsTerminatingProxy proxy = proxyToSwift(loopback)) {
            Exchange result = runFailing(allHttps(proxy), "2016-07-02T23:55:00Z");
            String message = result.getException().getMessage();
            assertTrue(message.startsWith("TLS with Swift at " + proxy.baseUrl() + "/auth/v1.0 failed: "), message);
            assertTrue(message.contains("certification path"), message);
            assertTrue(proxy.accepted() >= 1, "the login reached the proxy");
            assertEquals(0, proxy.handshakes(), "and refused its certificate");
        }
        assertNothingMadeAndNothingInSwift("2016-07-02");
    }

    @Test
    void withoutTheCaFileTheDataCallsRefuseTheServerBeforeAnythingIsMade() throws Exception {
        try (TlsTerminatingProxy proxy = proxyToSwift(loopback)) {
            Exchange result = runFailing(httpsDataCallsOnly(proxy), "2016-07-03T23:55:00Z");
            assertTlsFailure(result.getException(), "certification path");
            assertTrue(proxy.accepted() >= 1, "the container PUT reached the proxy");
            assertEquals(0, proxy.handshakes(), "and refused its certificate");
        }
        assertNothingMadeAndNothingInSwift("2016-07-03");
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsRefusedByTheDataCalls() throws Exception {
        SelfSigned otherName = SelfSigned.generate(dir.resolve("other"), "other", "dns:other.invalid");
        try (TlsTerminatingProxy proxy = proxyToSwift(otherName)) {
            Exchange result = runFailing(with(httpsDataCallsOnly(proxy), "swift.ca-file", otherName.pem().toString()),
                    "2016-07-04T23:55:00Z");
            assertTlsFailure(result.getException(), "127.0.0.1");
        }
        assertNothingMadeAndNothingInSwift("2016-07-04");
    }

    private Settings settings(Map<String, String> overrides) throws IOException {
        return TestConfig.settings(TestConfig.write(dir, env, overrides), env.get("swift.key"));
    }

    /** Runs the backup, which must fail; JMX counts the failure. */
    private Exchange runFailing(Map<String, String> overrides, String instant) throws Exception {
        Settings settings = settings(overrides);
        try (JobRuntime runtime = JobRuntime.startOnce(settings, clockAt(instant))) {
            Exchange result = runtime.run("direct:backup", Map.of());
            assertTrue(result.isFailed(), "the backup must fail");
            assertFalse(result.getException().getMessage().contains(env.get("swift.key")),
                    result.getException().getMessage());
            assertEquals(1L, BackupIT.routeAttribute(settings, "backup", "ExchangesFailed"));
            assertEquals(0L, BackupIT.routeAttribute(settings, "backup", "ExchangesCompleted"));
            return result;
        }
    }

    /** The failure names the TLS failure with Swift, and says {@code detail}: the preflight's check of the Swift login refused the run. */
    private static void assertTlsFailure(Throwable failure, String detail) {
        String message = failure.getMessage();
        assertTrue(message.contains("TLS with Swift at ") && message.contains(detail), message);
    }

    /** The preflight refused the run before anything: influxd never ran, no file on disk, nothing in Swift. */
    private void assertNothingMadeAndNothingInSwift(String day) throws IOException, InterruptedException {
        assertEquals(List.of(), BackupIT.runDirs(dir.resolve("work")), "influxd backup never ran");
        assertFalse(swift.run(dir, "list").contains(day), "no container " + day + " in Swift");
    }

    static Clock clockAt(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, to.resolve(file.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
