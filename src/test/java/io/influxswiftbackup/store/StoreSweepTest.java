package io.influxswiftbackup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayManifest.Entry;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.swift.FakeSwift;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sweep of the content store on an in-memory Swift: content referenced by a day (its manifest, or
 * a link of a day in progress) stays; content no day references is recorded, kept through the grace,
 * then deleted with its segments; content referenced again leaves the record.
 */
class StoreSweepTest {

    static final String STORE = "store";
    static final Day D1 = Day.parse("2016-06-10");
    static final Day D2 = Day.parse("2016-06-11");
    static final String A = "sha256/aaaa";
    static final String B = "sha256/bbbb";
    static final String C = "sha256/cccc";

    final FakeSwift swift = new FakeSwift(Instant.parse("2016-06-12T00:45:00Z"));
    final DayStore days = new DayStore(swift, swift.clock(), 3, 1000, 60);
    final StoreSweep sweep = new StoreSweep(swift, days, STORE, Duration.ofHours(48), swift.clock());

    @BeforeEach
    void aStoreWithThreeContents() {
        swift.put(STORE, A, bytes("content a"));
        swift.put(STORE, B, bytes("content b"));
        // C is a large object: its manifest counts nothing, its two segments hold its bytes
        swift.put(STORE, C, bytes("[manifest]"), Map.of("slo_etag", "\"etag-c\""));
        swift.put(STORE + "_segments", C + "/slo/1.000000/8/4/00000000", bytes("cccc"));
        swift.put(STORE + "_segments", C + "/slo/1.000000/8/4/00000001", bytes("dddd"));
        // D1 is complete: its manifest references A
        swift.put(D1.container(), D1.manifestObject(), DayManifest.of(D1, swift.now(), "backup", "r1",
                List.of(linked(D1, "sensu_db.autogen.00001.00", A))).toJson());
        // D2 is a backup in progress: a link to B, no manifest yet
        link(D2, "sensu_db.autogen.00002.00", B);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Entry linked(Day day, String file, String content) {
        return new Entry(day.shardObject(file), 9, "md5", "sha", DayManifest.SHARD, null, STORE + "/" + content, true);
    }

    private void link(Day day, String file, String content) {
        swift.put(day.container(), day.shardObject(file), new byte[0], Map.of("symlink_path", "/v1/AUTH_test/" + STORE + "/"
                + content, "symlink_bytes", 9, "symlink_etag", "md5"));
    }

    private List<String> names(List<StoreSweep.Unreferenced> contents) {
        return contents.stream().map(StoreSweep.Unreferenced::name).toList();
    }

    @Test
    void contentNoDayReferencesIsKeptThroughTheGraceThenDeletedWithItsSegments() {
        StoreSweep.Plan first = sweep.plan(List.of(D1, D2));
        assertEquals(3, first.contents());
        assertEquals(2, first.referenced(), "A by D1's manifest, B by D2's link");
        assertEquals(List.of(C), names(first.waiting()));
        assertEquals(List.of(), first.due());
        assertEquals(8, first.waiting().get(0).bytes(), "a large object's bytes are its segments'");
        sweep.apply(first);
        assertTrue(swift.exists(STORE, C), "within the grace: kept");
        assertTrue(swift.text(STORE, StoreSweep.RECORD).contains("\"" + C + "\" : \"2016-06-12T00:45:00Z\""),
                swift.text(STORE, StoreSweep.RECORD));

        swift.advance(Duration.ofHours(47));
        StoreSweep.Plan later = sweep.plan(List.of(D1, D2));
        assertEquals(List.of(C), names(later.waiting()), "the grace counts from when it was first found unreferenced");
        sweep.apply(later);
        assertTrue(swift.exists(STORE, C));

        swift.advance(Duration.ofHours(1));
        StoreSweep.Plan due = sweep.plan(List.of(D1, D2));
        assertEquals(List.of(C), names(due.due()));
        sweep.apply(due);
        assertFalse(swift.exists(STORE, C));
        assertEquals(List.of(), swift.names(STORE + "_segments"));
        assertTrue(swift.exists(STORE, A) && swift.exists(STORE, B), "referenced content stays");
        assertEquals("{ }", swift.text(STORE, StoreSweep.RECORD));
    }

    @Test
    void contentReferencedAgainLeavesTheRecord() {
        sweep.apply(sweep.plan(List.of(D1, D2)));
        link(D2, "sensu_db.autogen.00003.00", C);
        swift.advance(Duration.ofHours(49));
        StoreSweep.Plan plan = sweep.plan(List.of(D1, D2));
        assertEquals(3, plan.referenced());
        sweep.apply(plan);
        assertTrue(swift.exists(STORE, C));
        assertEquals("{ }", swift.text(STORE, StoreSweep.RECORD));

        // unreferenced once more later: its grace starts again
        swift.delete(D2.container(), D2.shardObject("sensu_db.autogen.00003.00"));
        swift.advance(Duration.ofHours(1));
        StoreSweep.Plan again = sweep.plan(List.of(D1, D2));
        assertEquals(swift.now(), again.waiting().get(0).since());
    }

    @Test
    void thePlanForTheDaysThatStayCountsTheirReferencesOnlyAndChangesNothing() {
        StoreSweep.Plan withoutD1 = sweep.plan(List.of(D2));
        assertEquals(List.of(A, C), names(withoutD1.waiting()), "A is D1's only");
        assertEquals(null, swift.text(STORE, StoreSweep.RECORD), "a plan writes nothing");
        assertTrue(withoutD1.describe(STORE, true).contains("2 unreferenced within the grace, kept"), withoutD1.describe(STORE, true));

        StoreSweep now = new StoreSweep(swift, days, STORE, Duration.ZERO, swift.clock());
        StoreSweep.Plan noGrace = now.plan(List.of(D2));
        assertEquals(List.of(A, C), names(noGrace.due()));
        assertTrue(noGrace.describe(STORE, true).contains("would go: [" + A + ", " + C + "]"), noGrace.describe(STORE, true));
    }

    @Test
    void anUnreadableRecordStartsTheGraceAgain() {
        swift.put(STORE, StoreSweep.RECORD, "not json");
        swift.advance(Duration.ofDays(30));
        StoreSweep.Plan plan = sweep.plan(List.of(D1, D2));
        assertEquals(List.of(), plan.due());
        assertEquals(swift.now(), plan.waiting().get(0).since());
    }
}
