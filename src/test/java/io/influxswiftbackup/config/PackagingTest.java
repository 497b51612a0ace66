package io.influxswiftbackup.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.ConfigCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the package installs from packaging/: the /etc config, valid as shipped and for either host
 * once its jobs are turned on; one unit per host, each running the launcher; the launcher's JVM
 * options and default config.
 */
class PackagingTest {

    private static final Path ETC = Path.of("packaging", "etc", "influx-swift-backup");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"none, ''", "production, backup", "intermediary, 'restore,dump,prune'"})
    void theShippedConfigurationIsValidAsItIsAndWithEitherHostsJobsOn(String host, String jobs, @TempDir Path dir) throws Exception {
        // The key as the unit hands it over: a credential file named by SWIFT_KEY_FILE.
        Path key = Files.writeString(dir.resolve("swift-key"), "from-the-credential\n");
        Map<String, String> environment = new java.util.HashMap<>(Map.of("SWIFT_KEY_FILE", key.toString()));
        for (String job : jobs.split(",")) {
            if (!job.isEmpty()) {
                environment.put(Settings.environmentName(job + ".enabled"), "true");
            }
        }
        Settings settings = Settings.load(ETC.resolve("application.properties"), environment);
        assertDoesNotThrow(() -> ConfigCheck.validate(settings, true));
        for (String job : List.of("backup", "restore", "dump", "prune")) {
            assertEquals(jobs.contains(job), settings.getBoolean(job + ".enabled"), host + " " + job + ".enabled");
        }
        assertEquals("from-the-credential", settings.get("swift.key"));
        assertTrue(Files.readAllLines(ETC.resolve("application.properties")).contains("swift.key-file = /etc/influx-swift-backup/swift-key"),
                "the key's file, which the package makes mode 0600, for the commands run by hand");
        assertTrue(settings.get("work.dir").startsWith("/var/lib/influx-swift-backup/")
                && settings.get("dump.dir").startsWith("/var/lib/influx-swift-backup/"), "the state directory the package makes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"production", "intermediary"})
    void eachHostsUnitRunsTheLauncherWithTheConfigAndTheKeyAsACredential(String host) throws Exception {
        String unit = Files.readString(Path.of("packaging", "systemd", "influx-swift-backup-" + host + ".service"));
        assertEquals(List.of(Launcher.INSTALLED, "run", "--config", Launcher.CONFIG), SystemdUnit.parse(unit).execStart());
        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC", "-jar", Launcher.JAR, "run", "--config", Launcher.CONFIG),
                Launcher.javaArguments(Map.of(), List.of("run", "--config", Launcher.CONFIG)), "remote JMX is off as shipped");
        assertTrue(unit.contains("\nLoadCredential=swift-key:/etc/influx-swift-backup/swift-key\n")
                && unit.contains("\nEnvironment=SWIFT_KEY_FILE=%d/swift-key\n"), "the key comes as a credential file");
        assertTrue(unit.contains("\nRestartPreventExitStatus=2\n"), "no restart loop on a configuration error");
        assertTrue(unit.contains("\nStateDirectory=influx-swift-backup\n"), "work.dir is in the unit's state directory");
    }

    @org.junit.jupiter.api.Test
    void theLauncherReadsTheEtcConfigUnlessOneIsGivenAndAddsTheAgentOnlyWhenSet() throws Exception {
        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", Launcher.JAR, "--config",
                Launcher.CONFIG, "status"), Launcher.javaArguments(Map.of(), List.of("status")));
        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", Launcher.JAR, "list",
                "--config=/tmp/x.properties"), Launcher.javaArguments(Map.of(), List.of("list", "--config=/tmp/x.properties")));
        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dsome.option=1", "-Dother=2"),
                Launcher.jvmOptions(Map.of("JMX_AGENT", "-Dsome.option=1 -Dother=2"), List.of("--config", "list", "status")));
        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC"), Launcher.jvmOptions(Map.of(), List.of("--config", "status", "backup")),
                "a job keeps both compilers (MD5 and SHA-256 are 2-3 times slower without C2); 'status' here is a file name");
    }

    private static final List<String> HEAP_AND_COLLECTOR = List.of("-Xmx256m", "-XX:+UseSerialGC");
    private static final List<String> AGENT = List.of("-Dcom.sun.management.jmxremote.port=9010",
            "-Dcom.sun.management.jmxremote.rmi.port=9010", "-Dcom.sun.management.jmxremote.host=127.0.0.1",
            "-Djava.rmi.server.hostname=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=true",
            "-Dcom.sun.management.jmxremote.password.file=/etc/influx-swift-backup/jmxremote.password",
            "-Dcom.sun.management.jmxremote.access.file=/etc/influx-swift-backup/jmxremote.access");

    /** Remote JMX as each unit turns it on (RemoteJmxTest runs these options): the JDK's agent, on loopback, with a login. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"production", "intermediary"})
    void eachUnitTurnsTheJdksAgentOnWithALoginOnLoopback(String host) throws Exception {
        String unit = Files.readString(Path.of("packaging", "systemd", "influx-swift-backup-" + host + ".service"));
        assertEquals(concat(HEAP_AND_COLLECTOR, AGENT, List.of("-Dcom.sun.management.jmxremote.ssl=false")),
                SystemdUnit.parse(RemoteJmxTest.agentOn(unit)).jvmOptions());
        assertEquals(concat(HEAP_AND_COLLECTOR, AGENT, List.of("-Dcom.sun.management.jmxremote.ssl=true",
                "-Dcom.sun.management.jmxremote.registry.ssl=true",
                "-Dcom.sun.management.jmxremote.ssl.config.file=/etc/influx-swift-backup/jmxremote-ssl.properties")),
                SystemdUnit.parse(RemoteJmxTest.agentOnWithTls(unit)).jvmOptions(), "TLS, as the unit's comment says");

        assertEquals(List.of("monitor readonly"), entries(ETC.resolve("jmxremote.access")), "one read-only user");
        assertEquals(List.of(), entries(ETC.resolve("jmxremote.password")), "no password is shipped");
        assertTrue(Files.readAllLines(ETC.resolve("jmxremote.password")).contains(RemoteJmxTest.PASSWORD_LINE),
                "the line to set and uncomment");
    }

    /** A JDK agent file's lines that are not comments. */
    static List<String> entries(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
