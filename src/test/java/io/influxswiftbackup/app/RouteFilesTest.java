package io.influxswiftbackup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.failure.Failures;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the routes are read from, and the one line that names a broken route file when the process starts. */
class RouteFilesTest {

    @TempDir
    Path dir;

    private Path routesCopy(Path parent) throws IOException {
        Path routes = Files.createDirectories(parent.resolve("routes"));
        for (Path file : RouteFiles.yamlFiles(Path.of("routes"))) {
            Files.copy(file, routes.resolve(file.getFileName()));
        }
        return routes;
    }

    @Test
    void aJobLoadsTheRouteFilesItUsesAndTheErrorPolicy() throws IOException {
        Path routes = routesCopy(dir);
        assertEquals(List.of("backup.yaml", "errors.yaml"), names(RouteFiles.forEndpoint(routes, "direct:backup")));
        assertEquals(List.of("errors.yaml", "restore-intermediary.yaml", "restore.yaml"),
                names(RouteFiles.forEndpoint(routes, "direct:restore")));
        assertEquals(List.of("dump.yaml", "errors.yaml"), names(RouteFiles.forEndpoint(routes, "direct:dump")));
        assertEquals(List.of("downloads.yaml", "errors.yaml"), names(RouteFiles.forEndpoint(routes, "direct:fetch-shards")));
        Files.writeString(routes.resolve("zz-broken.yaml"), "- route:\n  id: [unclosed\n");
        assertTrue(names(RouteFiles.forEndpoint(routes, "direct:backup")).contains("zz-broken.yaml"),
                "a file that is not YAML is loaded, so Camel names its problem");
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(file -> file.getFileName().toString()).toList();
    }

    @Test
    void routesDirThenTheWorkingDirectoryThenBesideTheConfigFileThenNextToTheJar() throws IOException {
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path jar = Files.createDirectories(dir.resolve("usr/share"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path nextToJar = routesCopy(jar);
        assertEquals(nextToJar, RouteFiles.folder(null, cwd, etc, jar));
        Path besideConfig = routesCopy(etc);
        assertEquals(besideConfig, RouteFiles.folder(null, cwd, etc, jar), "the copy in /etc overrides the packaged one");
        assertEquals(nextToJar, RouteFiles.folder(null, cwd, null, jar), "no config file");
        Path inCwd = routesCopy(cwd);
        assertEquals(inCwd, RouteFiles.folder(null, cwd, etc, jar));
        assertEquals(nextToJar, RouteFiles.folder("../usr/share/routes", cwd, etc, jar), "routes.dir, relative to the working directory");
    }

    @Test
    void theConfigFilesFolderComesFromTheFileRead() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path config = Files.writeString(etc.resolve("application.properties"), "swift.key=unused\n");
        assertEquals(etc, Settings.load(config, Map.of()).configFolder());
        assertEquals(null, Settings.load(null, Map.of()).configFolder());
    }

    @Test
    void noRoutesFolderOrAnEmptyOneIsAConfigurationError() throws IOException {
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        ConfigException none = assertThrows(ConfigException.class, () -> RouteFiles.folder(null, cwd, etc, dir));
        assertEquals("routes.dir is not set and there is no routes folder in " + cwd + " nor beside the config file in " + etc
                + " nor next to the jar in " + dir, none.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ConfigException nothing = assertThrows(ConfigException.class, () -> RouteFiles.folder(empty.toString(), cwd, null, null));
        assertEquals("routes.dir " + empty + " holds no *.yaml file", nothing.getMessage());
    }

    @Test
    void everyRouteHasItsOwnIdAndAnMBeanUnderIt() throws Exception {
        String context = "ids-" + System.nanoTime();
        Path config = Files.writeString(dir.resolve("app.properties"), String.join("\n", "swift.key=unused",
                "work.dir=" + dir.resolve("work"), "camel.main.name=" + context, ""));
        try (JobRuntime runtime = JobRuntime.startOnce(Settings.load(config, Map.of()), Clock.systemUTC())) {
            List<Route> routes = runtime.context().getRoutes();
            assertTrue(routes.size() >= 18, routes.toString());
            for (Route route : routes) {
                assertTrue(route.isCustomId(), "route " + route.getRouteId() + " has no id in " + route.getSourceLocationShort());
                assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(
                        "org.apache.camel:context=" + context + ",type=routes,name=\"" + route.getRouteId() + "\"")), route.getRouteId());
            }
        }
    }

    private ConfigException startWith(Path routes) throws IOException {
        Path config = Files.writeString(dir.resolve("app.properties"), String.join("\n", "routes.dir=" + routes,
                "swift.key=unused", "work.dir=" + dir.resolve("work"), "camel.main.name=routes-" + System.nanoTime(), ""));
        Settings settings = Settings.load(config, Map.of());
        return assertThrows(ConfigException.class, () -> JobRuntime.startOnce(settings, Clock.systemUTC()).close());
    }

    @Test
    void aYamlErrorStopsTheStartNamingFileAndLine() throws IOException {
        Path routes = routesCopy(dir);
        Path backup = routes.resolve("backup.yaml");
        String broken = Files.readString(backup).replace("            message: \"Backup for day ${exchangeProperty.backup.day()}: influxd",
                "            mesage: \"Backup for day ${exchangeProperty.backup.day()}: influxd");
        Files.writeString(backup, broken);
        int line = broken.lines().toList().indexOf(broken.lines().filter(l -> l.contains("mesage:")).findFirst().orElseThrow()) + 1;
        Exception failure = startWith(routes);
        assertEquals("routes: " + backup + ", line " + line + ", column 21: Unsupported field: mesage", failure.getMessage());
        assertEquals(2, Failures.exitCode(failure));
    }

    @Test
    void aCamelErrorStopsTheStartNamingTheRouteAndItsFile() throws IOException {
        Path routes = routesCopy(dir);
        Path backup = routes.resolve("backup.yaml");
        Files.writeString(backup, Files.readString(backup).replace("      uri: direct:backup\n      steps:", "      uri: nosuch:thing\n      steps:"));
        java.util.List<String> lines = Files.readAllLines(backup);
        int step = lines.indexOf("    id: backup") + 1; // the line of the route (Camel names it)
        Exception failure = startWith(routes);
        assertEquals("routes: " + backup + ", line " + step + " (route backup): No endpoint could be found for: nosuch://thing, please"
                + " check your classpath contains the needed Camel component jar", failure.getMessage());
        assertEquals(2, Failures.exitCode(failure));
    }
}
