package io.influxswiftbackup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.influx.CommandFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore into the intermediary (routes/restore-intermediary.yaml) with scripts for influxd and
 * the stop/start commands, and the InfluxDB checks replaced by mocks: a restore that succeeds keeps
 * the new data and records the day; one that fails anywhere is rolled back (stopped, its previous
 * directories put back, started, awaited) and fails with its own failure.
 */
class RestoreIntermediaryRouteTest {

    @TempDir
    Path dir;
    JobRuntime runtime;
    Path commands;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private void start(String influxdScript, String checkFailure) throws Exception {
        commands = dir.resolve("commands.log");
        Path stopCommand = script("stop", "echo stop >> " + commands + "\n");
        Path startCommand = script("start", "echo start >> " + commands + "\n");
        Path influxd = script("influxd", influxdScript);
        for (String name : List.of("meta", "data", "wal")) {
            Files.createDirectories(dir.resolve(name));
            Files.writeString(dir.resolve(name).resolve("the-previous-day"), name);
        }
        Path config = Files.writeString(dir.resolve("unit.properties"), String.join("\n",
                "influx.influxd=" + influxd, "work.dir=" + dir.resolve("work"), "dump.dir=" + dir.resolve("dump"),
                "swift.key=unused", "influx.intermediary.metadir=" + dir.resolve("meta"),
                "influx.intermediary.datadir=" + dir.resolve("data"), "influx.intermediary.waldir=" + dir.resolve("wal"),
                "influx.intermediary.stop-command=" + stopCommand, "influx.intermediary.start-command=" + startCommand,
                "camel.main.name=unit-" + System.nanoTime(), ""));
        runtime = JobRuntime.startOnce(Settings.load(config, Map.of()), Clock.fixed(Instant.parse("2016-06-12T00:15:00Z"), ZoneOffset.UTC));
        AdviceWith.adviceWith(runtime.context(), "restore-intermediary-rollback",
                route -> route.weaveById("influx-await-restarted-intermediary").replace().to("mock:await-restarted"));
        AdviceWith.adviceWith(runtime.context(), "influx-check-database", route -> {
            route.weaveById("influx-await-restored").replace().to("mock:await-restored");
            route.weaveById("influx-require-database").replace().to("mock:require-database");
            route.weaveById("influx-require-data").replace().process(exchange -> {
                if (checkFailure != null) {
                    throw new RestoreException(checkFailure);
                }
            });
        });
    }

    private Path script(String name, String body) throws IOException {
        Path script = Files.writeString(dir.resolve(name + ".sh"), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private Exchange restore() throws IOException {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        RestoreRun run = new RestoreRun(new Day(LocalDate.parse("2016-06-11")), new RestoreRun.Target("intermediary", null,
                "127.0.0.1:8088", dir.resolve("data").toString()), "sensu_db", null, false, false, downloads.toString());
        run.checked(null, List.of(), 0, BackupFormat.LEGACY);
        return runtime.run("direct:restore-intermediary", Map.of(), Map.of(RestoreRun.PROPERTY, run));
    }

    private int received(String mock) {
        return runtime.context().getEndpoint(mock, MockEndpoint.class).getReceivedCounter();
    }

    @Test
    void aRestoreThatSucceedsKeepsTheNewDataAndRecordsTheDay() throws Exception {
        start("echo new > " + dir.resolve("meta").resolve("restored") + "\n", null);
        Exchange result = restore();
        assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
        assertEquals(List.of("stop", "start"), Files.readAllLines(commands));
        assertTrue(Files.exists(dir.resolve("meta").resolve("restored")));
        assertFalse(Files.exists(dir.resolve("data").resolve("the-previous-day")), "the previous data is gone");
        assertFalse(Files.exists(dir.resolve("data.previous")), "and so is its copy");
        assertEquals("2016-06-11", Files.readString(dir.resolve("dump").resolve(Day.RESTORED_DAY_FILE)).strip());
        assertEquals(0, received("mock:await-restarted"), "nothing rolled back");
    }

    @Test
    void aFailedInfluxdRestoreIsRolledBackAndTheRunFailsWithItsOwnFailure() throws Exception {
        start("echo new > " + dir.resolve("meta").resolve("restored") + "\necho 'restore: bad metastore' >&2\nexit 3\n", null);
        Exchange result = restore();
        assertTrue(result.isFailed());
        assertTrue(result.getException() instanceof CommandFailedException, String.valueOf(result.getException()));
        assertEquals("influxd restore -metadir exited 3: restore: bad metastore", result.getException().getMessage());
        assertRolledBack();
    }

    @Test
    void aDatabaseThatFailsTheCheckAfterTheRestartIsRolledBack() throws Exception {
        start("exit 0\n", "database sensu_db holds no point");
        Exchange result = restore();
        assertTrue(result.isFailed());
        assertEquals("database sensu_db holds no point", result.getException().getMessage());
        assertEquals(List.of("stop", "start", "stop", "start"), Files.readAllLines(commands),
                "started after the restore, then stopped and started again around the rollback");
        assertRolledBack();
    }

    private void assertRolledBack() throws IOException {
        for (String name : List.of("meta", "data", "wal")) {
            assertEquals(List.of("the-previous-day"), list(dir.resolve(name)), name + " holds the previous day again");
            assertFalse(Files.exists(dir.resolve(name + ".previous")));
        }
        assertEquals("start", Files.readAllLines(commands).get(Files.readAllLines(commands).size() - 1),
                "the intermediary is started again");
        assertEquals(1, received("mock:await-restarted"), "and awaited");
        assertFalse(Files.exists(dir.resolve("dump").resolve(Day.RESTORED_DAY_FILE)), "no day recorded");
    }

    private static List<String> list(Path directory) throws IOException {
        try (var entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
