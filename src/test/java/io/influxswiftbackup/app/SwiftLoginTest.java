package io.influxswiftbackup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.swift.KeystoneV3Auth;
import io.influxswiftbackup.swift.SwiftAuth;
import io.influxswiftbackup.swift.SwiftHttp;
import io.influxswiftbackup.swift.TempAuth;
import io.influxswiftbackup.swift.TrustedTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** swift.auth-version chooses the login, and each version's keys are checked before anything runs. */
class SwiftLoginTest {

    private static final String KEYSTONE = """
            swift.auth-version = 3
            swift.auth-url = https://keystone.example:5000/v3
            swift.username = backup
            swift.project = monitoring
            """;

    @TempDir
    Path dir;

    private SwiftAuth create(String config, Map<String, String> environment) throws IOException {
        Path file = Files.writeString(dir.resolve("c.properties"), config);
        return SwiftLogin.create(Settings.load(file, environment), new SwiftHttp(TrustedTls.sslContext(null), Duration.ofSeconds(1), Duration.ofSeconds(1), 2), Clock.systemUTC());
    }

    private String refused(String config, Map<String, String> environment) {
        return assertThrows(ConfigException.class, () -> create(config, environment)).getMessage();
    }

    @Test
    void version1IsTempAuthAnd3IsKeystone() throws IOException {
        assertInstanceOf(TempAuth.class, create("swift.key = k\n", Map.of()));
        assertInstanceOf(KeystoneV3Auth.class, create(KEYSTONE, Map.of("SWIFT_PASSWORD", "p")));
    }

    @Test
    void anotherVersionIsRefused() {
        assertEquals("swift.auth-version must be 1 (TempAuth) or 3 (Keystone v3), not '2'",
                refused("swift.auth-version = 2\nswift.key = k\n", Map.of()));
    }

    @Test
    void keystoneNeedsAPasswordFromTheEnvironmentOrAFile() throws IOException {
        assertEquals("swift.password is not set: give it in the environment (SWIFT_PASSWORD) or name a file holding it in"
                + " swift.password-file", refused(KEYSTONE, Map.of()));
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        assertInstanceOf(KeystoneV3Auth.class, create(KEYSTONE + "swift.password-file = " + file + "\n", Map.of()));
        Files.writeString(file, "");
        assertEquals("swift.password-file: " + file + " is empty", refused(KEYSTONE + "swift.password-file = " + file + "\n", Map.of()));
        assertEquals("swift.password-file: cannot read " + dir.resolve("nope") + " (NoSuchFileException)",
                refused(KEYSTONE + "swift.password-file = " + dir.resolve("nope") + "\n", Map.of()));
    }

    @Test
    void keystoneKeysAreChecked() {
        Map<String, String> password = Map.of("SWIFT_PASSWORD", "p");
        assertEquals("swift.interface must be public, internal or admin, not 'publicURL'",
                refused(KEYSTONE + "swift.interface = publicURL\n", password));
        assertEquals("swift.project is not set", refused(KEYSTONE.replace("swift.project = monitoring", ""), password));
        assertEquals("swift.renew-before-expiry-s must be 0 or more, not -1",
                refused(KEYSTONE + "swift.renew-before-expiry-s = -1\n", password));
    }
}
