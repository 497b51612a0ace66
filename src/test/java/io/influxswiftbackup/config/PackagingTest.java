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
        assertEquals(List.of("/usr/bin/java", "-Xmx256m", "-XX:+UseSerialGC", "-jar", "/opt/influx-swift-backup/influx-swift-backup.jar",
                "run", "--config", "/etc/influx-swift-backup/" + config.getFileName()), SystemdUnit.parse(unit).execStart(),
                "remote JMX is off as shipped");
        assertTrue(unit.contains("\nWorkingDirectory=/opt/influx-swift-backup\n"), "the routes/ folder next to the jar");
        assertTrue(unit.contains("\nLoadCredential=swift-key:/etc/influx-swift-backup/swift-key\n")
                && unit.contains("\nEnvironment=SWIFT_KEY_FILE=%d/swift-key\n"), "the key comes as a credential file");
        assertTrue(unit.contains("\nRestartPreventExitStatus=2\n"), "no restart loop on a configuration error");
        assertTrue(settings.get("work.dir").startsWith("/var/lib/influx-swift-backup/")
                && unit.contains("\nStateDirectory=influx-swift-backup\n"), "work.dir is in the unit's state directory");
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
        Path etc = Path.of("packaging", host, "etc");
        String unit = Files.readString(etc.resolve("systemd/system/influx-swift-backup.service"));
        assertEquals(concat(HEAP_AND_COLLECTOR, AGENT, List.of("-Dcom.sun.management.jmxremote.ssl=false")),
                SystemdUnit.parse(RemoteJmxTest.agentOn(unit)).jvmOptions());
        assertEquals(concat(HEAP_AND_COLLECTOR, AGENT, List.of("-Dcom.sun.management.jmxremote.ssl=true",
                "-Dcom.sun.management.jmxremote.registry.ssl=true",
                "-Dcom.sun.management.jmxremote.ssl.config.file=/etc/influx-swift-backup/jmxremote-ssl.properties")),
                SystemdUnit.parse(RemoteJmxTest.agentOnWithTls(unit)).jvmOptions(), "TLS, as the unit's comment says");

        Path files = etc.resolve("influx-swift-backup");
        assertEquals(List.of("monitor readonly"), entries(files.resolve("jmxremote.access")), "one read-only user");
        assertEquals(List.of(), entries(files.resolve("jmxremote.password")), "no password is shipped");
        assertTrue(Files.readAllLines(files.resolve("jmxremote.password")).contains(RemoteJmxTest.PASSWORD_LINE),
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
