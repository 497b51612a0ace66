package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's manual commands on the real servers: a month of dump files made by the dump
 * route, gathered by day, range and pattern, compared with what `swift download` returns.
 */
@ExtendWith(LocalServers.class)
class DownloadsIT {

    static final String DB = "sensu_db";
    static LocalServers.Environment env;
    static SwiftCli swift;
    @TempDir
    static Path shared;
    static Path config;
    static final Map<String, String> KEY = new java.util.HashMap<>();
    @TempDir
    Path dir;

    /** March 2017: Aggregated_metrics on days 1, 4, 7, …; cpu_usage too on days 1, 10, 19, 28. */
    @BeforeAll
    static void makeAMonthOfDumps() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        KEY.put("SWIFT_KEY", env.get("swift.key"));
        List<String> march = new ArrayList<>();
        for (int d = 1; d <= 31; d++) {
            march.add(String.format("2017-03-%02d", d));
        }
        march.add("2017-03-05_segments");
        march.add("2017-04-13");
        swift.deleteContainers(march.toArray(String[]::new));
        String production = env.get("influx.production.url");
        InfluxSnapshot.query(production, null, "CREATE DATABASE " + DB);
        StringBuilder lines = new StringBuilder();
        for (int d = 1; d <= 28; d += 3) {
            long t = Instant.parse(String.format("2017-03-%02dT12:00:00Z", d)).toEpochMilli() * 1_000_000L;
            lines.append("Aggregated_metrics,host=a value=").append(d).append(".5 ").append(t).append('\n');
            if (d % 9 == 1) {
                lines.append("cpu_usage,host=a idle=").append(d).append(".25 ").append(t).append('\n');
            }
        }
        InfluxFixture.writeLines(production, DB, null, lines.toString());
        config = TestConfig.write(shared, env, Map.of("dump.measurements", "Aggregated_metrics,cpu_usage",
                "swift.listing-page-size", "5"));
        Settings settings = TestConfig.settings(config, env.get("swift.key"));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2017-03-31T23:55:00Z"), ZoneOffset.UTC))) {
            assertFalse(runtime.run("direct:backup", Map.of()).isFailed());
        }
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2017-04-01T00:15:00Z"), ZoneOffset.UTC))) {
            Exchange restored = runtime.run("direct:restore", Map.of());
            assertFalse(restored.isFailed(), () -> String.valueOf(restored.getException()));
        }
        JarRun dump = JarRun.run(shared, KEY, "dump", "--config", config.toString(), "--from", "2017-03-01", "--to", "2017-03-31");
        assertEquals(0, dump.exitCode(), dump.toString());
        // Not a day: a segment container whose objects look like dumps must never be matched.
        swift.run(shared, "post", "2017-03-05_segments");
        Path decoy = Files.writeString(shared.resolve("decoy.json"), "{}\n");
        swift.run(shared, "upload", "2017-03-05_segments", decoy.toString(), "--object-name",
                "2017-03-05/influxdb/Aggregated_metrics_2017-03-05-00:00:00_2017-03-06-00:00:00.json");
    }

    /** What the runbook's own commands give for these days: swift download D -p D/influxdb/, flattened. */
    private Map<String, byte[]> runbookDownload(List<String> days, String measurement) throws Exception {
        Map<String, byte[]> files = new java.util.TreeMap<>();
        Path work = Files.createDirectories(dir.resolve("runbook"));
        for (String day : days) {
            for (String object : swift.listIfPresent(day, day + "/influxdb/")) {
                String name = object.substring(object.lastIndexOf('/') + 1);
                if (measurement == null || name.startsWith(measurement + "_" + day)) {
                    swift.run(work, "download", day, object);
                    files.put(name, Files.readAllBytes(work.resolve(object)));
                }
            }
        }
        return files;
    }

    private static Map<String, byte[]> filesIn(Path directory) throws Exception {
        Map<String, byte[]> files = new java.util.TreeMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path file : entries.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
    }

    private JarRun downloadDumps(Path target, String... selection) throws Exception {
        List<String> args = new ArrayList<>(List.of("download-dumps", "--config", config.toString(), "--dir", target.toString()));
        args.addAll(List.of(selection));
        return JarRun.run(dir, KEY, args.toArray(String[]::new));
    }

    @Test
    void aPatternGathersTheMonthFlatLikeTheRunbooksLoop() throws Exception {
        List<String> days = new ArrayList<>();
        for (int d = 1; d <= 31; d++) {
            days.add(String.format("2017-03-%02d", d));
        }
        Map<String, byte[]> expected = runbookDownload(days, null);
        assertEquals(14, expected.size(), expected.keySet().toString());
        Path target = dir.resolve("dump_files");
        JarRun run = downloadDumps(target, "--match", "2017-03");
        assertEquals(0, run.exitCode(), run.toString());
        assertSameFiles(expected, filesIn(target));
        assertTrue(run.stdout().contains("14 files downloaded"), run.toString());

        JarRun again = downloadDumps(target, "--match", "2017-03");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("0 files downloaded (0 bytes), 14 already there"), again.toString());
    }

    @Test
    void aRangeADayAndAMeasurement() throws Exception {
        Path range = dir.resolve("range");
        assertEquals(0, downloadDumps(range, "--from", "2017-03-03", "--to", "2017-03-10").exitCode());
        assertSameFiles(runbookDownload(List.of("2017-03-04", "2017-03-07", "2017-03-10"), null), filesIn(range));

        Path one = dir.resolve("one");
        assertEquals(0, downloadDumps(one, "--date", "2017-03-19", "--measurement", "cpu_usage").exitCode());
        assertSameFiles(runbookDownload(List.of("2017-03-19"), "cpu_usage"), filesIn(one));
        assertEquals(1, filesIn(one).size());
    }

    @Test
    void aDifferentLocalFileIsKeptUnlessForced() throws Exception {
        Path target = dir.resolve("target");
        assertEquals(0, downloadDumps(target, "--date", "2017-03-01").exitCode());
        Path file = target.resolve("Aggregated_metrics_2017-03-01-00:00:00_2017-03-02-00:00:00.json");
        byte[] original = Files.readAllBytes(file);
        Files.writeString(file, "my own edits\n");
        JarRun kept = downloadDumps(target, "--date", "2017-03-01");
        assertEquals(1, kept.exitCode(), kept.toString());
        assertTrue(kept.stderr().contains(file + " exists and differs from 2017-03-01/influxdb/"), kept.toString());
        assertEquals("my own edits\n", Files.readString(file));
        assertEquals(0, downloadDumps(target, "--date", "2017-03-01", "--force").exitCode());
        assertArrayEquals(original, Files.readAllBytes(file));
    }

    @Test
    void hostileObjectNamesAreRefusedAndNothingIsWrittenOutside() throws Exception {
        String storage = env.get("swift.auth-url").replace("/auth/v1.0", "/v1/AUTH_test");
        String token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(env.get("swift.auth-url")))
                .header("X-Auth-User", "test:tester").header("X-Auth-Key", env.get("swift.key")).build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Auth-Token").orElseThrow();
        Path good = Files.writeString(dir.resolve("good.json"), "{\"ok\":true}\n");
        swift.run(dir, "post", "2017-04-13");
        swift.run(dir, "upload", "2017-04-13", good.toString(), "--object-name",
                "2017-04-13/influxdb/Aggregated_metrics_2017-04-13-00:00:00_2017-04-14-00:00:00.json");
        for (String raw : List.of("2017-04-13/influxdb/%2E%2E/%2E%2E/escaped.json", "2017-04-13/influxdb//abs.json")) {
            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(storage + "/2017-04-13/" + raw))
                    .header("X-Auth-Token", token).PUT(HttpRequest.BodyPublishers.ofString("{}\n")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(201, status, raw);
        }
        List<String> listed = swift.run(dir, "list", "2017-04-13");
        assertTrue(listed.contains("2017-04-13/influxdb/../../escaped.json") && listed.contains("2017-04-13/influxdb//abs.json"),
                listed.toString());
        Path target = dir.resolve("deep/inside");
        JarRun run = downloadDumps(target, "--date", "2017-04-13");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("refused object 2017-04-13/influxdb/../../escaped.json: its name holds a '..' path segment"),
                run.toString());
        assertTrue(run.stderr().contains("refused object 2017-04-13/influxdb//abs.json: its name is an absolute path"), run.toString());
        assertEquals(1, run.stderr().lines().count(), run.toString());
        assertFalse(Files.exists(dir.resolve("deep/escaped.json")) || Files.exists(dir.resolve("escaped.json"))
                || Files.exists(Path.of("/abs.json")));
        assertEquals(List.of("Aggregated_metrics_2017-04-13-00:00:00_2017-04-14-00:00:00.json"),
                filesIn(target).keySet().stream().toList(), "the day's good file is still downloaded");
    }

    @Test
    void anInterruptedDownloadLeavesNoFileUnderItsName() throws Exception {
        URI swiftUrl = URI.create(env.get("swift.auth-url"));
        try (FaultProxy proxy = FaultProxy.start(swiftUrl.getHost(), swiftUrl.getPort())) {
            // Breaks: every GET of the day's dump files is cut halfway, on every retry.
            proxy.inject(FaultProxy.Fault.CUT_RESPONSE, 1000,
                    r -> r.method().equals("GET") && r.path().contains("/2017-03-01/2017-03-01/influxdb/"));
            Path viaProxy = TestConfig.write(dir, env, Map.of("swift.storage-url", proxy.baseUrl() + "/v1/AUTH_test"));
            Path target = dir.resolve("cut");
            JarRun run = JarRun.run(dir, KEY, "download-dumps", "--config", viaProxy.toString(), "--dir", target.toString(),
                    "--date", "2017-03-01");
            assertEquals(1, run.exitCode(), run.toString());
            assertTrue(run.stderr().startsWith("error: 2 object(s) not downloaded: "), run.toString());
            assertFalse(proxy.faulted(FaultProxy.Fault.CUT_RESPONSE).isEmpty(), "the downloads were cut");
            assertEquals(Map.of(), filesIn(target), "no file under its final name, and no .part");
        }
    }

    @Test
    void fetchShardsDownloadsTheDayAndPrintsASafeRestore() throws Exception {
        Path target = dir.resolve("fetched");
        JarRun run = JarRun.run(dir, KEY, "fetch-shards", "--config", config.toString(), "--date", "2017-03-31", "--dir", target.toString());
        assertEquals(0, run.exitCode(), run.toString());
        Path runbook = Files.createDirectories(dir.resolve("runbook"));
        swift.run(runbook, "download", "2017-03-31", "-p", "2017-03-31/shards/");
        assertSameFiles(filesIn(runbook.resolve("2017-03-31/shards")), filesIn(target.resolve("2017-03-31/shards")));
        assertTrue(filesIn(target.resolve("2017-03-31/shards")).size() > 5, "more objects than one listing page of 5");
        assertTrue(run.stdout().contains("influxd restore -online -db sensu_db"), run.toString());
        assertTrue(run.stdout().contains("Not the runbook's"), run.toString());
    }

    @Test
    void listingsArePagedAndFilteredAndSpeakJson() throws Exception {
        JarRun days = JarRun.run(dir, KEY, "list", "--config", config.toString(), "--match", "2017-03", "--json");
        assertEquals(0, days.exitCode(), days.toString());
        List<String> expected = swift.run(dir, "list").stream().filter(n -> n.matches("2017-03-\\d\\d")).toList();
        assertTrue(expected.size() > 5, "more containers than one page of 5");
        List<String> shown = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(days.stdout()).forEach(d -> shown.add(d.path("day").asText()));
        assertEquals(expected, shown);
        JarRun bad = JarRun.run(dir, KEY, "list", "--config", config.toString(), "--from", "2017-03-09", "--to", "2017-03-01");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertEquals("error: --from 2017-03-09 is after --to 2017-03-01", bad.stderr().strip());
    }
}
