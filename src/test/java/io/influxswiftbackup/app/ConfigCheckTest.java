package io.influxswiftbackup.app;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.RemovedKeys;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.failure.Failures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Each way a configuration can be wrong stops the start with one line that names the key and the problem. */
class ConfigCheckTest {

    @TempDir
    Path dir;

    private Settings load(String fileContent, Map<String, String> environment) throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), fileContent);
        return Settings.load(file, environment);
    }

    private String problem(String fileContent) throws Exception {
        Settings settings = load(fileContent, Map.of("SWIFT_KEY", "k"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.validate(settings, true));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theDefaultsWithAKeyAreValid() throws Exception {
        assertDoesNotThrow(() -> ConfigCheck.validate(load("", Map.of("SWIFT_KEY", "k")), true));
    }

    @Test
    void everyKeyOfApplicationPropertiesHasARule() {
        Settings defaults = Settings.load(null, Map.of());
        Set<String> unchecked = new TreeSet<>();
        for (String key : defaults.asMap().keySet()) {
            if (!key.startsWith("camel.") && !key.startsWith("logging.level.") && !ConfigCheck.checkedKeys().contains(key)) {
                unchecked.add(key);
            }
        }
        assertEquals(Set.of(), unchecked);
        assertTrue(defaults.asMap().keySet().containsAll(ConfigCheck.checkedKeys()), "every rule is for a documented key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            backup.cron = 0 61 23 * * ?              | backup.cron = '0 61 23 * * ?' [FILE]: not a Quartz cron expression (Minute and Second values must be between 0 and 59; the form is: seconds minutes hours day-of-month month day-of-week, e.g. 0 55 23 * * ?)
            restore.cron = every night               | restore.cron = 'every night' [FILE]: not a Quartz cron expression
            schedule.timezone = Mars/Olympus_Mons    | schedule.timezone = 'Mars/Olympus_Mons' [FILE]: not a time zone (e.g. UTC, Europe/Paris)
            swift.auth-url = 127.0.0.1:8080/auth/v1.0 | swift.auth-url = '127.0.0.1:8080/auth/v1.0' [FILE]: not an http(s) URL
            influx.production.url = ftp://db:8086    | influx.production.url = 'ftp://db:8086' [FILE]: not an http(s) URL
            dump.page-size = 1k                      | dump.page-size = '1k' [FILE]: not a whole number
            dump.page-size = 0                       | dump.page-size = '0' [FILE]: must be 1 or more
            swift.timeout-ms = 60s                   | swift.timeout-ms = '60s' [FILE]: not a whole number
            backup.enabled = yes                     | backup.enabled = 'yes' [FILE]: must be true or false
            backup.format = tar                      | backup.format = 'tar' [FILE]: must be legacy or portable
            swift.auth-version = 2                   | swift.auth-version = '2' [FILE]: must be 1 or 3
            swift.auth-version = 3                   | swift.password is not set (give it as SWIFT_PASSWORD
            swift.interface = private                | swift.interface = 'private' [FILE]: must be public or internal or admin
            retry.max-retries = -1                   | retry.max-retries = '-1' [FILE]: must be between 0 and 100
            influx.production.backup-host = localhost | influx.production.backup-host = 'localhost' [FILE]: not host:port
            influx.database = sensu db               | influx.database = 'sensu db' [FILE]: must be a plain name (letters, digits, '_', '-', '.')
            dump.measurements = cpu,../../etc/x      | dump.measurements = 'cpu,../../etc/x' [FILE]: measurement name '../../etc/x' cannot be dumped
            swift.user =                             | swift.user = '' [FILE]: must be set
            work.dir =                               | work.dir = '' [FILE]: must be set
            swift.ca-file = /nonexistent/ca.pem      | swift.ca-file = '/nonexistent/ca.pem' [FILE]: not a readable file
            routes.dir = /nonexistent/routes         | routes.dir = '/nonexistent/routes' [FILE]: not a directory
            logging.level.root = LOUD                | logging.level.root = 'LOUD' [FILE]: not a log level
            backup.enable = true                     | unknown key backup.enable [FILE]: not a key of application.properties (misspelt?)
            camel.main.routesIncludePattern = x      | camel.main.routesIncludePattern [FILE]: set by routes.dir and routes.reload, not directly
            camel.main.routesReloadEnabled = true    | camel.main.routesReloadEnabled [FILE]: set by routes.dir and routes.reload, not directly
            routes.reload = on                       | routes.reload = 'on' [FILE]: must be true or false
            """)
    void anInvalidValueIsNamedInOneLine(String line, String expected) throws Exception {
        String message = problem(line.replace("\\n", "\n") + "\n");
        String file = dir.resolve("app.properties").toString();
        assertTrue(message.startsWith(expected.replace("FILE", file)), message);
    }

    /** What replaces the remote JMX keys, as their refusal says it. */
    private static final String AGENT = "remote JMX is the JDK's agent, set with -Dcom.sun.management.jmxremote.* options in the"
            + " systemd unit (its JMX_AGENT line; docs/operations.md, \"Monitoring: JMX\")";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            jit.c2 = digests                         | jit.c2 was removed: the JVM's default compilers are used; delete the key
            jit.c2 = all                             | jit.c2 was removed: the JVM's default compilers are used; delete the key
            jmx.port = 9010                          | jmx.port was removed: AGENT; delete the key
            jmx.port =                               | jmx.port was removed: AGENT; delete the key
            jmx.host = 127.0.0.1                     | jmx.host was removed: AGENT; delete the key
            jmx.user = ops                           | jmx.user was removed: AGENT; delete the key
            jmx.password = s3cr3t                    | jmx.password was removed: AGENT; delete the key
            jmx.password-file = /nonexistent/jmx-pw  | jmx.password-file was removed: AGENT; delete the key
            jmx.access = readwrite                   | jmx.access was removed: AGENT; delete the key
            jmx.ssl = true                           | jmx.ssl was removed: AGENT; delete the key
            jmx.keystore = /nonexistent/jmx.p12      | jmx.keystore was removed: AGENT; delete the key
            jmx.keystore-password = s3cr3t           | jmx.keystore-password was removed: AGENT; delete the key
            jmx.keystore-password-file = /nonexistent/ks-pw | jmx.keystore-password-file was removed: AGENT; delete the key
            """)
    void aRemovedKeyIsRefusedWithWhatReplacesIt(String line, String expected) throws Exception {
        Settings settings = load(line + "\n", Map.of("SWIFT_KEY", "k"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.validate(settings, true));
        assertEquals(expected.replace("AGENT", AGENT) + " [" + dir.resolve("app.properties") + "]", e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), "a secret's value is never shown");
        assertEquals(Failures.USAGE, Failures.exitCode(e), "a configuration error");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("removedKeys")
    void aRemovedKeyIsRefusedFromTheEnvironmentToo(String key) throws Exception {
        String variable = Settings.environmentName(key);
        Settings settings = load("", Map.of("SWIFT_KEY", "k", variable, "x"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.validate(settings, true));
        assertTrue(e.getMessage().startsWith(key + " was removed: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; delete the key [environment " + variable + "]"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void theRemovedKeysOfOneFeatureAreNamedTogetherWithEveryOtherProblem() throws Exception {
        Path file = dir.resolve("app.properties");
        Settings settings = load("jmx.port = 9010\njmx.user = ops\njmx.password-file = /nonexistent/jmx-pw\njit.c2 = digests\n"
                + "backup.cron = x\n", Map.of("SWIFT_KEY", "k", "JMX_PASSWORD", "s3cr3t"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.validate(settings, true));
        assertTrue(e.getMessage().startsWith("backup.cron = 'x' [" + file + "]: not a Quartz cron expression"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; jit.c2 was removed: the JVM's default compilers are used; delete the key [" + file + "]"
                + "; jmx.port, jmx.user, jmx.password, jmx.password-file were removed: " + AGENT + "; delete the keys [" + file
                + ", environment JMX_PASSWORD]"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    static Set<String> removedKeys() {
        return RemovedKeys.names();
    }

    @Test
    void noRemovedKeyIsDocumented() {
        Settings defaults = Settings.load(null, Map.of());
        for (String key : RemovedKeys.names()) {
            assertFalse(defaults.isDocumented(key), key);
        }
    }

    @Test
    void aMissingKeyIsNamedWithHowToGiveIt() throws Exception {
        Settings settings = load("", Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.validate(settings, true));
        assertEquals("swift.key is not set (give it as SWIFT_KEY, or swift.key-file naming a file that holds it)", e.getMessage());
        assertDoesNotThrow(() -> ConfigCheck.validate(settings, false), "status runs without the key");
    }

    @Test
    void aValueFromTheEnvironmentIsNamedWithItsVariable() throws Exception {
        Settings settings = load("", Map.of("SWIFT_KEY", "k", "BACKUP_CRON", "0 55 25 * * ?"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.validate(settings, true));
        assertTrue(e.getMessage().startsWith("backup.cron = '0 55 25 * * ?' [environment BACKUP_CRON]: not a Quartz cron"),
                e.getMessage());
    }

    @Test
    void everyProblemIsListedOnTheSameLine() throws Exception {
        String message = problem("backup.cron = x\ndump.lag-days = -1\n");
        assertTrue(message.contains("backup.cron = 'x'") && message.contains("; dump.lag-days = '-1'"), message);
    }

    @Test
    void aSecretsValueIsNeverShown() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("key"), "s3cr3t-in-file\n");
        ConfigException both = assertThrows(ConfigException.class, () -> load("swift.key-file = " + keyFile + "\n",
                Map.of("SWIFT_KEY", "s3cr3t-in-env")));
        assertEquals("swift.key is set twice: directly [environment SWIFT_KEY] and as swift.key-file [" + dir.resolve("app.properties")
                + "]; give it one way", both.getMessage());
        ConfigException unreadable = assertThrows(ConfigException.class,
                () -> load("influx.production.password-file = " + dir.resolve("missing") + "\n", Map.of()));
        assertEquals("influx.production.password-file: cannot read " + dir.resolve("missing") + " (NoSuchFileException)",
                unreadable.getMessage());
        assertFalse(both.getMessage().contains("s3cr3t"));
    }

}
