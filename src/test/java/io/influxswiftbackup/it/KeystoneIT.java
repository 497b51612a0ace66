package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.app.Services;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.swift.SwiftAuth;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keystone v3 on the real servers: a real Keystone and a Swift proxy with authtoken + keystoneauth
 * ({@code scripts/local-env keystone-start}). The runbook's backup, restore and dump run through it
 * as commands and are checked with the {@code swift} CLI given the v3 variables; the login, the
 * catalog lookup, renewal before expiry, a revoked token and a wrong password are checked against it.
 */
@ExtendWith(LocalServers.class)
class KeystoneIT {

    static final String DB = "sensu_db";
    static final String DAY = "2016-10-05";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static LocalServers.Environment ks;
    static SwiftCli swift;
    static String password;
    /** (time, value) of the points written for DAY, as the dump must show them. */
    static final List<String> written = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void keystoneAndPoints() throws Exception {
        ks = LocalKeystone.environment();
        swift = new SwiftCli(ks);
        password = ks.shellVar("OS_PASSWORD");
        swift.deleteContainers(DAY, "2016-10-06", "2016-10-07");
        String production = ks.get("influx.production.url");
        InfluxSnapshot.query(production, null, "CREATE DATABASE " + DB);
        StringBuilder lines = new StringBuilder();
        Instant day = Instant.parse(DAY + "T00:00:00Z");
        for (int i = 0; i < 48; i++) {
            Instant t = day.plus(Duration.ofMinutes(30L * i));
            lines.append("Aggregated_metrics,host=keystone value=").append(i).append(".5 ")
                    .append(t.getEpochSecond()).append("000000000\n");
            written.add(t + " " + i + ".5");
        }
        InfluxFixture.writeLines(production, DB, null, lines.toString());
    }

    private Settings settings(Map<String, String> overrides) throws Exception {
        return Settings.load(TestConfig.write(dir, ks, overrides), Map.of("SWIFT_PASSWORD", password));
    }

    private SwiftAuth login(Map<String, String> overrides) throws Exception {
        return ((SwiftClient) Services.create(settings(overrides), Clock.systemUTC()).get("swift")).auth();
    }

    /** HEAD of the account: 204, or 200 while the account is not created yet (account_autocreate). */
    static void assertOpens(String storageUrl, String token, String why) throws Exception {
        int status = BackupIT.headAccount(storageUrl, token);
        assertTrue(status == 204 || status == 200, why + ": HEAD " + storageUrl + " answered " + status);
    }

    private void assertNoSecret(JarRun run) {
        String output = run.stdout() + run.stderr();
        assertFalse(output.contains(password), "the password must never be printed");
        assertFalse(output.contains("gAAAAA"), "no Keystone (Fernet) token may be printed");
    }

    @Test
    void backupRestoreAndDumpRunThroughKeystone() throws Exception {
        Path config = TestConfig.write(dir, ks, Map.of());
        Map<String, String> secret = Map.of("SWIFT_PASSWORD", password);

        JarRun backup = JarRun.run(dir, secret, "backup", "--config", config.toString(), "--date", DAY);
        assertEquals(0, backup.exitCode(), backup.toString());
        assertEquals("", backup.stderr(), backup.toString());
        assertTrue(backup.stdout().contains("swift.password = ******  [environment SWIFT_PASSWORD]"), backup.toString());
        assertTrue(backup.stdout().contains("Logged in to Keystone as swiftuser (project swiftproj; storage URL "
                + ks.shellVar("ISB_KEYSTONE_STORAGE_URL") + " from the catalog; token valid for "), backup.toString());
        assertNoSecret(backup);
        List<String> shards = swift.run(dir, "list", DAY, "-p", DAY + "/shards/");
        assertTrue(shards.contains(DAY + "/shards/meta.00"), shards.toString());

        // The restore reads the password from a file instead.
        Path passwordFile = dir.resolve("swift-password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        // Its own folder: the config of the other commands (test.properties in dir) stays as it is.
        Path fileConfig = TestConfig.write(Files.createDirectories(dir.resolve("password-file")), ks,
                Map.of("swift.password-file", passwordFile.toString(), "work.dir", dir.resolve("work").toString(),
                        "dump.dir", dir.resolve("dump").toString()));
        JarRun restore = JarRun.run(dir, Map.of(), "restore", "--config", fileConfig.toString(), "--date", DAY);
        assertEquals(0, restore.exitCode(), restore.toString());
        assertNoSecret(restore);
        String count = "SELECT count(value) FROM Aggregated_metrics WHERE host = 'keystone'";
        assertEquals(48, InfluxSnapshot.query(ks.get("influx.intermediary.url"), DB, count)
                .at("/series/0/values/0/1").asLong(), "every point of the day is in the intermediary");

        JarRun dump = JarRun.run(dir, secret, "dump", "--config", config.toString(), "--date", DAY);
        assertEquals(0, dump.exitCode(), dump.toString());
        assertNoSecret(dump);
        String object = DAY + "/influxdb/Aggregated_metrics_" + DAY + "-00:00:00_2016-10-06-00:00:00.json";
        assertEquals(List.of(object), swift.run(dir, "list", DAY, "-p", DAY + "/influxdb/"));
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        swift.run(downloads, "download", DAY, "-p", DAY + "/influxdb/");
        List<String> dumped = new ArrayList<>();
        for (String line : Files.readAllLines(downloads.resolve(object), StandardCharsets.UTF_8)) {
            JsonNode record = JSON.readTree(line);
            assertEquals("keystone", record.at("/tags/host").asText(), line);
            dumped.add(Instant.parse(record.get("time").asText()) + " " + record.at("/fields/value").asText());
        }
        assertEquals(written, dumped, "the dump holds exactly the day's points, in time order");

        JarRun list = JarRun.run(dir, secret, "list", "--config", config.toString(), "--date", DAY);
        assertEquals(0, list.exitCode(), list.toString());
        assertEquals(swift.run(dir, "list", DAY), list.stdout().lines().skip(1).map(l -> l.strip().split("  ", 2)[1]).toList());
    }

    @Test
    void theStorageUrlComesFromTheCatalogForTheRegionAndInterface() throws Exception {
        String storageUrl = ks.shellVar("ISB_KEYSTONE_STORAGE_URL");
        SwiftAuth regionOne = login(Map.of());
        assertEquals(storageUrl, regionOne.storageUrl());
        assertOpens(regionOne.storageUrl(), regionOne.token(), "the token opens the account");

        String port = ks.shellVar("ISB_SWIFT_KS_PORT");
        assertEquals(storageUrl.replace("127.0.0.1", "localhost"), login(Map.of("swift.region", "RegionTwo")).storageUrl());
        assertEquals("http://127.0.0.1:" + port + "/v1", login(Map.of("swift.interface", "admin")).storageUrl());
        String override = "http://127.0.0.1:" + port + "/v1/AUTH_" + ks.shellVar("ISB_KEYSTONE_PROJECT_ID");
        assertEquals(override, login(Map.of("swift.storage-url", override + "/", "swift.region", "RegionNine")).storageUrl(),
                "swift.storage-url wins; the catalog is not consulted");

        String authUrl = ks.get("swift.auth-url");
        SwiftException several = assertThrows(SwiftException.class, () -> login(Map.of("swift.region", "")).token());
        assertEquals("Keystone at " + authUrl + " (user 'swiftuser'): the catalog has object-store endpoints for interface"
                + " 'public' in several regions (RegionOne, RegionTwo): set swift.region to one of them", several.getMessage());
        SwiftException none = assertThrows(SwiftException.class, () -> login(Map.of("swift.region", "RegionNine")).token());
        assertEquals("Keystone at " + authUrl + " (user 'swiftuser'): the catalog has no object-store endpoint for region"
                + " 'RegionNine' and interface 'public' - have you specified a region? It offers: RegionOne public,"
                + " RegionOne internal, RegionOne admin, RegionTwo public (swift.region, swift.interface)", none.getMessage());
    }

    @Test
    void theTokenIsRenewedTheConfiguredMarginBeforeKeystoneSaysItExpires() throws Exception {
        long life = Long.parseLong(ks.shellVar("ISB_KEYSTONE_TOKEN_EXPIRATION"));
        // Renew 2 s into the token's life: the margin is its whole life but 2 s.
        Instant started = Instant.now();
        SwiftAuth auth = login(Map.of("swift.renew-before-expiry-s", String.valueOf(life - 2)));
        String first = auth.token();
        Duration left = Duration.between(Instant.now(), auth.session().expiresAt());
        assertTrue(left.compareTo(Duration.ofSeconds(life - 5)) > 0 && left.compareTo(Duration.ofSeconds(life)) <= 0,
                "the token's life is Keystone's [token] expiration (" + life + " s): " + left);

        Instant deadline = started.plusSeconds(20);
        String current = first;
        while (current.equals(first) && Instant.now().isBefore(deadline)) {
            assertOpens(auth.storageUrl(), current, "the token works until it is renewed");
            current = auth.token();
        }
        Duration renewedAfter = Duration.between(started, Instant.now());
        assertNotEquals(first, current, "renewed within 20 s");
        assertTrue(renewedAfter.compareTo(Duration.ofSeconds(2)) >= 0, "not renewed before the margin: " + renewedAfter);
        assertEquals(2, auth.logins());
        assertOpens(auth.storageUrl(), current, "the renewed token opens the account");
    }

    @Test
    void aRevokedTokenIsReplacedByOneNewLoginAndTheBackupGoesOn() throws Exception {
        Settings settings = settings(Map.of());
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2016-10-06T23:55:00Z"), ZoneOffset.UTC))) {
            SwiftAuth auth = runtime.context().getRegistry().lookupByNameAndType("swift", SwiftClient.class).auth();
            String revoked = auth.token();
            long logins = auth.logins();
            assertOpens(auth.storageUrl(), revoked, "Swift's authtoken now caches the token");

            HttpResponse<Void> delete = HTTP.send(HttpRequest.newBuilder(URI.create(ks.get("swift.auth-url") + "/auth/tokens"))
                    .DELETE().header("X-Auth-Token", revoked).header("X-Subject-Token", revoked).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(204, delete.statusCode(), "Keystone revokes the token");
            // authtoken keeps a validated token for token_cache_time (2 s in the local proxy).
            Instant deadline = Instant.now().plusSeconds(30);
            int status = BackupIT.headAccount(auth.storageUrl(), revoked);
            while (status != 401 && Instant.now().isBefore(deadline)) {
                status = BackupIT.headAccount(auth.storageUrl(), revoked);
            }
            assertEquals(401, status, "Swift refuses the revoked token once its cache entry is gone");

            Exchange result = runtime.run("direct:backup", Map.of());
            assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
            assertEquals(logins + 1, auth.logins(), "logged in again exactly once");
            assertNotEquals(revoked, auth.token());
        }
        assertTrue(swift.run(dir, "list", "2016-10-06", "-p", "2016-10-06/shards/").contains("2016-10-06/shards/meta.00"));
    }

    @Test
    void aWrongPasswordFailsWithOneLineAndIsNeverPrinted() throws Exception {
        Path config = TestConfig.write(dir, ks, Map.of());
        String wrong = "wrong-" + password;
        JarRun run = JarRun.run(dir, Map.of("SWIFT_PASSWORD", wrong), "backup", "--config", config.toString(), "--date", "2016-10-07");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(List.of("error: Keystone at " + ks.get("swift.auth-url") + " refused user 'swiftuser' (401): check"
                + " swift.username, swift.password, swift.user-domain, swift.project and swift.project-domain"), run.stderrLines());
        assertFalse((run.stdout() + run.stderr()).contains(wrong), "the password must not be printed");
        assertEquals(List.of(), BackupIT.runDirs(dir.resolve("work")), "the preflight refused it before influxd backup ran");
        assertEquals(List.of(), swift.listIfPresent("2016-10-07", "2016-10-07/"));

        Map<String, String> noPassword = new HashMap<>();
        JarRun missing = JarRun.run(dir, noPassword, "backup", "--config", config.toString(), "--date", "2016-10-07");
        assertEquals(2, missing.exitCode(), missing.toString());
        assertEquals(List.of("error: swift.password is not set (give it as SWIFT_PASSWORD, or swift.password-file naming a"
                + " file that holds it)"), missing.stderrLines());
    }
}
