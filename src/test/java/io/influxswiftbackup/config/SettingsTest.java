package io.influxswiftbackup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path dir;

    @Test
    void environmentBeatsFileBeatsDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("a.properties"), "influx.database = from_file\nswift.user = a:b\n");
        Settings settings = Settings.load(file, Map.of("SWIFT_USER", "env:user", "SWIFT_AUTH_URL", "https://x/auth/v1.0"));
        assertEquals("from_file", settings.get("influx.database"));
        assertEquals("env:user", settings.get("swift.user"));
        assertEquals("https://x/auth/v1.0", settings.get("swift.auth-url"));
        assertEquals("0 55 23 * * ?", settings.get("backup.cron"), "untouched keys keep the built-in default");
    }

    @Test
    void theStartupDescriptionMasksSecretsAndNamesSources() throws Exception {
        Path file = Files.writeString(dir.resolve("a.properties"), "influx.production.password = hunter2\n");
        Settings settings = Settings.load(file, Map.of("SWIFT_KEY", "s3cr3t-key"));
        String description = String.join("\n", settings.describe());
        assertFalse(description.contains("s3cr3t-key"));
        assertFalse(description.contains("hunter2"));
        assertTrue(description.contains("swift.key = ******  [environment SWIFT_KEY]"), description);
        assertTrue(description.contains("influx.production.password = ******  [" + file + "]"), description);
        assertTrue(description.contains("influx.database = sensu_db  [default]"), description);
    }

    @Test
    void everyDocumentedKeyHasADefaultEntry() {
        Settings settings = Settings.load(null, Map.of());
        for (String key : new String[] {"influx.production.url", "influx.production.backup-host", "influx.production.user",
                "influx.production.password", "influx.database", "influx.influxd", "swift.auth-url", "swift.auth-version",
                "swift.user", "swift.key", "swift.ca-file", "backup.cron", "schedule.timezone", "work.dir", "backup.enabled"}) {
            assertTrue(settings.asMap().containsKey(key), key);
        }
    }

    @Test
    void aSecretComesFromTheFileItsFileKeyNames() throws Exception {
        Path key = Files.writeString(dir.resolve("swift-key"), "key-from-a-file\n");
        Path password = Files.writeString(dir.resolve("influx-password"), "pw-from-a-file");
        Path file = Files.writeString(dir.resolve("a.properties"), "influx.intermediary.password-file = " + password + "\n");
        Settings settings = Settings.load(file, Map.of("SWIFT_KEY_FILE", key.toString()));
        assertEquals("key-from-a-file", settings.get("swift.key"), "without its line end");
        assertEquals("pw-from-a-file", settings.get("influx.intermediary.password"));
        String description = String.join("\n", settings.describe());
        assertTrue(description.contains("swift.key = ******  [file " + key + " (swift.key-file)]"), description);
        assertFalse(description.contains("from-a-file"), description);
    }

    @Test
    void aMissingConfigFileIsAClearError() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(dir.resolve("nope.properties"), Map.of()));
        assertEquals("config file " + dir.resolve("nope.properties") + " does not exist or is not a file", e.getMessage());
    }

    @Test
    void environmentNamesFollowCamelsRule() {
        assertEquals("SWIFT_CA_FILE", Settings.environmentName("swift.ca-file"));
        assertEquals("INFLUX_PRODUCTION_PASSWORD", Settings.environmentName("influx.production.password"));
    }
}
