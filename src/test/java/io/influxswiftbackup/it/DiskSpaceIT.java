package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Free space in work.dir is checked before any work. The real free space of the test's disk, and
 * an estimate made larger than any disk by disk.free-margin-percent: the backup (production's data
 * dir holds a 1 MiB database) and the restore (the day holds a 1 MiB object) are refused at once.
 */
@ExtendWith(LocalServers.class)
class DiskSpaceIT {

    static final String DAY = "2016-11-05";
    static final String HUGE_MARGIN = "1000000000";
    static LocalServers.Environment env;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() throws Exception {
        env = LocalServers.environment();
        new SwiftCli(env).deleteContainers(DAY);
    }

    @Test
    void aBackupAndARestoreThatWouldNotFitAreRefusedBeforeAnyWork() throws Exception {
        Path calls = dir.resolve("influxd-calls");
        Path influxd = dir.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\necho called >> '" + calls + "'\n"
                + "mkdir -p \"$6\" && echo meta > \"$6/meta.00\" && head -c 1048576 /dev/zero > \"$6/sensu_db.autogen.00001.00\"\n");
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        Path data = Files.createDirectories(dir.resolve("data/sensu_db/autogen/1"));
        Files.write(data.resolve("000000001-000000001.tsm"), new byte[1 << 20]);
        Map<String, String> key = Map.of("SWIFT_KEY", env.get("swift.key"));

        Path tight = TestConfig.write(dir, env, Map.of("influx.influxd", influxd.toString(),
                "influx.production.datadir", dir.resolve("data").toString(), "disk.free-margin-percent", HUGE_MARGIN));
        JarRun refused = JarRun.run(dir, key, "backup", "--config", tight.toString(), "--date", DAY);
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals(1, refused.stderrLines().size(), refused.toString());
        assertTrue(refused.stderrLines().get(0).matches("error: not enough free space in " + dir.resolve("work")
                + " for the backup: \\d+ bytes free, about 10485760000000 needed \\(the size of " + dir.resolve("data/sensu_db")
                + ", 1048576 bytes, times 1000000000% \\(disk.free-margin-percent\\)\\)"), refused.stderrLines().get(0));
        assertFalse(Files.exists(calls), "influxd never ran");
        assertFalse(new SwiftCli(env).run(dir, "list").contains(DAY), "no container made");

        Path roomy = TestConfig.write(dir, env, Map.of("influx.influxd", influxd.toString(),
                "influx.production.datadir", dir.resolve("data").toString()));
        JarRun backup = JarRun.run(dir, key, "backup", "--config", roomy.toString(), "--date", DAY);
        assertEquals(0, backup.exitCode(), backup.toString());

        tight = TestConfig.write(dir, env, Map.of("disk.free-margin-percent", HUGE_MARGIN));
        JarRun restore = JarRun.run(dir, key, "restore", "--config", tight.toString(), "--date", DAY);
        assertEquals(1, restore.exitCode(), restore.toString());
        assertTrue(restore.stderrLines().get(0).startsWith("error: not enough free space in " + dir.resolve("work")
                + " for the downloads: "), restore.toString());
        assertFalse(restore.stdout().contains("Stopping"), restore.toString());
        try (var entries = Files.list(dir.resolve("work"))) {
            assertEquals(List.of(), entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("restore_")).toList(),
                    "nothing downloaded");
        }
    }
}
