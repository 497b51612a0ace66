package io.influxswiftbackup.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The launcher of packaging/bin, run in a throwaway root laid out as the package lays it (its
 * /etc/default file and /etc config), with a java that only prints the arguments it is given.
 */
final class Launcher {

    static final String INSTALLED = "/usr/bin/influx-swift-backup";
    static final String JAR = "/usr/share/influx-swift-backup/influx-swift-backup.jar";
    static final String CONFIG = "/etc/influx-swift-backup/application.properties";

    private Launcher() {
    }

    /** What java was given, with the throwaway root's path written as "" (as on an installed host). */
    static List<String> javaArguments(Map<String, String> environment, List<String> args) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("launcher");
        try {
            Path launcher = copy(Path.of("packaging/bin/influx-swift-backup"), root.resolve(INSTALLED.substring(1)));
            copy(Path.of("packaging/etc/default/influx-swift-backup"), root.resolve("etc/default/influx-swift-backup"));
            copy(Path.of("packaging/etc/influx-swift-backup/application.properties"), root.resolve(CONFIG.substring(1)));
            Path java = copy(null, root.resolve("jdk/bin/java"));
            Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> command = new ArrayList<>(List.of(launcher.toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().remove("JMX_AGENT");
            builder.environment().putAll(environment);
            builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("the launcher failed: " + out);
            }
            return out.lines().map(l -> l.replace(root.toString(), "")).toList();
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** The JVM options java was given: its arguments before {@code -jar}. */
    static List<String> jvmOptions(Map<String, String> environment, List<String> args) throws IOException, InterruptedException {
        List<String> arguments = javaArguments(environment, args);
        int jar = arguments.indexOf("-jar");
        if (jar < 0 || !arguments.get(jar + 1).equals(JAR)) {
            throw new IllegalStateException("not -jar " + JAR + ": " + arguments);
        }
        return arguments.subList(0, jar);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        if (from != null) {
            Files.copy(from, to);
        }
        return to;
    }
}
