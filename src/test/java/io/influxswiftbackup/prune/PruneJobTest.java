package io.influxswiftbackup.prune;

import static io.influxswiftbackup.swift.FakeSwift.Op.CONTAINER_METADATA;
import static io.influxswiftbackup.swift.FakeSwift.Op.DELETE_CONTAINER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.Retention;
import io.influxswiftbackup.store.StoreSweep;
import io.influxswiftbackup.swift.FakeSwift;
import io.influxswiftbackup.swift.FakeSwift.Call;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * Which days go (newest first, the first day without any mark that holds shards is the newest
 * complete one and stays), what they hold, and the deletes, as routes/prune.yaml drives them.
 */
class PruneJobTest {

    static final Instant NOW = Instant.parse("2015-01-11T00:45:00Z");

    final FakeSwift swift = new FakeSwift(NOW);
    final DayStore days = new DayStore(swift, swift.clock(), 3, 1000, 60);
    final StoreSweep store = new StoreSweep(swift, days, "content", Duration.ofHours(48), swift.clock());
    final PruneJob run = new PruneJob(new Retention(3), "UTC", swift.clock(), swift, days, store);
    final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    private void shard(String day, String file, int bytes) {
        swift.put(day, day + "/shards/" + file, new byte[bytes]);
    }

    private PruneJob.Plan plan() {
        run.start(exchange);
        run.plan(exchange);
        return exchange.getProperty(PruneJob.PLAN, PruneJob.Plan.class);
    }

    /** The route's steps after the plan: day by day, its objects and segments, then its containers. */
    private String prune(PruneJob.Plan plan) {
        for (PrunedDay day : plan.days()) {
            for (PrunedDay.Entry entry : run.beginDay(exchange, day)) {
                run.delete(exchange, entry);
            }
            run.deleteContainers(exchange, day);
        }
        return run.finish(exchange);
    }

    @Test
    void theNewestDayNotMarkedThatHoldsShardsIsTheNewestCompleteAndStays() {
        shard("2015-01-01", "meta.00", 5);
        shard("2015-01-02", "meta.00", 5);
        swift.put("2015-01-02_segments", "2015-01-02/shards/big.00/slo/1/2/1/00000000", new byte[1]);
        swift.createContainer("2015-01-09");
        shard("2015-01-10", "meta.00", 5);
        swift.setMetadata("2015-01-10", "X-Container-Meta-In-Progress-Backup", "backup 20150110T235500Z-abcd");
        swift.put("notes", "readme", "not a day");

        PruneJob.Plan plan = plan();

        assertEquals(Day.parse("2015-01-02"), exchange.getProperty(PruneJob.NEWEST_COMPLETE));
        assertEquals(List.of("2015-01-10", "2015-01-09", "2015-01-02"),
                swift.calls(CONTAINER_METADATA).stream().map(Call::container).toList(),
                "marked, then no shards, then complete: the search stops there");
        assertEquals(List.of(Day.parse("2015-01-01")), plan.days().stream().map(PrunedDay::day).toList(),
                "2015-01-02 is old but stays");

        prune(plan);
        assertTrue(swift.hasContainer("2015-01-02"));
        assertTrue(swift.hasContainer("2015-01-02_segments"));
        assertTrue(swift.hasContainer("notes"));
        assertEquals(List.of("2015-01-02", "2015-01-02_segments", "2015-01-09", "2015-01-10", "notes"),
                swift.list(null, null).stream().map(e -> e.get("name")).toList());
    }

    @Test
    void withoutAnyCompleteDayEveryOldDayGoesWithItsSegments() {
        swift.put("2015-01-01", "2015-01-01/shards/big.00", new byte[10], Map.of("slo_etag", "\"e\""));
        swift.put("2015-01-01_segments", "2015-01-01/shards/big.00/slo/1/10/5/00000000", new byte[5]);
        swift.put("2015-01-01_segments", "2015-01-01/shards/big.00/slo/1/10/5/00000001", new byte[5]);
        swift.put("2015-01-05_segments", "2015-01-05/shards/orphan/slo/1/3/3/00000000", new byte[3]);
        swift.setMetadata("2015-01-01", "X-Container-Meta-In-Progress", "backup of an earlier version");
        swift.createContainer("2015-01-08");

        PruneJob.Plan plan = plan();

        assertNull(exchange.getProperty(PruneJob.NEWEST_COMPLETE));
        assertEquals(List.of(Day.parse("2015-01-01"), Day.parse("2015-01-05")), plan.days().stream().map(PrunedDay::day).toList());
        String outcome = prune(plan);

        assertEquals(List.of("2015-01-08"), swift.list(null, null).stream().map(e -> e.get("name")).toList());
        assertEquals("Pruned 2 days: 4 objects and segments, 13 bytes\n", outcome,
                "the large object's manifest counts 0 bytes: its segments hold them");
        assertEquals("4 of 4 objects and segments deleted (13 B of 13 B)", plan.progress());
    }

    @Test
    void aPrunedDayIsMarkedBeforeAnythingGoes() {
        shard("2015-01-03", "meta.00", 5);
        shard("2015-01-10", "meta.00", 5);
        swift.before(FakeSwift.Op.DELETE, "2015-01-03/shards/meta.00", 1,
                () -> assertEquals(List.of("prune"), days.marks(Day.parse("2015-01-03")).stream()
                        .map(mark -> mark.split(" ")[0]).toList(), "a day pruned halfway is visibly incomplete"));

        prune(plan());

        assertEquals(1, swift.calls(FakeSwift.Op.DELETE).size());
    }

    @Test
    void theDryRunDescribesEachDayAndTheTotal() {
        swift.put("2015-01-03", "2015-01-03/shards/meta.00", new byte[5]);
        swift.put("2015-01-03", "2015-01-03/shards/big.00", new byte[32], Map.of("slo_etag", "\"e\""));
        swift.put("2015-01-03_segments", "s/1", new byte[16]);
        swift.put("2015-01-03_segments", "s/2", new byte[16]);
        shard("2015-01-10", "meta.00", 5);
        exchange.getMessage().setHeader(PruneJob.DRY_RUN_HEADER, true);

        plan();
        String text = run.describe(exchange);

        assertTrue(text.startsWith("retention.days = 3: today is 2015-01-11 (UTC), days before 2015-01-08 go\n"
                + "newest complete day: 2015-01-10\n"), text);
        assertTrue(text.contains("\n2015-01-03: 2 objects (5 bytes), 2 segments (32 bytes)\n"), text);
        assertTrue(text.endsWith("--dry-run: 1 day, 4 objects and segments, 37 bytes would go; nothing deleted\n"), text);
        assertEquals(List.of(), swift.calls(FakeSwift.Op.DELETE));
        assertEquals(List.of(), swift.calls(FakeSwift.Op.POST_CONTAINER_METADATA), "a dry run marks nothing");
    }

    @Test
    void anOldDaysLinksGoWithItAndItsContentStaysInTheStoreThroughTheGrace() {
        swift.put("content", "sha256/old", new byte[40]);
        swift.put("content", "sha256/kept", new byte[30]);
        link("2015-01-03", "sensu_db.autogen.00001.00", "sha256/old");
        link("2015-01-10", "sensu_db.autogen.00001.00", "sha256/kept");
        shard("2015-01-10", "meta.00", 5);

        PruneJob.Plan plan = plan();
        String text = run.describe(exchange);
        assertTrue(text.contains("\nstore content: 2 contents (70 bytes), 1 referenced by a day; 1 unreferenced within the grace,"
                + " kept: [sha256/old (since 2015-01-11T00:45:00Z)]\n"), text);
        for (PrunedDay day : plan.days()) {
            run.beginDay(exchange, day).forEach(entry -> run.delete(exchange, entry));
            run.deleteContainers(exchange, day);
        }
        run.sweepStore(exchange);

        assertTrue(!swift.hasContainer("2015-01-03"), "the day's links went with it");
        assertTrue(swift.exists("content", "sha256/old") && swift.exists("content", "sha256/kept"), "within the grace");
        assertTrue(swift.text("content", "unreferenced.json").contains("sha256/old"));
        swift.advance(Duration.ofHours(49));
        plan();
        run.sweepStore(exchange);
        assertEquals(List.of("sha256/kept", "unreferenced.json"), swift.names("content"));
        assertTrue(run.finish(exchange).contains("; from the store 1 unreferenced contents, 40 bytes"), run.finish(exchange));
    }

    private void link(String day, String file, String content) {
        swift.put(day, day + "/shards/" + file, new byte[0], Map.of("symlink_path", "/v1/AUTH_test/content/" + content,
                "symlink_bytes", 1, "symlink_etag", "e"));
    }

    @Test
    void anOldNewestCompleteDayIsSaidToStay() {
        shard("2015-01-02", "meta.00", 5);
        swift.createContainer("2015-01-10");

        plan();
        String text = run.describe(exchange);

        assertTrue(text.contains("\nnewest complete day: 2015-01-02 (older than that, but it stays)\n"), text);
        assertTrue(text.endsWith("0 days, 0 objects and segments, 0 bytes go\n"), text);
    }

    @Test
    void aContainerSomethingWasAddedToMeanwhileStaysAndIsCounted() {
        shard("2015-01-03", "meta.00", 5);
        swift.put("2015-01-03_segments", "2015-01-03/shards/big.00/slo/1/2/1/00000000", new byte[7]);
        shard("2015-01-10", "meta.00", 5);
        // a late backup writes into the day after it was listed
        swift.before(DELETE_CONTAINER, "2015-01-03", 1, () -> shard("2015-01-03", "late.00", 3));
        PruneJob.Plan plan = plan();

        String outcome = prune(plan);

        assertEquals("Pruned 1 day: 2 objects and segments, 12 bytes; containers left because something was added"
                + " meanwhile: [2015-01-03]\n", outcome);
        assertEquals(List.of("2015-01-03/shards/late.00"), swift.names("2015-01-03"), "it stays, with what it holds");
        assertTrue(!swift.hasContainer("2015-01-03_segments"));
        assertEquals(List.of("2015-01-03", "2015-01-03_segments"),
                swift.calls(DELETE_CONTAINER).stream().map(Call::container).toList());
    }

    @Test
    void retentionOffSaysSoAndTheDryRunFlagIsTaken() {
        PruneJob off = new PruneJob(null, "UTC", swift.clock(), swift, days, store);
        exchange.getMessage().setHeader(PruneJob.DRY_RUN_HEADER, true);
        off.start(exchange);
        assertEquals(true, exchange.getProperty(PruneJob.RETENTION_OFF));
        assertEquals(true, exchange.getProperty("dryRun"));
        assertEquals(PruneJob.OFF, exchange.getMessage().getBody());
        assertNull(exchange.getMessage().getHeader(PruneJob.DRY_RUN_HEADER), "the flag does not travel on");
    }
}
