package io.influxswiftbackup.it;

import io.influxswiftbackup.config.Settings;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** A config file for the local servers: local-env.properties plus a test's own overrides. */
public final class TestConfig {

    private TestConfig() {
    }

    /**
     * Writes the file (without swift.key or swift.password: tests pass them through the environment) and
     * returns it. With {@link LocalKeystone#environment()} as {@code env}, the config logs in through Keystone v3.
     */
    public static Path write(Path dir, LocalServers.Environment env, Map<String, String> overrides) throws IOException {
        Map<String, String> values = new TreeMap<>(env.properties());
        values.remove("swift.key");
        values.remove("swift.password");
        values.put("work.dir", dir.resolve("work").toString());
        values.put("dump.dir", dir.resolve("dump").toString());
        values.put("camel.main.name", "it-" + Long.toHexString(System.nanoTime()));
        // Failing calls are retried as in production, but without its waits of seconds (fault tests set their own).
        values.put("retry.initial-delay-ms", "20");
        values.put("retry.max-delay-ms", "100");
        // No catch-up at a daemon's start unless a test asks for it (CatchUpIT): each test makes its own nights.
        values.put("catch-up.max-days", "0");
        values.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(values);
        Path file = dir.resolve("test.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "written by a test");
        }
        return file;
    }

    public static Settings settings(Path file, String swiftKey) {
        return Settings.load(file, Map.of("SWIFT_KEY", swiftKey));
    }
}
