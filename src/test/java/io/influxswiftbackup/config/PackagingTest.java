package io.influxswiftbackup.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.ConfigCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sample /etc layouts of packaging/ start as they are, and each host runs its own jobs. */
class PackagingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"production, backup", "intermediary, 'restore,dump,prune'"})
    void eachHostsSampleConfigurationIsValidAndEnablesItsJobs(String host, String jobs) throws Exception {
        Path etc = Path.of("packaging", host, "etc");
        Path config = etc.resolve("influx-swift-backup/application.properties");
        Settings settings = Settings.load(config, Map.of("SWIFT_KEY", "from-the-credential"));
        assertDoesNotThrow(() -> ConfigCheck.validate(settings, true));
        for (String job : List.of("backup", "restore", "dump", "prune")) {
            assertEquals(jobs.contains(job), settings.getBoolean(job + ".enabled"), host + " " + job + ".enabled");
        }

        String unit = Files.readString(etc.resolve("systemd/system/influx-swift-backup.service"));
        assertTrue(unit.contains("\nExecStart=/usr/bin/java -Xmx256m -XX:+UseSerialGC -jar /opt/influx-swift-backup/influx-swift-backup.jar run"
                + " --config /etc/influx-swift-backup/" + etc.relativize(config).getFileName() + "\n"), unit);
        assertTrue(unit.contains("\nWorkingDirectory=/opt/influx-swift-backup\n"), "the routes/ folder next to the jar");
        assertTrue(unit.contains("\nLoadCredential=swift-key:/etc/influx-swift-backup/swift-key\n")
                && unit.contains("\nEnvironment=SWIFT_KEY_FILE=%d/swift-key\n"), "the key comes as a credential file");
        assertTrue(unit.contains("\nRestartPreventExitStatus=2\n"), "no restart loop on a configuration error");
        assertTrue(settings.get("work.dir").startsWith("/var/lib/influx-swift-backup/")
                && unit.contains("\nStateDirectory=influx-swift-backup\n"), "work.dir is in the unit's state directory");
    }
}
