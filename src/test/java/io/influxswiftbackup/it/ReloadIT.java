package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.app.RouteReloader;
import io.influxswiftbackup.backup.BackupJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Route files that ops edit, in a running daemon (routes.reload=true) against the real Swift: a saved
 * edit takes effect, a broken one is rejected while the routes run on as they were, and a save
 * during a running job waits until the job has ended. influxd is a script writing three small files;
 * it can be held at a gate (a file) to keep a job running.
 */
@ExtendWith(LocalServers.class)
class ReloadIT {

    static final String LAST_STEP = "            message: \"Backup for day ${exchangeProperty.backup.day()} complete: every file verified"
            + " in Swift, local copy ${exchangeProperty.backup.runDir()} deleted\"\n";
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static LocalServers.Environment env;

    @TempDir
    Path dir;
    Path routes;
    Path gate;
    JobRuntime daemon;

    @BeforeAll
    static void servers() throws Exception {
        env = LocalServers.environment();
        new SwiftCli(env).deleteContainers("2016-10-01", "2016-10-02", "2016-10-03", "2016-10-04", "2016-10-05", "2016-10-06");
    }

    @BeforeEach
    void startTheDaemon() throws Exception {
        routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        gate = dir.resolve("gate");
        Path influxd = dir.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\n"
                + Gate.holdLine(gate)
                + "mkdir -p \"$6\" && echo meta > \"$6/meta.00\" && echo one > \"$6/sensu_db.autogen.00001.00\""
                + " && echo two > \"$6/sensu_db.autogen.00002.00\"\n");
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        Path config = TestConfig.write(dir, env, Map.of("routes.dir", routes.toString(), "routes.reload", "true",
                "influx.influxd", influxd.toString()));
        daemon = JobRuntime.start(TestConfig.settings(config, env.get("swift.key")),
                Clock.fixed(Instant.parse("2016-10-01T23:55:00Z"), java.time.ZoneOffset.UTC), JobRuntime.Mode.DAEMON);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private RouteReloader reloader() {
        return daemon.reloader();
    }

    /** Saves routes/backup.yaml as an editor does (a new file renamed over the old), with {@code step} added at its end. */
    private void saveBackupYamlWith(String step) throws IOException {
        String original = Files.readString(Path.of("routes", "backup.yaml"));
        assertTrue(original.contains(LAST_STEP));
        Path tmp = dir.resolve("backup.yaml.tmp");
        Files.writeString(tmp, original.replace(LAST_STEP, LAST_STEP + step));
        Files.move(tmp, routes.resolve("backup.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String marker(String value) {
        return "        - setProperty:\n            name: editedBy\n            expression:\n              constant:\n"
                + "                expression: " + value + "\n";
    }

    private Exchange backup(String day) {
        Exchange result = daemon.run("direct:backup", Map.of(BackupJob.DATE_HEADER, day));
        assertFalse(result.isFailed(), () -> "backup of " + day + " failed: " + result.getException());
        return result;
    }

    private static void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(condition);
    }

    @Test
    void anEditTakesEffectAndABrokenOneIsRejectedWhileTheRoutesRunOn() throws Exception {
        assertNull(backup("2016-10-01").getProperty("editedBy"));

        saveBackupYamlWith(marker("ops"));
        await("the edited file is reloaded", () -> reloader().reloadedCount() == 1);
        assertEquals("ops", backup("2016-10-02").getProperty("editedBy"), "the new step runs");

        try (LogCapture log = new LogCapture(io.influxswiftbackup.app.RouteReloader.class)) {
            saveBackupYamlWith("        - log:\n            mesage: \"a typo\"\n");
            await("the broken file is rejected", () -> reloader().rejectedCount() == 1);
            Path file = routes.resolve("backup.yaml");
            String rejection = reloader().lastRejection();
            assertTrue(rejection.matches(java.util.regex.Pattern.quote(file.toString()) + ", line \\d+, column \\d+: Unsupported field: mesage"),
                    rejection);
            List<String> errors = log.lines().stream().filter(l -> l.startsWith("ERROR")).toList();
            assertEquals(List.of("ERROR Rejected " + rejection
                    + "; the routes of backup.yaml keep running as they were"), errors);
        }
        assertEquals("ops", backup("2016-10-03").getProperty("editedBy"), "the routes as they were still run");

        saveBackupYamlWith(marker("ops") + "        - to:\n            uri: nosuch:thing\n");
        await("a file Camel cannot start is rejected", () -> reloader().rejectedCount() == 2);
        assertTrue(reloader().lastRejection().matches(".*backup\\.yaml, line \\d+ \\(route backup\\): No endpoint could be found"
                + " for: nosuch://thing.*"), reloader().lastRejection());
        assertEquals("ops", backup("2016-10-04").getProperty("editedBy"), "the routes were put back as they were");
        assertEquals(1, reloader().reloadedCount());
    }

    @Test
    void aSaveDuringARunningJobWaitsUntilTheJobEnds() throws Exception {
        Gate.make(gate);
        CompletableFuture<Exchange> running = CompletableFuture.supplyAsync(() -> daemon.run("direct:backup",
                Map.of(BackupJob.DATE_HEADER, "2016-10-05")));
        await("the backup runs (held at the gate)", () -> daemon.monitor().running().contains("backup"));

        saveBackupYamlWith(marker("during"));
        await("the reload waits for the job", () -> "backup.yaml".equals(reloader().waitingFile()));
        assertEquals(0, reloader().reloadedCount(), "nothing reloaded while the job runs");
        assertFalse(running.isDone());

        Gate.open(gate);
        Exchange first = running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertFalse(first.isFailed(), () -> String.valueOf(first.getException()));
        assertNull(first.getProperty("editedBy"), "the running job ended on the routes it started with");
        await("the file is reloaded once the job has ended", () -> reloader().reloadedCount() == 1);
        assertNull(reloader().waitingFile());
        assertEquals("during", backup("2016-10-06").getProperty("editedBy"), "the next run has the new step");
    }
}
