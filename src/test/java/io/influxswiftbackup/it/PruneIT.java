package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.monitor.JobState;
import io.influxswiftbackup.prune.PruneJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on the real Swift: days of 2015 made with the runbook's {@code swift upload} (tiny shards,
 * a manifest for most, static large objects with their D_segments container for some), then the prune
 * job with a fixed clock and retention.days = 3. It runs in an account of its own (TempAuth's
 * admin:admin, AUTH_admin), so the newest complete day, and what goes, are this test's days alone.
 */
@ExtendWith(LocalServers.class)
class PruneIT {

    static final String NOT_A_DAY = "2015-01-01-notes";
    static LocalServers.Environment env;
    static SwiftCli swift;

    @TempDir
    Path dir;

    @BeforeAll
    static void ownAccount() throws Exception {
        LocalServers.Environment shared = LocalServers.environment();
        Map<String, String> properties = new HashMap<>(shared.properties());
        properties.put("swift.user", "admin:admin");
        properties.put("swift.key", "admin");
        Map<String, String> shell = new HashMap<>(shared.shell());
        shell.put("ST_USER", "admin:admin");
        shell.put("ST_KEY", "admin");
        env = new LocalServers.Environment(shared.base(), properties, shell);
        swift = new SwiftCli(env);
    }

    @BeforeEach
    void startFromNothing() throws Exception {
        deleteTheDaysOf2015();
    }

    @AfterAll
    static void deleteTheDaysOf2015() throws Exception {
        swift.deleteContainers(account().stream().filter(name -> name.startsWith("2015")).toArray(String[]::new));
    }

    private static List<String> account() throws Exception {
        return swift.run(Path.of("."), "list");
    }

    /** The day's shards (and D/manifest.json, and a large object in segments of 16 bytes), uploaded as the runbook does. */
    private void day(String day, boolean manifest, boolean largeObject) throws Exception {
        Path upload = dir.resolve("upload");
        Path shards = Files.createDirectories(upload.resolve(day).resolve("shards"));
        Files.writeString(shards.resolve("meta.00"), "meta\n");
        Files.writeString(shards.resolve("sensu_db.autogen.00001.00"), "one\n");
        if (manifest) {
            Files.writeString(upload.resolve(day + "/manifest.json"), "{\"day\": \"" + day + "\"}\n");
        }
        swift.run(upload, "upload", day, day);
        if (largeObject) {
            Path large = dir.resolve("large");
            Files.writeString(Files.createDirectories(large.resolve(day).resolve("shards")).resolve("sensu_db.autogen.00002.00"),
                    "forty bytes of one shard, in segments..\n");
            swift.run(large, "upload", "--use-slo", "--segment-size", "16", day, day + "/shards/sensu_db.autogen.00002.00");
        }
    }

    private void markInProgress(String day) throws Exception {
        swift.run(dir, "post", "-m", "In-Progress:backup 20150101T235500Z-abcd", day);
    }

    /** Every 2015 container with its objects. */
    private Map<String, List<String>> snapshot() throws Exception {
        Map<String, List<String>> containers = new TreeMap<>();
        for (String container : account()) {
            if (container.startsWith("2015")) {
                containers.put(container, swift.run(dir, "list", container));
            }
        }
        return containers;
    }

    private Settings settings(Map<String, String> overrides) throws Exception {
        return TestConfig.settings(TestConfig.write(dir, env, overrides), env.get("swift.key"));
    }

    private Exchange prune(String now, boolean dryRun) throws Exception {
        return prune(now, dryRun, runtime -> { });
    }

    /** A prune at {@code now}, with {@code meanwhile} set up on the runtime before it runs. */
    private Exchange prune(String now, boolean dryRun, Meanwhile meanwhile) throws Exception {
        Clock clock = Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
        // (pages of 2 names: the account and each day are listed over several pages)
        try (JobRuntime runtime = JobRuntime.startOnce(settings(Map.of("retention.days", "3", "swift.listing-page-size", "2")), clock)) {
            meanwhile.arrange(runtime);
            Exchange result = runtime.run("direct:prune", Map.of(PruneJob.DRY_RUN_HEADER, dryRun));
            assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
            return result;
        }
    }

    private static List<String> days(LocalDate first, int count) {
        List<String> days = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            days.add(first.plusDays(i).toString());
        }
        return days;
    }

    @Test
    void theDryRunListsTheSevenOldDaysThenTheRunDeletesThemAndTheirSegments() throws Exception {
        List<String> days = days(LocalDate.of(2015, 1, 1), 10);
        for (String day : days) {
            // 2015-01-02 and 2015-01-09 as the runbook's scripts made them (no manifest); three days with large objects.
            day(day, !day.endsWith("-02") && !day.endsWith("-09"), day.endsWith("-03") || day.endsWith("-05") || day.endsWith("-09"));
        }
        markInProgress("2015-01-06"); // old, and marked in progress: it goes all the same
        Files.writeString(dir.resolve("notes.txt"), "not a day\n");
        swift.run(dir, "upload", NOT_A_DAY, "notes.txt");
        Map<String, List<String>> before = snapshot();
        assertEquals(List.of("2015-01-03/shards/sensu_db.autogen.00002.00/slo/"),
                before.get("2015-01-03_segments").stream().map(s -> s.replaceAll("slo/.*", "slo/")).distinct().toList());
        assertEquals(3, before.get("2015-01-03_segments").size(), "40 bytes in segments of 16");

        // 00:45 on the 11th: days before the 8th go, the 8th, 9th and 10th stay.
        String dryRun = prune("2015-01-11T00:45:00Z", true).getMessage().getBody(String.class);
        List<String> listed = dryRun.lines().filter(l -> l.matches("2015-\\d\\d-\\d\\d: .*")).toList();
        assertEquals(days.subList(0, 7), listed.stream().map(l -> l.substring(0, 10)).toList(), dryRun);
        assertTrue(listed.contains("2015-01-03: 4 objects (31 bytes), 3 segments (40 bytes)"), dryRun);
        assertTrue(listed.contains("2015-01-02: 2 objects (9 bytes), 0 segments (0 bytes)"), dryRun);
        assertTrue(dryRun.contains("newest complete day: 2015-01-10\n"), dryRun);
        assertTrue(dryRun.contains("--dry-run: 7 days, 28 objects and segments, "), dryRun);
        assertEquals(before, snapshot(), "the dry run deletes nothing");
        assertFalse(Files.exists(JobState.file(dir.resolve("work"), "prune")), "a dry run is not a run of the job");

        prune("2015-01-11T00:45:00Z", false);
        Map<String, List<String>> after = snapshot();
        Map<String, List<String>> kept = new TreeMap<>(before);
        kept.keySet().removeIf(name -> name.compareTo("2015-01-08") < 0 && !name.equals(NOT_A_DAY));
        assertEquals(kept, after, "the old days and their segments containers are gone; the rest is as it was");
        assertEquals(List.of("2015-01-01-notes", "2015-01-08", "2015-01-09", "2015-01-09_segments", "2015-01-10"),
                List.copyOf(after.keySet()));

        JobState state = JobState.read(JobState.file(dir.resolve("work"), "prune"), "prune");
        long deleted = before.entrySet().stream().filter(e -> !kept.containsKey(e.getKey())).mapToLong(e -> e.getValue().size()).sum();
        assertEquals(28, deleted);
        assertEquals(JobState.SUCCESS, state.last());
        assertEquals(deleted, state.lastSuccess().files(), "each object and segment deleted counts");
        assertEquals("2015-01-07", state.lastSuccess().day(), "the newest day pruned");
    }

    @Test
    void theNewestCompleteDayStaysEvenWhenItIsOld() throws Exception {
        day("2015-02-01", true, false);
        day("2015-02-02", true, true); // the newest complete day, with its segments
        day("2015-02-03", true, false);
        markInProgress("2015-02-03");
        day("2015-02-09", true, false); // recent, but not complete
        markInProgress("2015-02-09");
        // 2015-02-04 holds only a manifest, no shards: not complete
        Files.writeString(Files.createDirectories(dir.resolve("m/2015-02-04")).resolve("manifest.json"), "{}\n");
        swift.run(dir.resolve("m"), "upload", "2015-02-04", "2015-02-04/manifest.json");
        Map<String, List<String>> before = snapshot();

        prune("2015-02-11T00:45:00Z", false);
        Map<String, List<String>> kept = new TreeMap<>(before);
        kept.keySet().retainAll(List.of("2015-02-02", "2015-02-02_segments", "2015-02-09"));
        assertEquals(kept, snapshot(), "the newest complete day (2015-02-02) stays whole, with its segments");
    }

    @FunctionalInterface
    interface Meanwhile {
        void arrange(JobRuntime runtime) throws Exception;
    }

    @Test
    void anObjectGoneMeanwhileIsFineAndAContainerWrittenToMeanwhileStays() throws Exception {
        day("2015-04-01", true, false);
        day("2015-04-02", true, false);
        day("2015-04-10", true, false);
        Files.writeString(dir.resolve("late.txt"), "written while the prune runs\n");
        Exchange result = prune("2015-04-11T00:45:00Z", false, runtime -> AdviceWith.adviceWith(runtime.context(),
                "prune", route -> route.weaveById("prune-delete-object").before()
                        .filter(route.simple("${body.name()} == '2015-04-02/shards/meta.00'"))
                        // Breaks: someone deletes the object just before the prune does (Swift answers 404).
                        .process(exchange -> swift.run(dir, "delete", "2015-04-02", "2015-04-02/shards/meta.00"))
                        .end()));
        assertEquals("Pruned 2 days: 6 objects and segments, 62 bytes\n", result.getMessage().getBody(String.class));

        day("2015-04-03", true, false);
        Exchange written = prune("2015-04-11T00:45:00Z", false, runtime -> AdviceWith.adviceWith(runtime.context(),
                "prune", route -> route.weaveById("prune-delete-containers").before()
                        .filter(route.simple("${exchangeProperty.prunedDay.day().container()} == '2015-04-03'"))
                        // Breaks: an object is written into the day after its objects were deleted (Swift answers 409).
                        .process(exchange -> swift.run(dir, "upload", "--object-name", "2015-04-03/late.txt", "2015-04-03", "late.txt"))
                        .end()));
        assertEquals("Pruned 1 day: 3 objects and segments, 31 bytes; containers left because something was added meanwhile:"
                + " [2015-04-03]\n", written.getMessage().getBody(String.class));
        assertEquals(Map.of("2015-04-03", List.of("2015-04-03/late.txt"), "2015-04-10", List.of("2015-04-10/manifest.json",
                "2015-04-10/shards/meta.00", "2015-04-10/shards/sensu_db.autogen.00001.00")), snapshot());
    }

    @Test
    void withRetentionOffPruneSaysSoAndDeletesNothing() throws Exception {
        day("2015-03-01", true, false);
        Map<String, List<String>> before = snapshot();
        Path config = TestConfig.write(dir, env, Map.of());
        JarRun run = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")), "prune", "--config", config.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains(PruneJob.OFF), run.toString());
        JarRun dryRun = JarRun.run(dir, Map.of("SWIFT_KEY", env.get("swift.key")), "prune", "--dry-run", "--config", config.toString());
        assertEquals(0, dryRun.exitCode(), dryRun.toString());
        assertTrue(dryRun.stdout().contains(PruneJob.OFF), dryRun.toString());
        assertEquals(before, snapshot());
    }
}
