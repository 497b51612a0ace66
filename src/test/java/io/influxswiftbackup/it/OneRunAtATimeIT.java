package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.monitor.JobLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two backups started at once, as two processes on the same work.dir: the first is held inside
 * influxd (a script that waits at a gate) while the second starts; the second says it skipped and
 * exits 0 without running influxd or touching Swift; the first then completes.
 */
@ExtendWith(LocalServers.class)
class OneRunAtATimeIT {

    static final String DAY = "2016-10-21";
    static LocalServers.Environment env;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() throws Exception {
        env = LocalServers.environment();
        new SwiftCli(env).deleteContainers(DAY);
    }

    @Test
    void twoBackupsAtOnceOneRunsTheOtherSaysItSkipped() throws Exception {
        Path gate = dir.resolve("gate");
        Path calls = dir.resolve("influxd-calls");
        Path influxd = dir.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\n"
                + "echo \"$$\" >> '" + calls + "'\n"
                + Gate.holdLine(gate)
                + "mkdir -p \"$6\" && echo meta > \"$6/meta.00\" && echo one > \"$6/sensu_db.autogen.00001.00\"\n");
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        Gate.make(gate);
        Path config = TestConfig.write(dir, env, Map.of("influx.influxd", influxd.toString()));
        Map<String, String> environment = Map.of("SWIFT_KEY", env.get("swift.key"));
        Path lock = JobLock.file(dir.resolve("work"), "backup");

        JarRun.Running first = JarRun.start(dir, environment, "backup", "--config", config.toString(), "--date", DAY);
        Awaitility.await("the first backup runs influxd (held at the gate)").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(calls) && Files.readAllLines(calls).size() == 1);
        assertTrue(JobLock.holder(lock).startsWith("pid " + first.process().pid() + " since "), JobLock.holder(lock));

        JarRun second = JarRun.run(dir, environment, "backup", "--config", config.toString(), "--date", DAY);
        assertEquals(0, second.exitCode(), second.toString());
        List<String> warnings = second.stdout().lines().filter(l -> l.contains(" WARN  job=")).toList();
        assertEquals(1, warnings.size(), second.toString());
        assertTrue(warnings.get(0).endsWith("backup skipped: another backup runs (pid " + first.process().pid() + " since "
                + JobLock.holder(lock).substring(JobLock.holder(lock).indexOf(" since ") + 7) + ")"), warnings.get(0));
        assertFalse(second.stdout().contains("Uploading"), second.toString());
        assertEquals(1, Files.readAllLines(calls).size(), "the skipped backup did not run influxd");
        assertEquals(List.of(), new SwiftCli(env).listIfPresent(DAY, DAY + "/"), "nothing in Swift while the first is held");
        assertTrue(first.process().isAlive());

        Gate.open(gate);
        JarRun done = first.finish();
        assertEquals(0, done.exitCode(), done.toString());
        assertEquals(List.of(DAY + "/manifest.json", DAY + "/shards/meta.00", DAY + "/shards/sensu_db.autogen.00001.00"),
                new SwiftCli(env).listIfPresent(DAY, DAY + "/"));

        JarRun again = JarRun.run(dir, environment, "backup", "--config", config.toString(), "--date", DAY, "--force");
        assertEquals(0, again.exitCode(), "the lock is free once the first has ended: " + again);
        assertFalse(again.stdout().contains("skipped"), again.toString());
    }
}
