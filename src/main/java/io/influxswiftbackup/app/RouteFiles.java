package io.influxswiftbackup.app;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.FailedToCreateRouteException;

/**
 * Where the YAML routes are (routes.dir; else the routes/ folder of the working directory; else the
 * one beside the config file, so that /etc/influx-swift-backup/routes overrides the packaged copy;
 * else the one next to the jar), and what to tell an operator when one of them is wrong: file, line, and
 * what Camel said, in one line.
 */
public final class RouteFiles {

    public static final String PATTERN = "*.yaml";
    private static final Pattern YAML_PLACE = Pattern.compile("in '?(?:file:)?([^,']+)'?, line (\\d+), column (\\d+)");
    /** The step Camel names in a route it could not create: "at: >>> To[nosuch:thing] <<<" gives "nosuch:thing". */
    private static final Pattern AT = Pattern.compile(">>> \\w+\\[([^\\]]+)\\] <<<");

    private RouteFiles() {
    }

    public static Path folder(Settings settings) {
        return folder(settings.getOptional("routes.dir"), Path.of("").toAbsolutePath(), settings.configFolder(), jarFolder());
    }

    static Path folder(String configured, Path workingDir, Path configFolder, Path jarFolder) {
        Path folder;
        if (configured != null) {
            folder = workingDir.resolve(configured);
        } else if (Files.isDirectory(workingDir.resolve("routes"))) {
            folder = workingDir.resolve("routes");
        } else if (configFolder != null && Files.isDirectory(configFolder.resolve("routes"))) {
            folder = configFolder.resolve("routes");
        } else if (jarFolder != null && Files.isDirectory(jarFolder.resolve("routes"))) {
            folder = jarFolder.resolve("routes");
        } else {
            throw new ConfigException("routes.dir is not set and there is no routes folder in " + workingDir
                    + (configFolder == null ? "" : " nor beside the config file in " + configFolder)
                    + (jarFolder == null ? "" : " nor next to the jar in " + jarFolder));
        }
        folder = folder.normalize();
        if (yamlFiles(folder).isEmpty()) {
            throw new ConfigException("routes.dir " + folder + " holds no " + PATTERN + " file");
        }
        return folder;
    }

    static List<Path> yamlFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list the routes folder " + folder + ": " + e.getMessage());
        }
    }

    private static Path jarFolder() {
        try {
            Path code = Path.of(RouteFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toString().endsWith(".jar") ? code.getParent() : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    /**
     * One line for a route file in {@code folder} that Camel could not load or start, or null when
     * the failure is not one: "/opt/isb/routes/backup.yaml, line 29, column 21: Unsupported field: mesage" or
     * "/opt/isb/routes/backup.yaml, line 45 (route backup): No endpoint could be found for: nosuch://thing".
     */
    public static String describe(Throwable failure, Path folder) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            Matcher place = YAML_PLACE.matcher(message);
            if (place.find()) {
                Path file = folder.resolve(Path.of(place.group(1)).getFileName());
                return file + ", line " + place.group(2) + ", column " + place.group(3) + ": " + yamlProblem(message);
            }
            if (t instanceof FailedToCreateRouteException failed) {
                Throwable root = failed;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                String rootMessage = root == failed || root.getMessage() == null ? root.toString() : root.getMessage();
                return where(folder, failed) + ": " + rootMessage.lines().findFirst().orElse("").replaceFirst("\\.$", "");
            }
        }
        return null;
    }

    /**
     * The file and line of the failing route: the line of the step Camel names ("at: >>> To[nosuch:thing] <<<")
     * when its text is in the file, else of the route's id.
     */
    private static String where(Path folder, FailedToCreateRouteException failed) {
        Pattern id = Pattern.compile("^\\s*(?:-\\s+)?id:\\s*\"?" + Pattern.quote(String.valueOf(failed.getRouteId())) + "\"?\\s*$");
        Matcher at = AT.matcher(String.valueOf(failed.getMessage()));
        String step = at.find() ? at.group(1) : null;
        for (Path file : yamlFiles(folder)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                if (id.matcher(lines.get(i)).matches()) {
                    int line = i + 1;
                    for (int j = i + 1; step != null && j < lines.size() && !lines.get(j).startsWith("- "); j++) {
                        if (lines.get(j).contains(step)) {
                            line = j + 1;
                            break;
                        }
                    }
                    return file + ", line " + line + " (route " + failed.getRouteId() + ")";
                }
            }
        }
        return "route " + failed.getRouteId();
    }

    /** The words of a YAML error without its "in file..." lines and its snippet. */
    private static String yamlProblem(String message) {
        return String.join(": ", message.lines().map(String::stripTrailing)
                .filter(l -> !l.isBlank() && !l.startsWith(" ") && !l.startsWith("in ") && !l.strip().equals("^")).toList());
    }
}
