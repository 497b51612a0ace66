package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real servers (two InfluxDB, memcached, Swift) for the integration tests, started once per
 * test run by {@code scripts/local-env}. If {@code ISB_LOCAL_ENV} names the properties file of
 * servers already started (the README's test command does that), they are used as they are.
 * A server that cannot start fails the tests; nothing is skipped.
 */
public class LocalServers implements BeforeAllCallback {

    private static Environment environment;

    /** What scripts/local-env wrote about the running servers. */
    public record Environment(Path base, Map<String, String> properties, Map<String, String> shell) {
        public String get(String key) {
            String value = properties.get(key);
            if (value == null) {
                fail("local-env.properties has no " + key);
            }
            return value;
        }

        public String shellVar(String name) {
            String value = shell.get(name);
            if (value == null) {
                fail("local-env.sh exports no " + name);
            }
            return value;
        }
    }

    public static synchronized Environment environment() {
        if (environment == null) {
            environment = startOrFind();
        }
        return environment;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        environment();
    }

    private static Environment startOrFind() {
        String given = System.getenv("ISB_LOCAL_ENV");
        Path file;
        if (given != null && !given.isBlank()) {
            file = Path.of(given);
        } else {
            Path base = Path.of("/tmp", "isb-it-" + ProcessHandle.current().pid());
            run(base, "start");
            java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run(base, "stop");
                } catch (AssertionError ignored) {
                    // best effort at JVM exit
                }
            }));
            file = base.resolve("local-env.properties");
        }
        if (!Files.isRegularFile(file)) {
            fail("the local servers' environment file " + file + " does not exist; run scripts/local-env start");
        }
        Path base = file.getParent();
        return new Environment(base, readProperties(file), readShell(base.resolve("local-env.sh")));
    }

    static void run(Path base, String command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(script().toString(), command)
                    .inheritIO().redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().put("ISB_BASE", base.toString());
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                fail("scripts/local-env " + command + " failed for base " + base);
            }
        } catch (IOException e) {
            fail("cannot run scripts/local-env: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /** Runs {@code scripts/local-env COMMAND} on the servers the tests use (e.g. swift-stop, swift-start). */
    public static void localEnv(String command) {
        run(environment().base(), command);
    }

    static Path script() {
        return Path.of("scripts", "local-env").toAbsolutePath();
    }

    static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            fail("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    static Map<String, String> readShell(Path file) {
        Map<String, String> map = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.startsWith("export ")) {
                    l = l.substring("export ".length());
                }
                int eq = l.indexOf('=');
                if (eq > 0 && !l.startsWith("#")) {
                    map.put(l.substring(0, eq), l.substring(eq + 1).replaceAll("^['\"]|['\"]$", ""));
                }
            }
        } catch (IOException e) {
            fail("cannot read " + file + ": " + e.getMessage());
        }
        return map;
    }
}
