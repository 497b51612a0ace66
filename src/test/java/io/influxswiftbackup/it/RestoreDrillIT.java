package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.monitor.JobStats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly restore's drill on the real servers: production is backed up on 2014-04-02 at 23:55
 * and restored into the intermediary at 00:15; the drill counts 2014-04-01 on both sides. An exact
 * restore finds nothing (status OK); a point written into production on 2014-04-01 after the backup
 * makes the next restore end with a WARNING naming the measurement, the retention policy and both
 * counts, in the log, the restore's MBean and its status.
 */
@ExtendWith(LocalServers.class)
class RestoreDrillIT {

    static final String DB = "sensu_db";
    static final String DRILL_DAY = "2014-04-01";
    static final String BACKUP_DAY = "2014-04-02";

    @TempDir
    Path dir;

    @AfterAll
    static void deleteTheDay() throws Exception {
        new SwiftCli(LocalServers.environment()).deleteContainers(BACKUP_DAY, BACKUP_DAY + "_segments");
    }

    static long ns(String instant) {
        return Instant.parse(instant).toEpochMilli() * 1_000_000L;
    }

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void anExactRestoreFindsNothingAndAPointWrittenAfterTheBackupIsAWarningWithBothCounts() throws Exception {
        LocalServers.Environment env = LocalServers.environment();
        new SwiftCli(env).deleteContainers(BACKUP_DAY, BACKUP_DAY + "_segments");
        String production = env.get("influx.production.url");
        InfluxSnapshot.query(production, null, "CREATE DATABASE " + DB);
        InfluxSnapshot.query(production, DB, "DROP SERIES FROM drill_cpu");
        InfluxFixture.writeLines(production, DB, null,
                "drill_cpu,host=a idle=1.5,busy=2 " + ns(DRILL_DAY + "T10:00:00Z") + "\n"
                + "drill_cpu,host=b idle=3.5 " + ns(DRILL_DAY + "T23:59:59Z") + "\n"
                + "drill_cpu,host=a idle=4.5 " + ns(BACKUP_DAY + "T08:00:00Z") + "\n");
        // restore.enabled: status judges the restore (a disabled job is OK whatever it found)
        Settings settings = TestConfig.settings(TestConfig.write(dir, env, Map.of("restore.enabled", "true")), env.get("swift.key"));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at(BACKUP_DAY + "T23:55:00Z"))) {
            Exchange backup = runtime.run("direct:backup", Map.of());
            assertFalse(backup.isFailed(), () -> String.valueOf(backup.getException()));
        }
        try (JobRuntime runtime = JobRuntime.startOnce(settings, at("2014-04-03T00:15:00Z"))) {
            JobStats stats = runtime.monitor().stats("restore");
            Exchange exact = runtime.run("direct:restore", Map.of());
            assertFalse(exact.isFailed(), () -> String.valueOf(exact.getException()));
            assertEquals("", stats.getLastWarnings());
            assertEquals("OK", stats.getStatus(), stats.getStatusText());

            InfluxFixture.writeLines(production, DB, null, "drill_cpu,host=c idle=9 " + ns(DRILL_DAY + "T12:00:00Z") + "\n");
            Exchange late = runtime.run("direct:restore", Map.of());
            assertFalse(late.isFailed(), () -> String.valueOf(late.getException()));
            String expected = "restore drill: day " + DRILL_DAY + ", measurement drill_cpu in retention policy autogen:"
                    + " production holds 4 field values, the intermediary 3";
            assertEquals(expected, stats.getLastWarnings());
            assertEquals("WARNING", stats.getStatus(), stats.getStatusText());
            assertTrue(stats.getStatusText().endsWith("found: " + expected), stats.getStatusText());
        }
    }
}
