package io.influxswiftbackup.app;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.FailedToCreateRouteException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

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

    private static final Pattern DIRECT = Pattern.compile("direct:[A-Za-z0-9_.\\-]+");

    private RouteFiles() {
    }

    /**
     * The route files one run of {@code endpoint} needs, for Camel's routesIncludePattern: every file
     * that holds no route (the error policy), the file whose route starts at {@code endpoint}, then,
     * in turn, the files whose routes start at a {@code direct:} endpoint a needed file names. A file
     * that cannot be read as YAML is kept, so that Camel names what is wrong with it.
     */
    public static List<Path> forEndpoint(Path folder, String endpoint) {
        Map<String, Path> starts = new HashMap<>();
        Map<Path, List<String>> calls = new HashMap<>();
        Set<Path> needed = new LinkedHashSet<>();
        for (Path file : yamlFiles(folder)) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                needed.add(file);
                continue;
            }
            List<String> from = routeStarts(text);
            if (from == null || from.isEmpty()) {
                needed.add(file);
            } else {
                from.forEach(uri -> starts.putIfAbsent(uri, file));
            }
            calls.put(file, DIRECT.matcher(text).results().map(MatchResult::group).toList());
        }
        Deque<String> endpoints = new ArrayDeque<>(List.of(endpoint));
        Set<String> seen = new LinkedHashSet<>();
        needed.forEach(file -> endpoints.addAll(calls.getOrDefault(file, List.of())));
        while (!endpoints.isEmpty()) {
            String next = endpoints.pop();
            Path file = starts.get(next);
            if (seen.add(next) && file != null && needed.add(file)) {
                endpoints.addAll(calls.get(file));
            }
        }
        return yamlFiles(folder).stream().filter(needed::contains).toList();
    }

    /** The endpoints the routes of a YAML routes file start at, or null when it cannot be read as YAML. */
    private static List<String> routeStarts(String text) {
        try {
            List<String> uris = new ArrayList<>();
            for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
                if (document instanceof List<?> items) {
                    for (Object item : items) {
                        if (item instanceof Map<?, ?> map && map.get("route") instanceof Map<?, ?> route) {
                            Object from = route.get("from");
                            uris.add(String.valueOf(from instanceof Map<?, ?> f ? f.get("uri") : from));
                        }
                    }
                }
            }
            return uris;
        } catch (RuntimeException e) {
            return null;
        }
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
