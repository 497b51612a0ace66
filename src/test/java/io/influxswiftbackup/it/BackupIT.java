package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.backup.BackupRun;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.monitor.JobState;
import io.influxswiftbackup.swift.SwiftAuth;
import io.influxswiftbackup.swift.SwiftClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The backup job against the real production InfluxDB and the real Swift, checked with the swift CLI. */
@ExtendWith(LocalServers.class)
class BackupIT {

    static final String DB = "sensu_db";
    static LocalServers.Environment env;
    static SwiftCli swift;

    @TempDir
    Path dir;

    @BeforeAll
    static void writePoints() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        swift.deleteContainers("2016-06-11", "2016-06-12", "2016-06-14", "2016-06-15", "2016-06-20", "2016-06-21");
        InfluxHttp influx = new InfluxHttp(env.get("influx.production.url"));
        StringBuilder lines = new StringBuilder();
        // 3 weeks of points: several shards (7-day shard groups), two measurements.
        long start = Instant.parse("2016-05-23T00:00:00Z").toEpochMilli() * 1_000_000L;
        for (int hour = 0; hour < 21 * 24; hour++) {
            long t = start + hour * 3_600_000_000_000L;
            lines.append("Aggregated_metrics,host=h1 value=").append(hour).append(".5,count=").append(hour).append("i ").append(t).append('\n');
            lines.append("cpu_usage,host=h2 idle=").append(hour % 100).append(".25 ").append(t).append('\n');
        }
        influx.createWith(DB, lines.toString());
    }

    static Clock clockAt(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void uploadsExactlyTheFilesInfluxdBackupWroteThenDeletesThem() throws Exception {
        Path config = TestConfig.write(dir, env, Map.of());
        Settings settings = TestConfig.settings(config, env.get("swift.key"));
        Path kept = dir.resolve("kept");
        try (JobRuntime runtime = JobRuntime.startOnce(settings, clockAt("2016-06-11T23:55:00Z"))) {
            Exchange result = backupKeepingACopy(runtime, kept);
            assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
            assertEquals(1L, routeAttribute(settings, "backup", "ExchangesCompleted"));
            assertEquals(0L, routeAttribute(settings, "backup", "ExchangesFailed"));
            List<String> files = names(kept);
            long bytes = files.stream().mapToLong(name -> kept.resolve(name).toFile().length()).sum();
            assertEquals("success", Monitoring.job("backup", "LastOutcome"));
            assertEquals("2016-06-11T23:55:00Z", Monitoring.job("backup", "LastSuccess"));
            assertEquals("2016-06-11", Monitoring.job("backup", "LastSuccessDay"));
            assertEquals((long) files.size(), Monitoring.job("backup", "LastFiles"), "every file uploaded and verified");
            assertEquals(bytes, Monitoring.job("backup", "LastBytes"));
            assertTrue((Long) Monitoring.job("backup", "LastDurationMillis") > 0);
            assertEquals("", Monitoring.job("backup", "LastFailure"));
            assertEquals(false, Monitoring.job("backup", "Running"));
            JobState state = JobState.read(JobState.file(dir.resolve("work"), "backup"), "backup");
            assertEquals(files.size(), state.lastSuccess().files(), "the state file says the same");
            assertEquals(bytes, state.lastSuccess().bytes());
            assertNull(state.running());
        }

        List<String> produced = names(kept);
        assertTrue(produced.contains("meta.00"), produced.toString());
        assertTrue(produced.stream().filter(n -> n.matches("sensu_db\\.autogen\\.\\d{5}\\.00")).count() >= 3,
                "expected several shard files, got " + produced);
        swift.assertHoldsExactly(dir, "2016-06-11", kept);
        assertEquals(List.of(), runDirs(dir.resolve("work")), "the run's directory must be gone");
    }

    @Test
    void refusesADayAlreadyInSwiftUnlessForced() throws Exception {
        Path config = TestConfig.write(dir, env, Map.of());
        Settings settings = TestConfig.settings(config, env.get("swift.key"));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, clockAt("2016-06-12T23:55:00Z"))) {
            assertFalse(runtime.run("direct:backup", Map.of()).isFailed());
            Exchange again = runtime.run("direct:backup", Map.of());
            assertTrue(again.isFailed());
            assertTrue(again.getException().getMessage().contains("2016-06-12/shards/ already holds objects"),
                    again.getException().getMessage());
            assertEquals(List.of(), runDirs(dir.resolve("work")), "refused before influxd ran: no local copy");
            Exchange forced = runtime.run("direct:backup", Map.of(BackupJob.FORCE_HEADER, true));
            assertFalse(forced.isFailed(), () -> "forced backup failed: " + forced.getException());
        }
        assertTrue(swift.run(dir, "list", "2016-06-12", "-p", "2016-06-12/shards/").contains("2016-06-12/shards/meta.00"));
    }

    @Test
    void aTokenRevokedBetweenTwoUploadsIsRenewedOnceAndTheBackupGoesOn() throws Exception {
        // Breaks: between the first and the second upload, Swift forgets every token (memcached flushed).
        Path config = TestConfig.write(dir, env, Map.of());
        Settings settings = TestConfig.settings(config, env.get("swift.key"));
        Path kept = dir.resolve("kept");
        try (JobRuntime runtime = JobRuntime.startOnce(settings, clockAt("2016-06-14T23:55:00Z"))) {
            SwiftAuth auth = runtime.context().getRegistry().lookupByNameAndType("swift", SwiftClient.class).auth();
            AtomicInteger uploads = new AtomicInteger();
            String[] revoked = new String[1];
            long[] loginsBefore = new long[1];
            AdviceWith.adviceWith(runtime.context(), "backup", route -> route.weaveById("backup-upload-verified").before()
                    .process(exchange -> {
                        if (uploads.incrementAndGet() == 2) {
                            revoked[0] = auth.token();
                            loginsBefore[0] = auth.logins();
                            forgetAllTempAuthTokens();
                            assertEquals(401, headAccount(auth.storageUrl(), revoked[0]), "the cached token must now be refused");
                        }
                    }));
            Exchange result = backupKeepingACopy(runtime, kept);
            assertFalse(result.isFailed(), () -> "backup failed: " + result.getException());
            assertTrue(uploads.get() >= 3, "several uploads, after the token was revoked too: " + uploads.get());
            assertNotEquals(revoked[0], auth.token());
            assertEquals(loginsBefore[0] + 1, auth.logins(), "logged in again exactly once");
        }
        swift.assertHoldsExactly(dir, "2016-06-14", kept);
    }

    @Test
    void theCommandBacksUpAndLogsNoSecret() throws Exception {
        Path config = TestConfig.write(dir, env, Map.of());
        JarRun cli = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")),
                "backup", "--config", config.toString(), "--date", "2016-06-15");
        assertEquals(0, cli.exitCode(), cli.toString());
        assertEquals("", cli.stderr(), cli.toString());
        assertTrue(cli.stdout().contains("swift.key = ******  [environment SWIFT_KEY]"), cli.toString());
        assertTrue(cli.stdout().contains("Backup for day 2016-06-15 complete"), cli.toString());
        assertFalse(cli.stdout().contains(env.get("swift.key")), "the key must not be logged");
        assertFalse(cli.stdout().contains("AUTH_tk"), "no token may be logged");
        assertTrue(swift.run(dir, "list", "2016-06-15", "-p", "2016-06-15/shards/").contains("2016-06-15/shards/meta.00"));
        assertEquals(List.of(), runDirs(dir.resolve("work")));
    }

    /** TempAuth keeps its tokens in memcached: flushing it is how a token expires or is revoked. */
    static void forgetAllTempAuthTokens() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(env.shellVar("ISB_MEMCACHED_PORT")))) {
            socket.getOutputStream().write("flush_all\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertEquals("OK", reply);
        }
    }

    static int headAccount(String storageUrl, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(storageUrl))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("X-Auth-Token", token).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void swiftUnreachableFailsBeforeInfluxdRuns() throws Exception {
        String closed = "http://127.0.0.1:" + freePort() + "/auth/v1.0";
        assertFailsBeforeInfluxdRuns(Map.of("swift.auth-url", closed), env.get("swift.key"), "cannot reach Swift");
    }

    @Test
    void wrongKeyFailsBeforeInfluxdRuns() throws Exception {
        assertFailsBeforeInfluxdRuns(Map.of(), "wrong-key-q7Zr2", "refused user");
    }

    /**
     * In process: the exchange fails and JMX counts it; as a command: exit 1 and one line, no secret.
     * The preflight found it: influxd never ran, nothing is left in work.dir.
     */
    private void assertFailsBeforeInfluxdRuns(Map<String, String> overrides, String key, String reason) throws Exception {
        Map<String, String> enabled = new java.util.HashMap<>(overrides);
        enabled.put("backup.enabled", "true");
        Path config = TestConfig.write(dir, env, enabled);
        Settings settings = TestConfig.settings(config, key);
        try (JobRuntime runtime = JobRuntime.startOnce(settings, clockAt("2016-06-20T23:55:00Z"))) {
            Exchange result = runtime.run("direct:backup", Map.of());
            assertTrue(result.isFailed());
            assertTrue(result.getException().getMessage().contains(reason), result.getException().getMessage());
            assertEquals(1L, routeAttribute(settings, "backup", "ExchangesFailed"));
            assertEquals("failure", Monitoring.job("backup", "LastOutcome"));
            assertEquals("2016-06-20T23:55:00Z", Monitoring.job("backup", "LastFailure"));
            assertEquals("2016-06-20", Monitoring.job("backup", "LastFailureDay"));
            String failureReason = (String) Monitoring.job("backup", "LastFailureReason");
            assertTrue(failureReason.contains(reason), failureReason);
            assertEquals("", Monitoring.job("backup", "LastSuccess"));
            assertEquals(0L, Monitoring.job("backup", "LastFiles"));
            assertEquals("CRITICAL", Monitoring.job("backup", "Status"));
            Map<String, HealthCheck.Result> health = Monitoring.health(runtime.context());
            assertEquals(HealthCheck.State.DOWN, health.get("job-backup").getState(), Monitoring.describe(health.get("job-backup")));
            assertTrue(health.get("job-backup").getMessage().orElse("").contains(reason), Monitoring.describe(health.get("job-backup")));
            assertEquals(HealthCheck.State.DOWN, health.get("swift").getState(), Monitoring.describe(health.get("swift")));
            assertEquals(HealthCheck.State.UP, health.get("influx-production").getState(),
                    Monitoring.describe(health.get("influx-production")));
        }
        assertEquals(List.of(), runDirs(dir.resolve("work")), "influxd never ran");

        JarRun cli = JarRun.run(dir, Map.of("SWIFT_KEY", key), "backup", "--config", config.toString(), "--date", "2016-06-21");
        assertEquals(1, cli.exitCode(), cli.toString());
        assertEquals(1, cli.stderrLines().size(), cli.toString());
        assertTrue(cli.stderrLines().get(0).startsWith("error: ") && cli.stderrLines().get(0).contains(reason), cli.toString());
        assertFalse(cli.stdout().contains(key) || cli.stderr().contains(key), "the key must not appear in the output");
        assertEquals(List.of(), runDirs(dir.resolve("work")), "nor for the command");
    }

    static Object routeAttribute(Settings settings, String routeId, String attribute) throws Exception {
        ObjectName name = new ObjectName("org.apache.camel:context=" + settings.get("camel.main.name")
                + ",type=routes,name=\"" + routeId + "\"");
        return ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
    }

    /** The run directories a job left in work.dir (its state/ folder aside). */
    static List<String> runDirs(Path workDir) throws IOException {
        return names(workDir).stream().filter(name -> !name.equals("state") && !name.equals("locks")).toList();
    }

    static List<String> names(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs the backup job, keeping a copy of what influxd backup wrote in {@code kept} (the job deletes its own). */
    static Exchange backupKeepingACopy(JobRuntime runtime, Path kept) throws Exception {
        keepACopy(runtime, kept);
        return runtime.run("direct:backup", Map.of());
    }

    /** From now on, the backup job copies what influxd backup wrote into {@code kept} before it deletes it. */
    static void keepACopy(JobRuntime runtime, Path kept) throws Exception {
        AdviceWith.adviceWith(runtime.context(), "backup", route -> route.weaveById("backup-delete-local-copy").before()
                .process(exchange -> copyTree(Path.of(exchange.getProperty(BackupRun.PROPERTY, BackupRun.class).runDir()), kept)));
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        File[] files = from.toFile().listFiles();
        assertNotNull(files);
        for (File file : files) {
            Files.copy(file.toPath(), to.resolve(file.getName()));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
