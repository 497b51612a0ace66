package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.Exchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets (Swift's key, InfluxDB's password) never show: not in {@code ps} while a backup runs,
 * not in its log (every logger at debug level), not in a JMX attribute. The key comes from a file, as systemd's
 * LoadCredential= gives it, so the environment holds only its path.
 */
@ExtendWith(LocalServers.class)
class SecretsIT {

    static final String INFLUX_PASSWORD = "influx-pw-never-shown-Zt9";
    static LocalServers.Environment env;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() throws Exception {
        env = LocalServers.environment();
        new SwiftCli(env).deleteContainers("2016-10-11", "2016-10-12");
        new InfluxHttp(env.get("influx.production.url")).createWith("sensu_db", "secrets value=1 1476144000000000000\n");
    }

    private Path config(Map<String, String> more) throws IOException {
        Path password = Files.writeString(dir.resolve("influx-password"), INFLUX_PASSWORD + "\n");
        Map<String, String> values = new HashMap<>(Map.of("influx.production.user", "backup",
                "influx.production.password-file", password.toString()));
        values.putAll(more);
        return TestConfig.write(dir, env, values);
    }

    @Test
    void noSecretInPsOrTheLogDuringABackup() throws Exception {
        Path gate = dir.resolve("gate");
        Gate.make(gate);
        Path influxd = dir.resolve("influxd-at-the-gate");
        Files.writeString(influxd, "#!/bin/sh\n" + Gate.holdLine(gate) + "exec /usr/bin/influxd \"$@\"\n");
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        Path key = Files.writeString(dir.resolve("swift-key"), env.get("swift.key") + "\n");
        Path config = config(Map.of("influx.influxd", influxd.toString()));

        JarRun.Running backup = JarRun.start(dir, Map.of("SWIFT_KEY_FILE", key.toString(), "LOGGING_LEVEL_ROOT", "DEBUG",
                "LOGGING_LEVEL_ORG_APACHE_CAMEL", "DEBUG"), "backup", "--config", config.toString(), "--date", "2016-10-11", "--debug");
        long pid = backup.process().pid();
        List<String> seen = new ArrayList<>();
        Awaitility.await("influxd backup runs, held at the gate").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    seen.addAll(processTree(pid));
                    return seen.stream().anyMatch(args -> args.contains(influxd + " backup"));
                });
        String environ = Files.readString(Path.of("/proc", String.valueOf(pid), "environ")).replace('\0', '\n');
        assertTrue(environ.lines().anyMatch(l -> l.equals("SWIFT_KEY_FILE=" + key)), environ);
        assertFalse(environ.lines().anyMatch(l -> l.startsWith("SWIFT_KEY=")), "the environment names the key's file, not the key");
        Gate.open(gate);
        Awaitility.await("the backup ends").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            seen.addAll(processTree(pid));
            return !backup.process().isAlive();
        });
        JarRun done = backup.finish();
        assertEquals(0, done.exitCode(), done.toString());
        assertTrue(seen.stream().anyMatch(args -> args.contains("influx-swift-backup.jar backup --config")), seen.toString());
        for (String args : seen) {
            assertFalse(args.contains(env.get("swift.key")) || args.contains(INFLUX_PASSWORD), "a secret in ps: " + args);
        }
        assertTrue(done.stdout().lines().filter(l -> l.contains(" DEBUG ")).count() > 100, "the log was at debug level");
        assertTrue(done.stdout().contains("swift.key = ******  [file " + key + " (swift.key-file)]"), done.stdout());
        for (String output : List.of(done.stdout(), done.stderr())) {
            assertFalse(output.contains(INFLUX_PASSWORD), "the InfluxDB password is logged");
            assertFalse(output.contains(env.get("swift.key")), "Swift's key is logged");
        }
    }

    /** The command lines of {@code root} and its descendants, as {@code ps} shows them. */
    static List<String> processTree(long root) throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-eo", "pid=,ppid=,args=").redirectErrorStream(true).start();
        List<String> lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        ps.waitFor(10, TimeUnit.SECONDS);
        Set<Long> tree = new HashSet<>(Set.of(root));
        List<String> args = new ArrayList<>();
        for (boolean grew = true; grew; ) {
            grew = false;
            for (String line : lines) {
                String[] fields = line.strip().split("\\s+", 3);
                if (fields.length == 3 && tree.contains(Long.parseLong(fields[1])) && tree.add(Long.parseLong(fields[0]))) {
                    grew = true;
                }
            }
        }
        for (String line : lines) {
            String[] fields = line.strip().split("\\s+", 3);
            if (fields.length == 3 && tree.contains(Long.parseLong(fields[0]))) {
                args.add(fields[2]);
            }
        }
        return args;
    }

    @Test
    void noSecretInAnyJmxAttribute() throws Exception {
        Settings settings = TestConfig.settings(config(Map.of()), env.get("swift.key"));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, BackupIT.clockAt("2016-10-12T23:55:00Z"))) {
            Exchange result = runtime.run("direct:backup", Map.of());
            assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            int read = 0;
            for (ObjectName name : server.queryNames(null, null)) {
                for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                    String value;
                    try {
                        value = deepString(server.getAttribute(name, attribute.getName()));
                    } catch (Exception | Error unreadable) {
                        continue;
                    }
                    read++;
                    assertFalse(value.contains(INFLUX_PASSWORD), name + " " + attribute.getName());
                    // the key ("testing" on the local Swift) is a common word: JVM attributes such as the class path may hold it
                    if (!name.getDomain().startsWith("java.") && !name.getDomain().startsWith("jdk.")
                            && !name.getDomain().startsWith("com.sun.")) {
                        assertFalse(value.contains(env.get("swift.key")), name + " " + attribute.getName() + " = " + value);
                    }
                }
            }
            assertTrue(read > 1000, "read " + read + " attributes");
            assertEquals("success", Monitoring.job("backup", "LastOutcome"));
        }
    }

    private static String deepString(Object value) {
        return value instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(value);
    }
}
