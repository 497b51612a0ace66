package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An InfluxDB with authentication on (an influxd of this test's own, behind a relay that records
 * every byte it is sent): with a wrong password the dump and the restore (into either side) fail
 * at once, without a retry, in one line that names the InfluxDB, its host and port and the keys to
 * check; with the right one they work. InfluxDB never receives a Swift token or key.
 */
@ExtendWith(LocalServers.class)
class InfluxAuthIT {

    static final String USER = "admin";
    static final String PASSWORD = "right-Pw-7Qx";
    static final String WRONG = "wrong-Pw-3Zy";
    static final String DB = "sensu_db";
    static final String DAY = "2012-07-14";
    static final String MEASUREMENT = "auth_check";
    static final String OBJECT = DAY + "/influxdb/" + MEASUREMENT + "_2012-07-14-00:00:00_2012-07-15-00:00:00.json";

    static LocalServers.Environment env;
    static SwiftCli swift;
    static AuthInfluxd influxd;
    static RecordingRelay relay;
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void startInfluxdWithAuthAndBackUpADay() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        swift.deleteContainers(DAY);
        influxd = AuthInfluxd.start(Files.createDirectories(shared.resolve("influxd")), USER, PASSWORD);
        relay = RecordingRelay.start(influxd.url());
        influxd.query(null, "CREATE DATABASE " + DB);
        long midnight = Instant.parse(DAY + "T00:00:00Z").toEpochMilli() * 1_000_000L;
        influxd.write(DB, MEASUREMENT + ",host=a value=1i " + (midnight + 1) + "\n" + MEASUREMENT + ",host=b value=2i "
                + (midnight + 3_600_000_000_000L) + "\n" + MEASUREMENT + ",host=a value=3i " + (midnight + 86_399_000_000_000L) + "\n");
        // (the backup's preflight asks production with the configured user)
        try (JobRuntime runtime = JobRuntime.startOnce(io.influxswiftbackup.config.Settings.load(config(shared, Map.of()),
                Map.of("SWIFT_KEY", env.get("swift.key"), "INFLUX_PRODUCTION_PASSWORD", PASSWORD)),
                Clock.fixed(Instant.parse(DAY + "T23:55:00Z"), ZoneOffset.UTC))) {
            Exchange backup = runtime.run("direct:backup", Map.of());
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
        // The dump's check that the intermediary holds a restore covering the day.
        Files.createDirectories(shared.resolve("dump"));
        Files.writeString(shared.resolve("dump/restored-day"), "2012-07-15\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (influxd != null) {
            influxd.close();
        }
        if (swift != null) {
            swift.deleteContainers(DAY);
        }
    }

    @BeforeEach
    void forgetEarlierRequests() {
        relay.clear();
    }

    /**
     * Both sides are the auth-enabled influxd, through the relay; the intermediary's directories and
     * commands are the test's own, so nothing can touch the shared intermediary.
     */
    private static Path config(Path dir, Map<String, String> more) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("influx.production.url", relay.url());
        values.put("influx.production.user", USER);
        values.put("influx.production.backup-host", influxd.rpcHost());
        values.put("influx.production.datadir", influxd.dataDir().toString());
        values.put("influx.intermediary.url", relay.url());
        values.put("influx.intermediary.user", USER);
        values.put("influx.intermediary.restore-host", influxd.rpcHost());
        for (String kind : List.of("meta", "data", "wal")) {
            values.put("influx.intermediary." + kind + "dir", Files.createDirectories(dir.resolve("intermediary-" + kind)).toString());
        }
        values.put("influx.intermediary.stop-command", "/bin/false");
        values.put("influx.intermediary.start-command", "/bin/false");
        values.put("dump.measurements", MEASUREMENT);
        values.put("dump.dir", shared.resolve("dump").toString());
        values.putAll(more);
        return TestConfig.write(dir, env, values);
    }

    private JarRun jar(String side, String password, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config(dir, Map.of()).toString(), "--date", DAY));
        return JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key"),
                "INFLUX_" + side.toUpperCase(Locale.ROOT) + "_PASSWORD", password), all.toArray(String[]::new));
    }

    private String refusedLine(String side) {
        return "error: the " + side + " InfluxDB at " + relay.hostPort() + " refused user '" + USER + "' (401 Unauthorized):"
                + " check influx." + side + ".user and influx." + side + ".password";
    }

    /** It failed with exactly that one line, and InfluxDB got exactly one query: the one refused, not sent again. */
    private void assertRefusedAtOnce(JarRun run, String side) {
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(List.of(refusedLine(side)), run.stderrLines(), run.toString());
        assertFalse(run.stdout().contains(" retry "), "no retry: " + run.stdout());
        assertEquals(1, relay.requests().stream().filter(r -> r.contains("/query")).count(), relay.requests().toString());
        assertFalse(run.toString().contains(WRONG), "the password is never shown");
    }

    @Test
    void theDumpWithAWrongPasswordFailsAtOnceAndWithTheRightOneDumpsTheDay() throws Exception {
        JarRun refused = jar("intermediary", WRONG, "dump");
        assertRefusedAtOnce(refused, "intermediary");
        assertEquals(List.of(), swift.listIfPresent(DAY, DAY + "/influxdb/"), "nothing uploaded");
        assertNoSwiftSecretReachedInfluxDb();

        relay.clear();
        JarRun dumped = jar("intermediary", PASSWORD, "dump");
        assertEquals(0, dumped.exitCode(), dumped.toString());
        assertEquals(List.of(OBJECT), swift.run(dir, "list", DAY, "-p", DAY + "/influxdb/"));
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        swift.run(downloads, "download", DAY, OBJECT);
        assertEquals(3, Files.readAllLines(downloads.resolve(OBJECT)).size());
        assertTrue(relay.received().contains("Authorization: Basic "), "the relay records the request heads");
        assertNoSwiftSecretReachedInfluxDb();
    }

    @Test
    void theRestoreIntoTheIntermediaryWithAWrongPasswordFailsAtOnceBeforeAnyDownload() throws Exception {
        JarRun refused = jar("intermediary", WRONG, "restore");
        assertRefusedAtOnce(refused, "intermediary");
        Path work = dir.resolve("work");
        if (Files.exists(work)) {
            try (var left = Files.list(work)) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("restore_")), "nothing downloaded");
            }
        }
        assertNoSwiftSecretReachedInfluxDb();
    }

    @Test
    void theRestoreIntoProductionWithAWrongPasswordFailsAtOnceAndWithTheRightOneRestores() throws Exception {
        JarRun refused = jar("production", WRONG, "restore", "--target", "production", "--newdb", "restored_db");
        assertRefusedAtOnce(refused, "production");
        assertNoSwiftSecretReachedInfluxDb();

        relay.clear();
        JarRun restored = jar("production", PASSWORD, "restore", "--target", "production", "--newdb", "restored_db");
        assertEquals(0, restored.exitCode(), restored.toString());
        assertTrue(influxd.query("restored_db", "SELECT count(value) FROM " + MEASUREMENT).contains("[\"1970-01-01T00:00:00Z\",3]"),
                influxd.query("restored_db", "SELECT count(value) FROM " + MEASUREMENT));
        assertNoSwiftSecretReachedInfluxDb();
    }

    /** What InfluxDB received holds no X-Auth-Token header, no Swift token (TempAuth's are AUTH_tk…) and not the Swift key. */
    private void assertNoSwiftSecretReachedInfluxDb() throws Exception {
        String received = relay.received();
        assertFalse(received.isEmpty(), "the relay recorded the requests");
        assertFalse(received.toLowerCase(Locale.ROOT).contains("x-auth-token"), received);
        assertFalse(received.contains("AUTH_tk"), received);
        assertFalse(received.contains(swiftToken()), received);
        assertFalse(received.contains(env.get("swift.key")), received);
    }

    /** The token Swift gives the tool's user now: TempAuth hands out the same one until it expires. */
    private static String swiftToken() throws Exception {
        String[] user = env.get("swift.user").split(":", 2);
        HttpResponse<Void> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(env.get("swift.auth-url")))
                .header("X-Auth-User", user[0] + ":" + user[1]).header("X-Auth-Key", env.get("swift.key")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, login.statusCode());
        return login.headers().firstValue("X-Auth-Token").orElseThrow();
    }
}
