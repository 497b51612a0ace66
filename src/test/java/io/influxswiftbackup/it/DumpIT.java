package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.dump.MeasurementDump;
import io.influxswiftbackup.failure.RetryAfter;
import io.influxswiftbackup.it.FaultProxy.Fault;
import io.influxswiftbackup.it.FaultProxy.Request;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dump job on the real servers: points written into production, backed up, restored into the
 * intermediary, dumped to Swift and read back with the runbook's `swift download`.
 */
@ExtendWith(LocalServers.class)
class DumpIT {

    static final String DB = "sensu_db";
    static final String DAY = "2016-09-10";
    static final String OBJECT = "2016-09-10/influxdb/Aggregated_metrics_2016-09-10-00:00:00_2016-09-11-00:00:00.json";
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalServers.Environment env;
    static SwiftCli swift;
    /** The points of DAY as the dump must write them, in time order. */
    static final List<String> expected = new ArrayList<>();
    /** A day written straight into the intermediary, for the tests that break its streamed query. */
    static final String CUT_DAY = "2010-03-01";
    static final String CUT_MEASUREMENT = "cut_check";
    static final String CUT_OBJECT = CUT_DAY + "/influxdb/" + CUT_MEASUREMENT + "_2010-03-01-00:00:00_2010-03-02-00:00:00.json";
    static final List<String> cutExpected = new ArrayList<>();

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void writeBackUpAndRestore() throws Exception {
        env = LocalServers.environment();
        swift = new SwiftCli(env);
        swift.deleteContainers("2016-09-01", DAY, "2016-09-11", "2016-09-20");
        String production = env.get("influx.production.url");
        InfluxSnapshot.query(production, null, "CREATE DATABASE " + DB);
        StringBuilder lines = new StringBuilder();
        long d = Instant.parse(DAY + "T00:00:00Z").toEpochMilli() * 1_000_000L;
        long dayNs = 86_400_000_000_000L;
        // Just outside the day: never dumped.
        lines.append("Aggregated_metrics,host=outside value=-1 ").append(d - 1).append('\n');
        lines.append("Aggregated_metrics,host=outside value=-1 ").append(d + dayNs).append('\n');
        // Inside: five series sharing each timestamp, so pages of 7 end inside runs of equal times.
        String[] hosts = {"web 1", "db,primary", "é 温度", "h=4", "plain"};
        long[] times = {d, d + 1, d + 3_600_000_000_123L, d + dayNs - 1};
        for (long t : times) {
            for (int h = 0; h < hosts.length; h++) {
                String host = hosts[h];
                boolean whole = h % 2 == 0;
                String value = whole ? (h + 2) + ".0" : (h + 0.25) + "";
                lines.append("Aggregated_metrics,host=").append(host.replace(" ", "\\ ").replace(",", "\\,").replace("=", "\\="))
                        .append(" value=").append(value).append(",count=").append(h).append("i,ok=").append(h % 2 == 1)
                        .append(",note=\"n \\\"").append(h).append("\\\"\" ").append(t).append('\n');
                expected.add("{\"measurement\":\"Aggregated_metrics\",\"time\":\"" + rfc3339(t) + "\",\"tags\":{\"host\":"
                        + JSON.writeValueAsString(host) + "},\"fields\":{\"count\":" + h + ",\"note\":"
                        + JSON.writeValueAsString("n \"" + h + "\"") + ",\"ok\":" + (h % 2 == 1) + ",\"value\":"
                        + (whole ? (h + 2) + ".0" : (h + 0.25) + "") + "}}");
            }
        }
        InfluxFixture.writeLines(production, DB, null, lines.toString());
        Path config = TestConfig.write(shared, env, Map.of());
        Settings settings = TestConfig.settings(config, env.get("swift.key"));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2016-09-11T23:55:00Z"), ZoneOffset.UTC))) {
            assertFalse(runtime.run("direct:backup", Map.of()).isFailed());
        }
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2016-09-12T00:15:00Z"), ZoneOffset.UTC))) {
            Exchange restored = runtime.run("direct:restore", Map.of());
            assertFalse(restored.isFailed(), () -> String.valueOf(restored.getException()));
        }
        assertEquals("2016-09-11\n", Files.readString(shared.resolve("dump/restored-day")));

        // 2000 points of CUT_DAY in the intermediary (which holds 2016-09-11, so it covers 2010): an answer of tens of KB.
        swift.deleteContainers(CUT_DAY);
        StringBuilder cutLines = new StringBuilder();
        long cutStart = Instant.parse(CUT_DAY + "T00:00:00Z").toEpochMilli() * 1_000_000L;
        for (int i = 0; i < 2000; i++) {
            long t = cutStart + i * 40_000_000_000L;
            cutLines.append(CUT_MEASUREMENT).append(",host=h").append(i % 4).append(" value=").append(i).append("i ").append(t).append('\n');
            cutExpected.add("{\"measurement\":\"" + CUT_MEASUREMENT + "\",\"time\":\"" + rfc3339(t) + "\",\"tags\":{\"host\":\"h"
                    + (i % 4) + "\"},\"fields\":{\"value\":" + i + "}}");
        }
        InfluxFixture.writeLines(env.get("influx.intermediary.url"), DB, null, cutLines.toString());
    }

    @AfterAll
    static void cleanCutDay() throws Exception {
        swift.deleteContainers(CUT_DAY);
        InfluxSnapshot.query(env.get("influx.intermediary.url"), DB, "DROP MEASUREMENT " + CUT_MEASUREMENT);
    }

    static String rfc3339(long epochNs) {
        Instant t = Instant.ofEpochSecond(0, epochNs);
        String nanos = String.format("%09d", t.getNano()).replaceAll("0+$", "");
        return t.toString().replaceAll("(\\.\\d+)?Z$", "") + (nanos.isEmpty() ? "" : "." + nanos) + "Z";
    }

    private Settings settings(Map<String, String> overrides) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(overrides);
        all.put("dump.dir", shared.resolve("dump").toString());
        return TestConfig.settings(TestConfig.write(dir, env, all), env.get("swift.key"));
    }

    @Test
    void theDayIsDumpedExactlyOnceEachInPagesAndReadBackByTheRunbooksCommand() throws Exception {
        Settings settings = settings(Map.of("dump.page-size", "7", "dump.lag-days", "2"));
        Path kept = dir.resolve("kept.json");
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2016-09-12T00:30:00Z"), ZoneOffset.UTC))) {
            AdviceWith.adviceWith(runtime.context(), "dump-measurement", route -> route.weaveById("dump-delete-dump-file").before()
                    .process(exchange -> Files.copy(exchange.getProperty(MeasurementDump.PROPERTY, MeasurementDump.class).file(), kept)));
            Exchange result = runtime.run("direct:dump", Map.of());
            assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
            assertEquals(1L, BackupIT.routeAttribute(settings, "dump", "ExchangesCompleted"));
            assertEquals((long) expected.size(), Monitoring.job("dump", "LastRecords"));
            assertEquals("Aggregated_metrics=" + expected.size(), Monitoring.job("dump", "LastRecordsByMeasurement"));
            assertEquals(1L, Monitoring.job("dump", "LastFiles"), "the file uploaded");
            assertEquals(Files.size(kept), Monitoring.job("dump", "LastBytes"));
            assertEquals(DAY, Monitoring.job("dump", "LastSuccessDay"));
        }
        assertEquals(List.of(OBJECT), swift.run(dir, "list", DAY, "-p", DAY + "/influxdb/"));
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        swift.run(downloads, "download", DAY, "-p", DAY + "/influxdb/");
        byte[] object = Files.readAllBytes(downloads.resolve(OBJECT));
        assertArrayEquals(Files.readAllBytes(kept), object, "the object is the file the dump wrote");
        List<String> lines = new String(object, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(sorted(expected), sorted(lines), "exactly the points of the day, once each");
        List<Instant> times = lines.stream().map(l -> Instant.parse(readTime(l))).toList();
        assertEquals(times.stream().sorted().toList(), times, "in time order");
        assertFalse(Files.exists(shared.resolve("dump").resolve(Path.of(OBJECT).getFileName())), "the local file is deleted");

        // The day's manifest lists the dump file with its size, MD5 and record count; the day is not marked in progress.
        Path manifestFile = dir.resolve("manifest.json");
        swift.run(dir, "download", DAY, DAY + "/manifest.json", "-o", manifestFile.toString());
        JsonNode manifest = JSON.readTree(manifestFile.toFile());
        assertEquals("dump", manifest.path("job").asText(), manifest.toString());
        assertEquals(1, manifest.path("objects").size(), manifest.toString());
        JsonNode entry = manifest.path("objects").get(0);
        assertEquals(OBJECT, entry.path("name").asText());
        assertEquals("dump", entry.path("kind").asText());
        assertEquals(object.length, entry.path("size").asLong());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(object)),
                entry.path("md5").asText());
        assertEquals(expected.size(), entry.path("records").asLong());
        assertTrue(swift.run(dir, "stat", DAY).stream().noneMatch(l -> l.contains("In-Progress")));
    }

    @Test
    void anEmptyDayUploadsNothingAndSucceeds() throws Exception {
        JarRun run = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")), "dump", "--config",
                TestConfig.write(dir, env, Map.of("dump.dir", shared.resolve("dump").toString())).toString(), "--date", "2016-09-01");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("No record of Aggregated_metrics on 2016-09-01: nothing uploaded"), run.toString());
        assertEquals(List.of(), swift.listIfPresent("2016-09-01", "2016-09-01/influxdb/"));
    }

    @Test
    void aForcedDumpOfADayWhoseRecordsAreGoneKeepsTheEarlierObjectAndSaysSo() throws Exception {
        // A measurement of its own, written straight into the intermediary: 3 points on GONE_DAY, 1 on another day.
        String measurement = "gone_check";
        String goneDay = "2010-04-01";
        String object = goneDay + "/influxdb/" + measurement + "_2010-04-01-00:00:00_2010-04-02-00:00:00.json";
        String intermediary = env.get("influx.intermediary.url");
        swift.deleteContainers(goneDay);
        long start = Instant.parse(goneDay + "T00:00:00Z").toEpochMilli() * 1_000_000L;
        InfluxFixture.writeLines(intermediary, DB, null, measurement + " value=1i " + start + "\n" + measurement + " value=2i "
                + (start + 1) + "\n" + measurement + " value=3i " + (start + 2) + "\n" + measurement + " value=4i "
                + (start + 5 * 86_400_000_000_000L) + "\n");
        try {
            String config = TestConfig.write(dir, env, Map.of("dump.dir", shared.resolve("dump").toString())).toString();
            Map<String, String> key = Map.of("SWIFT_KEY", env.get("swift.key"));
            JarRun first = JarRun.run(dir, key, "dump", "--config", config, "--date", goneDay, "--measurement", measurement);
            assertEquals(0, first.exitCode(), first.toString());
            Path before = Files.createDirectories(dir.resolve("before"));
            swift.run(before, "download", goneDay, object);
            assertEquals(3, Files.readAllLines(before.resolve(object)).size());

            InfluxSnapshot.query(intermediary, DB, "DELETE FROM " + measurement + " WHERE time >= '" + goneDay
                    + "T00:00:00Z' AND time < '2010-04-02T00:00:00Z'");
            JarRun forced = JarRun.run(dir, key, "dump", "--config", config, "--date", goneDay, "--measurement", measurement, "--force");
            assertEquals(0, forced.exitCode(), forced.toString());
            String warning = "No record of " + measurement + " on " + goneDay + ": nothing uploaded, and the earlier dump " + object
                    + " stays in Swift although the intermediary no longer has its records";
            assertTrue(forced.stdout().lines().anyMatch(l -> l.contains(" WARN ") && l.contains(warning)), forced.toString());
            Path after = Files.createDirectories(dir.resolve("after"));
            swift.run(after, "download", goneDay, object);
            assertArrayEquals(Files.readAllBytes(before.resolve(object)), Files.readAllBytes(after.resolve(object)), "the object is kept as it was");
        } finally {
            swift.deleteContainers(goneDay);
            InfluxSnapshot.query(intermediary, DB, "DROP MEASUREMENT " + measurement);
        }
    }

    @Test
    void aDayTheIntermediaryDoesNotHoldFailsWithoutUploading() throws Exception {
        JarRun run = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")), "dump", "--config",
                TestConfig.write(dir, env, Map.of("dump.dir", shared.resolve("dump").toString())).toString(), "--date", "2016-09-20");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("error: cannot dump 2016-09-20: the intermediary holds the backup of 2016-09-11, which does not cover"
                + " 2016-09-20; restore it first, or use --force", run.stderr().strip());
        assertEquals(List.of(), swift.listIfPresent("2016-09-20", "2016-09-20/"));
    }

    @Test
    void hostileMeasurementNamesAreQuotedOrRefused() throws Exception {
        String config = TestConfig.write(dir, env, Map.of("dump.dir", shared.resolve("dump").toString())).toString();
        Map<String, String> key = Map.of("SWIFT_KEY", env.get("swift.key"));
        JarRun injection = JarRun.run(dir, key, "dump", "--config", config, "--date", DAY,
                "--measurement", "x\" ; DROP DATABASE \"sensu_db");
        assertEquals(1, injection.exitCode(), injection.toString());
        assertTrue(injection.stderr().contains("measurement x\" ; DROP DATABASE \"sensu_db does not exist in sensu_db"),
                injection.toString());
        assertTrue(InfluxSnapshot.countPoints(env.get("influx.intermediary.url"), DB) > 0, "the database is still there");

        JarRun escape = JarRun.run(dir, key, "dump", "--config", config, "--date", DAY, "--measurement", "../../etc/cron.d/x");
        assertEquals(2, escape.exitCode(), escape.toString());
        assertTrue(escape.stderr().contains("would leave the dump directory"), escape.toString());
        try (Stream<Path> files = Files.list(shared.resolve("dump"))) {
            assertEquals(List.of("restored-day"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aMissingMeasurementFailsTheRunButTheOthersAreDumped() throws Exception {
        swift.deleteContainers("2016-09-11");
        Settings settings = settings(Map.of("dump.measurements", "no_such_measurement,Aggregated_metrics"));
        try (JobRuntime runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2016-09-12T00:30:00Z"), ZoneOffset.UTC))) {
            Exchange result = runtime.run("direct:dump", Map.of());
            assertTrue(result.isFailed());
            assertEquals("dump of 2016-09-11 failed for 1 measurement(s): no_such_measurement: measurement"
                    + " no_such_measurement does not exist in sensu_db", result.getException().getMessage());
            assertEquals(1L, BackupIT.routeAttribute(settings, "dump", "ExchangesFailed"));
            assertEquals("failure", Monitoring.job("dump", "LastOutcome"));
            assertEquals(result.getException().getMessage(), Monitoring.job("dump", "LastFailureReason"));
            assertEquals("Aggregated_metrics=1", Monitoring.job("dump", "LastRecordsByMeasurement"),
                    "what the run dumped before it failed");
        }
        // 2016-09-11 holds the one point at midnight (host=outside), so its file exists.
        assertEquals(List.of("2016-09-11/influxdb/Aggregated_metrics_2016-09-11-00:00:00_2016-09-12-00:00:00.json"),
                swift.run(dir, "list", "2016-09-11", "-p", "2016-09-11/influxdb/"));
    }

    /** The day's streamed query (MessagePack), not the schema's SHOW queries. */
    static final Predicate<Request> STREAMED_QUERY = r -> r.path().startsWith("/query") && r.accept().contains("msgpack");

    /** The intermediary behind {@code proxy}, CUT_MEASUREMENT in pages of 100, two retries a few ms apart. */
    private Settings cutSettings(FaultProxy proxy, Map<String, String> more) throws Exception {
        Map<String, String> overrides = new java.util.HashMap<>(Map.of("influx.intermediary.url", proxy.baseUrl(),
                "dump.measurements", CUT_MEASUREMENT, "dump.page-size", "100", "retry.max-retries", "2",
                "retry.initial-delay-ms", "5", "retry.max-delay-ms", "20"));
        overrides.putAll(more);
        return settings(overrides);
    }

    /** The dump of CUT_DAY, its queries through {@code proxy}; the exchange, failed or not. */
    private Exchange dumpCutDay(FaultProxy proxy) throws Exception {
        return dumpCutDay(proxy, Map.of());
    }

    private Exchange dumpCutDay(FaultProxy proxy, Map<String, String> more) throws Exception {
        try (JobRuntime runtime = JobRuntime.startOnce(cutSettings(proxy, more),
                Clock.fixed(Instant.parse("2016-09-12T00:30:00Z"), ZoneOffset.UTC))) {
            return runtime.run("direct:dump", Map.of("dumpDate", CUT_DAY));
        }
    }

    private static FaultProxy intermediaryProxy() throws Exception {
        URI intermediary = URI.create(env.get("influx.intermediary.url"));
        return FaultProxy.start(intermediary.getHost(), intermediary.getPort());
    }

    @Test
    void aQueryCutWhileItsAnswerStreamsIsSentAgainAndTheDayIsDumpedOnce() throws Exception {
        // Breaks: the first streamed query's connection is cut after 10 KB of its answer (pages of about 2 KB).
        swift.deleteContainers(CUT_DAY);
        try (FaultProxy proxy = intermediaryProxy(); LogCapture log = new LogCapture(RetryAfter.class)) {
            proxy.inject(Fault.CUT_RESPONSE_AFTER, 1, STREAMED_QUERY).cutAfter(10_000);
            Exchange result = dumpCutDay(proxy);
            assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
            assertEquals(1, proxy.faulted(Fault.CUT_RESPONSE_AFTER).size(), proxy.requests().toString());
            assertEquals(2, proxy.requests().stream().filter(STREAMED_QUERY).count(), "the query is sent again: " + proxy.requests());
            List<String> retries = log.lines();
            assertEquals(1, retries.size(), retries.toString());
            Matcher line = Pattern.compile("WARN .*the day's query of " + CUT_MEASUREMENT + " failed on page (\\d+) \\((\\d+) records read\\),"
                    + " attempt 1: .*; retry 1 of 2 in 5 ms").matcher(retries.get(0));
            assertTrue(line.matches(), retries.get(0));
            assertTrue(Integer.parseInt(line.group(1)) > 1, "cut after some pages were written: " + retries.get(0));
        }
        assertCutDayDumpedOnce("downloads");
    }

    /** What the runbook's swift download returns for CUT_DAY is exactly its points, once each; no local file is left. */
    private void assertCutDayDumpedOnce(String downloadsName) throws Exception {
        Path downloads = Files.createDirectories(dir.resolve(downloadsName));
        swift.run(downloads, "download", CUT_DAY, "-p", CUT_DAY + "/influxdb/");
        List<String> lines = Files.readAllLines(downloads.resolve(CUT_OBJECT));
        assertEquals(cutExpected, lines, "exactly the day's points, once each, in time order");
        assertFalse(Files.exists(shared.resolve("dump").resolve(Path.of(CUT_OBJECT).getFileName())), "the local file is deleted");
    }

    @Test
    void aQueryAnswered503IsSentAgainAfterItsRetryAfter() throws Exception {
        // Breaks: InfluxDB "busy" for the first streamed query (503, Retry-After: 1, capped by retry.max-delay-ms=20).
        swift.deleteContainers(CUT_DAY);
        try (FaultProxy proxy = intermediaryProxy(); LogCapture log = new LogCapture(RetryAfter.class)) {
            proxy.inject(Fault.ANSWER_503, 1, STREAMED_QUERY).retryAfter(1);
            Exchange result = dumpCutDay(proxy);
            assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
            assertEquals(2, proxy.requests().stream().filter(STREAMED_QUERY).count(), proxy.requests().toString());
            assertEquals(List.of("WARN dump-measurement: the day's query of " + CUT_MEASUREMENT + " failed before its first page,"
                    + " attempt 1: InfluxDB answered 503 Service Unavailable; retry 1 of 2 in 20 ms"), log.lines());
        }
        assertEquals(List.of(CUT_OBJECT), swift.run(dir, "list", CUT_DAY, "-p", CUT_DAY + "/influxdb/"));
    }

    @Test
    void aQueryLeftUnansweredPastTheReadTimeoutIsSentAgain() throws Exception {
        // Breaks: the first streamed query's answer is swallowed and its connection kept open (a silent InfluxDB).
        swift.deleteContainers(CUT_DAY);
        try (FaultProxy proxy = intermediaryProxy(); LogCapture log = new LogCapture(RetryAfter.class)) {
            proxy.inject(Fault.STALL_RESPONSE, 1, STREAMED_QUERY);
            Exchange result = dumpCutDay(proxy, Map.of("influx.timeout-ms", "1000"));
            assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
            assertEquals(1, proxy.faulted(Fault.STALL_RESPONSE).size(), proxy.requests().toString());
            assertEquals(2, proxy.requests().stream().filter(STREAMED_QUERY).count(), "the query is sent again: " + proxy.requests());
            List<String> retries = log.lines();
            assertEquals(1, retries.size(), retries.toString());
            assertTrue(retries.get(0).matches("WARN dump-measurement: the day's query of " + CUT_MEASUREMENT
                    + " failed before its first page, attempt 1: .*Timeout.*; retry 1 of 2 in 5 ms"), retries.get(0));
        }
        assertCutDayDumpedOnce("downloads-stalled");
    }

    @Test
    void aQueryCutEveryTimeFailsAfterItsRetriesNamingThePage() throws Exception {
        swift.deleteContainers(CUT_DAY);
        try (FaultProxy proxy = intermediaryProxy(); LogCapture log = new LogCapture(RetryAfter.class)) {
            proxy.inject(Fault.CUT_RESPONSE_AFTER, 100, STREAMED_QUERY).cutAfter(10_000);
            Exchange result = dumpCutDay(proxy);
            assertTrue(result.isFailed());
            String message = result.getException().getMessage();
            assertTrue(message.matches("dump of 2010-03-01 failed for 1 measurement\\(s\\): " + CUT_MEASUREMENT + ": the day's query of "
                    + CUT_MEASUREMENT + " failed on page \\d+ \\(\\d+ records read\\), attempt 3: .*"), message);
            assertEquals(3, proxy.faulted(Fault.CUT_RESPONSE_AFTER).size(), "the first try and 2 retries: " + proxy.requests());
            assertEquals(3, proxy.requests().stream().filter(STREAMED_QUERY).count(), proxy.requests().toString());
            List<String> retries = log.lines();
            assertEquals(2, retries.size(), retries.toString());
            assertTrue(retries.get(1).contains("attempt 2: ") && retries.get(1).contains("retry 2 of 2 in 10 ms"), retries.toString());
        }
        assertEquals(List.of(), swift.listIfPresent(CUT_DAY, CUT_DAY + "/"), "nothing uploaded");
        assertFalse(Files.exists(shared.resolve("dump").resolve(Path.of(CUT_OBJECT).getFileName())), "no partial file left");
    }

    static String readTime(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node.get("time").asText();
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    static List<String> sorted(List<String> lines) {
        return lines.stream().sorted().toList();
    }
}
