package io.influxswiftbackup.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.Retention;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * The search for the newest complete day, as routes/prune.yaml drives it: newest first, each day's
 * in-progress mark and one name of its D/shards/, until a day has no mark and holds shards.
 */
class PruneRunTest {

    static final Clock AT = Clock.fixed(Instant.parse("2015-01-11T00:45:00Z"), ZoneOffset.UTC);
    static final Map<String, Object> SHARD = Map.of("name", "x/shards/meta.00", "bytes", 5);

    private final PruneRun run = new PruneRun(new Retention(3), "UTC", AT);
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    private static List<Map<String, Object>> account(String... names) {
        List<Map<String, Object>> listing = new ArrayList<>();
        for (String name : names) {
            listing.add(Map.of("name", name, "count", 1, "bytes", 1));
        }
        return listing;
    }

    /** Answers the route's two calls for the day named by property container; returns the days looked at. */
    private List<String> search(Map<String, String> marks, List<String> withShards) {
        List<String> looked = new ArrayList<>();
        while (exchange.getProperty("container") != null) {
            String day = exchange.getProperty("container", String.class);
            looked.add(day);
            exchange.setProperty(DayManifest.DAY_MARKS, marks.containsKey(day) ? List.of(marks.get(day)) : List.of());
            run.noteChecked(exchange, withShards.contains(day) ? List.of(SHARD) : List.of());
        }
        return looked;
    }

    @Test
    void theNewestDayThatIsNotMarkedAndHoldsShardsIsTheNewestCompleteAndTheSearchStopsThere() {
        run.noteContainers(exchange, account("2015-01-01", "2015-01-02", "2015-01-02_segments", "2015-01-09", "2015-01-10",
                "notes"));
        List<String> looked = search(Map.of("2015-01-10", "backup 20150110T235500Z-abcd"),
                List.of("2015-01-01", "2015-01-02", "2015-01-10"));
        assertEquals(List.of("2015-01-10", "2015-01-09", "2015-01-02"), looked, "marked, then no shards, then complete");
        assertEquals(Day.parse("2015-01-02"), exchange.getProperty(PruneRun.NEWEST_COMPLETE));
        assertEquals(List.of("2015-01-01"), run.choose(exchange), "the old days' containers to list; 2015-01-02 stays");
    }

    @Test
    void withoutAnyCompleteDayEveryOldDayGoesWithItsSegments() {
        run.noteContainers(exchange, account("2015-01-01", "2015-01-01_segments", "2015-01-05_segments", "2015-01-08"));
        search(Map.of(), List.of());
        assertNull(exchange.getProperty(PruneRun.NEWEST_COMPLETE));
        assertEquals(List.of("2015-01-01", "2015-01-01_segments", "2015-01-05_segments"), run.choose(exchange));
    }

    @Test
    void theDryRunDescribesEachDayAndTheTotal() {
        run.noteContainers(exchange, account("2015-01-03", "2015-01-03_segments", "2015-01-10"));
        search(Map.of(), List.of("2015-01-10"));
        exchange.setProperty("dryRun", true);
        for (String container : run.choose(exchange)) {
            exchange.setProperty("container", container);
            run.noteListing(exchange, container.endsWith("_segments")
                    ? List.of(Map.of("name", "s/1", "bytes", 16), Map.of("name", "s/2", "bytes", 16))
                    : List.of(Map.of("name", "2015-01-03/shards/meta.00", "bytes", 5),
                            Map.of("name", "2015-01-03/shards/big.00", "bytes", 32, "slo_etag", "\"e\"")));
        }
        String text = run.describe(exchange);
        assertTrue(text.startsWith("retention.days = 3: today is 2015-01-11 (UTC), days before 2015-01-08 go\n"
                + "newest complete day: 2015-01-10\n"), text);
        assertTrue(text.contains("\n2015-01-03: 2 objects (5 bytes), 2 segments (32 bytes)\n"), text);
        assertTrue(text.endsWith("--dry-run: 1 day, 4 objects and segments, 37 bytes would go; nothing deleted\n"), text);
    }
}
