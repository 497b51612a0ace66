package io.influxswiftbackup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JVM options the package ships (packaging/etc/default/influx-swift-backup), as its launcher
 * gives them: JAVA_OPTS for every command, SHORT_JAVA_OPTS added for the short ones; so the tests
 * run the jar as operators do.
 */
final class PackageJvmOptions {

    private static final Path DEFAULTS = Path.of("packaging", "etc", "default", "influx-swift-backup");
    private static final Set<String> SHORT = Set.of("status", "list", "check", "--help", "-h", "--version", "-V");

    private PackageJvmOptions() {
    }

    static List<String> forCommand(List<String> args) {
        List<String> options = new ArrayList<>(value("JAVA_OPTS"));
        String command = null;
        for (int i = 0; i < args.size() && command == null; i++) {
            String arg = args.get(i);
            if (arg.equals("--config")) {
                i++;
            } else if (SHORT.contains(arg) || !arg.startsWith("-")) {
                command = arg;
            }
        }
        if (command == null || SHORT.contains(command)) {
            options.addAll(value("SHORT_JAVA_OPTS"));
        }
        return options;
    }

    private static List<String> value(String name) {
        try {
            for (String line : Files.readAllLines(DEFAULTS)) {
                if (line.startsWith(name + "=")) {
                    String value = line.substring(name.length() + 1).replace("\"", "").strip();
                    return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
                }
            }
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
