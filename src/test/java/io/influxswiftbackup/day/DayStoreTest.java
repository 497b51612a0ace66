package io.influxswiftbackup.day;

import static io.influxswiftbackup.swift.FakeSwift.Op.CREATE_IF_ABSENT;
import static io.influxswiftbackup.swift.FakeSwift.Op.DELETE;
import static io.influxswiftbackup.swift.FakeSwift.Op.POST_CONTAINER_METADATA;
import static io.influxswiftbackup.swift.FakeSwift.Op.READ_SMALL;
import static io.influxswiftbackup.swift.FakeSwift.Op.WRITE_SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.LogLines;
import io.influxswiftbackup.day.DayManifest.Entry;
import io.influxswiftbackup.swift.FakeSwift;
import io.influxswiftbackup.swift.FakeSwift.Call;
import io.influxswiftbackup.swift.SwiftException;
import io.influxswiftbackup.swift.SwiftUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The manifest's commit protocol (lock, merge, write, read back, unlock, obsolete shards, mark) and the checks before a restore or download. */
class DayStoreTest {

    static final Instant NOW = Instant.parse("2016-06-12T00:31:00Z");
    static final Day DAY = Day.parse("2016-06-11");
    static final String D = "2016-06-11";
    static final String MANIFEST = "2016-06-11/manifest.json";
    static final String LOCK = "2016-06-11/manifest.lock";
    static final String SEGMENTS = "2016-06-11_segments";
    static final int LOCK_EXPIRY_SECONDS = 60;

    final FakeSwift swift = new FakeSwift(NOW);
    final AtomicInteger pauses = new AtomicInteger();
    final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** A store whose lock waits by moving the fake clock on, not by sleeping. */
    private DayStore store(int lockTries) {
        return store(lockTries, millis -> {
            pauses.incrementAndGet();
            swift.advance(Duration.ofMillis(millis));
        });
    }

    private DayStore store(int lockTries, ManifestLock.Pause pause) {
        return new DayStore(swift, swift.clock(), new ManifestLock.Settings(lockTries, 1000, LOCK_EXPIRY_SECONDS), pause);
    }

    static Entry shard(String file, String md5) {
        return new Entry(D + "/shards/" + file, 5, md5, "sha-" + md5, DayManifest.SHARD, null);
    }

    static Entry dump(String measurement, String md5) {
        return new Entry(D + "/influxdb/" + measurement + ".json", 7, md5, "sha-" + md5, DayManifest.DUMP, 3L);
    }

    private static byte[] manifestOf(String job, Entry... entries) {
        return DayManifest.of(DAY, NOW, job, job + " 20160611T235500Z-0a1b", List.of(entries)).toJson();
    }

    private DayManifest stored() {
        return DayManifest.parse(DAY, swift.bytes(D, MANIFEST));
    }

    private static int indexOf(List<Call> calls, FakeSwift.Op op, String name) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).op() == op && name.equals(calls.get(i).name() != null ? calls.get(i).name() : calls.get(i).container())) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<Call> calls, FakeSwift.Op op, String name) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).op() == op && name.equals(calls.get(i).name() != null ? calls.get(i).name() : calls.get(i).container())) {
                return i;
            }
        }
        return -1;
    }

    // --- commit --------------------------------------------------------------------------------------

    @Test
    void theCommitWritesTheRunsObjectsUnderTheLockAndClearsOnlyItsOwnMark() {
        swift.createContainer(D).setMetadata(D, "X-Container-Meta-In-Progress-Backup", "backup 20160611T235500Z-0a1b");
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "dump");
        assertTrue(run.mark().matches("dump 20160612T003100Z-[0-9a-f]{4}"), run.mark());
        days.mark(run);
        assertEquals(List.of("backup 20160611T235500Z-0a1b", run.mark()), days.marks(DAY));
        run.add(dump("cpu", "bb"));
        // while the manifest is written, the lock is there, the run's own, expiring by itself
        swift.before(WRITE_SMALL, MANIFEST, 1, () -> assertEquals(run.mark(), swift.text(D, LOCK)));

        DayManifest written = days.commit(run);

        assertEquals(List.of(dump("cpu", "bb")), written.objects());
        DayManifest stored = stored();
        assertEquals(List.of(dump("cpu", "bb")), stored.objects());
        assertEquals("dump", stored.job());
        assertEquals(run.mark(), stored.run());
        assertEquals(NOW.toString(), stored.written());
        assertEquals(List.of("backup 20160611T235500Z-0a1b"), days.marks(DAY), "the backup's mark stays");
        assertFalse(swift.exists(D, LOCK), "unlocked");
        assertEquals(1, swift.calls(WRITE_SMALL, MANIFEST).size());
        assertEquals(0, pauses.get());
        List<Call> calls = swift.calls();
        assertTrue(indexOf(calls, CREATE_IF_ABSENT, LOCK) < indexOf(calls, READ_SMALL, MANIFEST), "locked before the read");
        assertTrue(lastIndexOf(calls, READ_SMALL, MANIFEST) < indexOf(calls, DELETE, LOCK), "unlocked after the read-back");
        assertTrue(indexOf(calls, DELETE, LOCK) < lastIndexOf(calls, POST_CONTAINER_METADATA, D), "the mark goes last");
    }

    @Test
    void aBackupsCommitDeletesTheShardsTheManifestNoLongerListsAndTheirSegments() {
        swift.put(D, MANIFEST, manifestOf("backup", shard("meta.00", "a"), shard("sensu_db.autogen.00001.00", "b"),
                dump("cpu", "c")));
        swift.put(D, D + "/shards/meta.00", "old");
        swift.put(D, D + "/shards/sensu_db.autogen.00001.00", "old");
        swift.put(D, D + "/shards/20160611T235500Z.meta", "new");
        swift.put(D, D + "/influxdb/cpu.json", "dump");
        swift.put(SEGMENTS, D + "/shards/meta.00/slo/1465689300.000000/9/4/00000000", "seg");
        swift.put(SEGMENTS, D + "/shards/meta.00/slo/1465689300.000000/9/4/00000001", "seg");
        swift.put(SEGMENTS, D + "/shards/20160611T235500Z.meta/slo/1465689300.000000/9/4/00000000", "seg");
        // another name that merely starts like an obsolete one, and a dump's segment
        swift.put(SEGMENTS, D + "/shards/meta.000/slo/1465689300.000000/9/4/00000000", "seg");
        swift.put(SEGMENTS, D + "/influxdb/cpu.json/slo/1465689300.000000/9/4/00000000", "seg");
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "backup");
        days.mark(run);
        run.add(shard("20160611T235500Z.meta", "e"));

        days.commit(run);

        assertEquals(List.of(dump("cpu", "c"), shard("20160611T235500Z.meta", "e")), stored().objects(),
                "a re-run in the other format: the old shard entries leave the manifest");
        assertEquals(List.of(D + "/influxdb/cpu.json", MANIFEST, D + "/shards/20160611T235500Z.meta"), swift.names(D));
        assertEquals(List.of(D + "/influxdb/cpu.json/slo/1465689300.000000/9/4/00000000",
                D + "/shards/20160611T235500Z.meta/slo/1465689300.000000/9/4/00000000",
                D + "/shards/meta.000/slo/1465689300.000000/9/4/00000000"), swift.names(SEGMENTS));
        List<Call> calls = swift.calls();
        assertTrue(lastIndexOf(calls, WRITE_SMALL, MANIFEST) < indexOf(calls, DELETE, D + "/shards/meta.00"),
                "nothing goes before the manifest that no longer lists it is written");
        assertTrue(lastIndexOf(calls, DELETE, D + "/shards/meta.00/slo/1465689300.000000/9/4/00000001")
                < lastIndexOf(calls, POST_CONTAINER_METADATA, D), "the day stays marked until the obsolete objects are gone");
        assertEquals(List.of(), days.marks(DAY));
    }

    @Test
    void aLargeObjectReplacedByALinkToStoredOnceContentLeavesNoSegmentsBehind() {
        String big = D + "/shards/sensu_db.autogen.00001.00";
        // a forced re-run with content stored once: the plain large object became a link of the same name
        swift.put(D, big, new byte[0], Map.of("symlink_path", "/v1/AUTH_test/store/sha256/aa", "symlink_bytes", 9,
                "symlink_etag", "e"));
        swift.put(SEGMENTS, big + "/slo/1465689300.000000/9/4/00000000", "seg");
        swift.put(SEGMENTS, big + "/slo/1465689300.000000/9/4/00000001", "seg");
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "backup");
        run.add(new DayManifest.Entry(big, 9, "e", "s", DayManifest.SHARD, null, "store/sha256/aa", false));

        days.commit(run);

        assertEquals(List.of(MANIFEST, big), swift.names(D), "the link stays");
        assertEquals(List.of(), swift.names(SEGMENTS), "the old large object's segments go");
    }

    @Test
    void aDumpsCommitDeletesNothing() {
        swift.put(D, D + "/shards/meta.00", "not in any manifest");
        swift.put(D, D + "/influxdb/mem.json", "not in any manifest");
        swift.put(D, D + "/influxdb/cpu.json", "dump");
        swift.put(SEGMENTS, D + "/shards/meta.00/slo/1465689300.000000/9/4/00000000", "seg");
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "dump");
        run.add(dump("cpu", "bb"));

        days.commit(run);

        assertEquals(List.of(D + "/influxdb/cpu.json", D + "/influxdb/mem.json", MANIFEST, D + "/shards/meta.00"), swift.names(D));
        assertEquals(1, swift.names(SEGMENTS).size());
        assertEquals(List.of(LOCK), swift.calls(DELETE).stream().map(Call::name).toList(), "only its lock");
    }

    // --- the lock ------------------------------------------------------------------------------------

    @Test
    void aHeldLockMakesTheCommitWaitUntilTheOtherRunHasWrittenAndReleasedIt() throws Exception {
        swift.createContainer(D);
        CountDownLatch backupWriting = new CountDownLatch(1);
        CountDownLatch dumpWaiting = new CountDownLatch(1);
        // the backup holds the lock, in the middle of its write, until the dump has found the lock taken
        swift.before(WRITE_SMALL, MANIFEST, 1, () -> {
            backupWriting.countDown();
            await(dumpWaiting);
        });
        DayStore days = store(5, millis -> {
            pauses.incrementAndGet();
            dumpWaiting.countDown();
            try {
                swift.awaitGone(D, LOCK, Duration.ofSeconds(10));
            } catch (TimeoutException e) {
                throw new AssertionError(e);
            }
        });
        DayWrite backup = days.begin(DAY, "backup");
        backup.add(shard("meta.00", "a"));
        DayWrite dump = days.begin(DAY, "dump");
        dump.add(dump("cpu", "b"));

        try (LogLines log = new LogLines(ManifestLock.class)) {
            Future<DayManifest> backupCommit = threads.submit(() -> days.commit(backup));
            await(backupWriting);
            Future<DayManifest> dumpCommit = threads.submit(() -> days.commit(dump));
            backupCommit.get(10, TimeUnit.SECONDS);
            DayManifest last = dumpCommit.get(10, TimeUnit.SECONDS);

            assertEquals(List.of(dump("cpu", "b"), shard("meta.00", "a")), last.objects());
            assertEquals(List.of(dump("cpu", "b"), shard("meta.00", "a")), stored().objects(), "both runs' objects");
            assertEquals(1, pauses.get());
            assertEquals(1, log.containing("Waiting for 2016-06-11/manifest.lock").size(), log.all().toString());
        }
        List<Call> calls = swift.calls();
        assertEquals(3, swift.calls(CREATE_IF_ABSENT, LOCK).size(), "the backup's, the dump's refused and its second");
        assertTrue(indexOf(calls, DELETE, LOCK) < lastIndexOf(calls, CREATE_IF_ABSENT, LOCK), "taken once released");
        assertEquals(2, swift.calls(WRITE_SMALL, MANIFEST).size(), "one after the other: no write again");
        assertFalse(swift.exists(D, LOCK));
    }

    @Test
    void whileTheLockIsHeldTheRunTriesAgainAndSaysSoOnce() throws Exception {
        swift.put(D, LOCK, "backup 20160611T235500Z-0a1b");
        DayStore days = store(5, millis -> {
            if (pauses.incrementAndGet() == 3) {
                swift.delete(D, LOCK);
            }
        });
        DayWrite run = days.begin(DAY, "dump");
        run.add(dump("cpu", "b"));

        try (LogLines log = new LogLines(ManifestLock.class)) {
            days.commit(run);
            assertEquals(List.of("INFO Waiting for 2016-06-11/manifest.lock: another run is writing the manifest of day"
                    + " 2016-06-11 (trying every 1000 ms, 5 tries)"), log.containing("Waiting for"));
        }
        assertEquals(3, pauses.get());
        assertEquals(4, swift.calls(CREATE_IF_ABSENT, LOCK).size());
        assertEquals(List.of(dump("cpu", "b")), stored().objects());
    }

    @Test
    void aLockNeverReleasedFailsTheCommitAfterTheTriesAndStaysTheOtherRuns() {
        swift.put(D, LOCK, "backup 20160611T235500Z-0a1b");
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "dump");
        days.mark(run);
        run.add(dump("cpu", "b"));

        SwiftException failed = assertThrows(SwiftException.class, () -> days.commit(run));

        assertEquals("cannot write the manifest of day 2016-06-11: 2016-06-11/manifest.lock is held by another run (a backup"
                + " or dump of the same day writing its manifest) after 3 tries 1000 ms apart; a lock left by a killed run"
                + " expires by itself (manifest.lock-expiry-seconds)", failed.getMessage());
        assertEquals(2, pauses.get());
        assertEquals(3, swift.calls(CREATE_IF_ABSENT, LOCK).size());
        assertEquals("backup 20160611T235500Z-0a1b", swift.text(D, LOCK), "a lock it never held is not deleted");
        assertEquals(List.of(), swift.calls(DELETE));
        assertEquals(List.of(), swift.calls(WRITE_SMALL));
        assertEquals(List.of(run.mark()), days.marks(DAY), "the day stays marked");
    }

    @Test
    void aLockLeftByAKilledRunIsTakenOnceItsDeleteAfterHasPassed() {
        swift.createContainer(D);
        assertTrue(swift.createIfAbsent(D, LOCK, "backup killed".getBytes(StandardCharsets.UTF_8), LOCK_EXPIRY_SECONDS));
        swift.advance(Duration.ofSeconds(LOCK_EXPIRY_SECONDS - 1));
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "dump");
        run.add(dump("cpu", "b"));

        days.commit(run);

        assertEquals(1, pauses.get(), "held one second more: refused once, then taken");
        assertEquals(3, swift.calls(CREATE_IF_ABSENT, LOCK).size());
        assertEquals(List.of(dump("cpu", "b")), stored().objects());
        assertFalse(swift.exists(D, LOCK));
    }

    // --- concurrent writers --------------------------------------------------------------------------

    @Test
    void aManifestReplacedByAnotherWriterBeforeTheReadBackIsMergedAndWrittenAgain() {
        swift.createContainer(D);
        // the other writer read the manifest before this run's write, and wrote it after
        swift.before(READ_SMALL, MANIFEST, 2, () -> swift.put(D, MANIFEST, manifestOf("backup", shard("meta.00", "a"))));
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "dump");
        run.add(dump("cpu", "b"));

        try (LogLines log = new LogLines(DayStore.class)) {
            DayManifest written = days.commit(run);
            assertEquals(List.of(dump("cpu", "b"), shard("meta.00", "a")), written.objects());
            assertEquals(1, log.containing("WARN The manifest of day 2016-06-11 read back lacks objects of this run").size());
        }
        assertEquals(List.of(dump("cpu", "b"), shard("meta.00", "a")), stored().objects(), "both writers' objects");
        assertEquals(2, swift.calls(WRITE_SMALL, MANIFEST).size());
        assertFalse(swift.exists(D, LOCK));
    }

    @Test
    void aReadBackThatNeverShowsTheRunsObjectsFailsAfterThreeWritesAndUnlocks() {
        swift.createContainer(D);
        swift.before(READ_SMALL, MANIFEST, n -> n % 2 == 0, () -> swift.put(D, MANIFEST, manifestOf("backup", shard("meta.00", "a"))));
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "dump");
        days.mark(run);
        run.add(dump("cpu", "b"));

        SwiftException failed = assertThrows(SwiftException.class, () -> days.commit(run));

        assertEquals("the manifest of day 2016-06-11 still lacks objects of this run after 3 writes (another run writes it"
                + " at the same time?): 2016-06-11/influxdb/cpu.json", failed.getMessage());
        assertEquals(3, swift.calls(WRITE_SMALL, MANIFEST).size());
        assertFalse(swift.exists(D, LOCK), "unlocked");
        assertEquals(List.of(run.mark()), days.marks(DAY), "the day stays marked");
    }

    @Test
    void theLockIsReleasedWhenTheWriteFails() {
        swift.put(D, D + "/shards/meta.00", "obsolete, but only once the manifest is written");
        SwiftUnavailableException unavailable = new SwiftUnavailableException("upload of " + MANIFEST + ": Swift answered 503");
        swift.before(WRITE_SMALL, MANIFEST, 1, () -> {
            throw unavailable;
        });
        DayStore days = store(3);
        DayWrite run = days.begin(DAY, "backup");
        days.mark(run);
        run.add(shard("20160611T235500Z.meta", "e"));

        assertSame(unavailable, assertThrows(SwiftUnavailableException.class, () -> days.commit(run)));

        assertFalse(swift.exists(D, LOCK));
        assertEquals(1, swift.calls(DELETE, LOCK).size());
        assertTrue(swift.exists(D, D + "/shards/meta.00"));
        assertEquals(List.of(run.mark()), days.marks(DAY), "the day stays marked");
        assertNull(swift.bytes(D, MANIFEST));
    }

    // --- before a restore or download ----------------------------------------------------------------

    @Test
    void aMarkedDayIsRefusedForARestoreAndADownloadUnlessForced() {
        swift.put(D, MANIFEST, manifestOf("backup", shard("meta.00", "a"), dump("cpu", "c")));
        swift.setMetadata(D, "X-Container-Meta-In-Progress-Dump", "dump 20160612T003000Z-beef");
        swift.setMetadata(D, "x-container-meta-in-progress-backup", "backup 20160611T235500Z-0a1b");
        DayStore days = store(3);

        DayIncompleteException restore = assertThrows(DayIncompleteException.class,
                () -> days.check(DAY, DayManifest.SHARD, false, "restore"));
        assertEquals("day 2016-06-11 is incomplete: container 2016-06-11 is still marked in progress"
                + " (backup 20160611T235500Z-0a1b, dump 20160612T003000Z-beef); restore it anyway with --force", restore.getMessage());
        DayIncompleteException download = assertThrows(DayIncompleteException.class,
                () -> days.check(DAY, DayManifest.DUMP, false, "download"));
        assertEquals("day 2016-06-11 is incomplete: still marked in progress (backup 20160611T235500Z-0a1b,"
                + " dump 20160612T003000Z-beef); its dump files are not downloaded (use --force to download them anyway)",
                download.getMessage());

        try (LogLines log = new LogLines(DayStore.class)) {
            DayCheck forced = days.check(DAY, DayManifest.SHARD, true, "restore");
            assertEquals(List.of("backup 20160611T235500Z-0a1b", "dump 20160612T003000Z-beef"), forced.marks());
            assertEquals(Map.of(D + "/shards/meta.00", shard("meta.00", "a")), forced.expected());
            assertTrue(forced.force());
            assertEquals(1, log.containing("WARN Day 2016-06-11 is incomplete").size(), log.all().toString());
        }
    }

    @Test
    void aCompleteDayIsCheckedAgainstItsManifestAndOneWithoutManifestIsTaken() {
        swift.put(D, MANIFEST, manifestOf("backup", shard("meta.00", "a"), dump("cpu", "c")));
        swift.put("2016-06-10", "2016-06-10/shards/meta.00", "runbook day");
        DayStore days = store(3);

        DayCheck complete = days.check(DAY, DayManifest.DUMP, false, "download");
        assertEquals(List.of(), complete.marks());
        assertEquals(Map.of(D + "/influxdb/cpu.json", dump("cpu", "c")), complete.expected());

        DayCheck runbook = days.check(Day.parse("2016-06-10"), DayManifest.SHARD, false, "restore");
        assertNull(runbook.manifest());
        assertNull(runbook.expected());
        assertNull(runbook.expected("2016-06-10/shards/meta.00"));
        runbook.requireListingMatches(List.of(Map.of("name", "anything", "bytes", 1, "hash", "x")));
        runbook.requireDownloadMatches("2016-06-10/shards/meta.00", 11, "any");
    }

    @Test
    void theListingMustMatchTheManifestInSizeMd5AndNames() {
        DayManifest manifest = DayManifest.parse(DAY, manifestOf("backup", shard("meta.00", "aa"), shard("big.00", "b1"),
                shard("sized.00", "cc"), shard("gone.00", "dd"), dump("cpu", "ee")));
        List<Map<String, Object>> listing = List.of(
                Map.of("name", D + "/shards/meta.00", "bytes", 5, "hash", "AA"),
                Map.of("name", D + "/shards/big.00", "bytes", 5, "hash", "not-the-md5", "slo_etag", "\"e\""),
                Map.of("name", D + "/shards/sized.00", "bytes", 6, "hash", "cc"),
                Map.of("name", D + "/shards/extra.00", "bytes", 1, "hash", "ff"));
        DayCheck check = new DayCheck(DAY, DayManifest.SHARD, List.of(), manifest, false);

        SwiftException refused = assertThrows(SwiftException.class, () -> check.requireListingMatches(listing));
        assertEquals("day 2016-06-11 does not match its manifest: 2016-06-11/shards/sized.00 has 6 bytes, the manifest says 5;"
                + " 2016-06-11/shards/extra.00 is not in the manifest; 2016-06-11/shards/gone.00 is in the manifest but not in"
                + " Swift", refused.getMessage(), "a large object's listed hash is not its MD5: not compared");

        List<Map<String, Object>> changed = List.of(Map.of("name", D + "/shards/meta.00", "bytes", 5, "hash", "ab"));
        DayCheck onlyMeta = new DayCheck(DAY, DayManifest.SHARD, List.of(),
                DayManifest.parse(DAY, manifestOf("backup", shard("meta.00", "aa"))), false);
        assertEquals(List.of("2016-06-11/shards/meta.00 has MD5 ab, the manifest says aa"), onlyMeta.problems(changed));

        try (LogLines log = new LogLines(DayCheck.class)) {
            new DayCheck(DAY, DayManifest.SHARD, List.of(), manifest, true).requireListingMatches(listing);
            assertEquals(1, log.containing("WARN Day 2016-06-11 does not match its manifest").size());
        }
    }

    @Test
    void aDownloadMustMatchItsManifestEntry() {
        DayCheck check = new DayCheck(DAY, DayManifest.SHARD, List.of(),
                DayManifest.parse(DAY, manifestOf("backup", shard("meta.00", "aa"))), false);
        check.requireDownloadMatches(D + "/shards/meta.00", 5, "sha-aa");
        check.requireDownloadMatches(D + "/shards/unlisted.00", 9, "x");
        assertEquals("download of 2016-06-11/shards/meta.00 does not match the day's manifest: SHA-256 of the bytes received"
                + " is 5b, the manifest says sha-aa", assertThrows(SwiftException.class,
                        () -> check.requireDownloadMatches(D + "/shards/meta.00", 5, "5b")).getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "no other run came");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aLinkWhoseTargetIsGoneOrHoldsOtherBytesIsNamedBeforeAnythingIsDownloaded() {
        swift.put("store", "sha256/aa", "content a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String md5 = FakeSwift.md5("content a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Object> good = link("sensu_db.autogen.00001.00", "sha256/aa", 9, md5);
        Map<String, Object> gone = link("sensu_db.autogen.00002.00", "sha256/bb", 9, md5);
        Map<String, Object> changed = link("sensu_db.autogen.00003.00", "sha256/aa", 9, "0123");
        Map<String, Object> plain = Map.of("name", D + "/shards/meta.00", "bytes", 5L, "hash", "ab");
        DayCheck check = store(1).check(DAY, DayManifest.SHARD, false, "restore");

        assertEquals(List.of(), check.problems(List.of(good, plain)));
        assertEquals(List.of(D + "/shards/sensu_db.autogen.00002.00 links to store/sha256/bb, which is not in Swift",
                D + "/shards/sensu_db.autogen.00003.00 links to store/sha256/aa, which Swift holds with other bytes (9 bytes, ETag "
                        + md5 + "; the link is pinned to 9 bytes, ETag 0123)"), check.problems(List.of(good, gone, changed)));
        SwiftException refused = assertThrows(SwiftException.class, () -> check.requireListingMatches(List.of(good, gone)));
        assertTrue(refused.getMessage().startsWith("day 2016-06-11 has broken links: " + D + "/shards/sensu_db.autogen.00002.00"),
                refused.getMessage());
        int listings = swift.calls(FakeSwift.Op.LIST, "store").size();
        check.problems(List.of(good, gone, changed));
        assertEquals(listings + 1, swift.calls(FakeSwift.Op.LIST, "store").size(), "one listing of the store for all links");
    }

    @Test
    void aLinkToALargeObjectMissingASegmentIsNamed() {
        swift.put("store", "sha256/big", "[manifest]".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("bytes", 8L, "slo_etag", "\"slo\""));
        String manifestMd5 = FakeSwift.md5("[manifest]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        swift.put("store_segments", "sha256/big/slo/1.000000/8/4/00000000", "abcd");
        Map<String, Object> big = new java.util.HashMap<>(link("sensu_db.autogen.00001.00", "sha256/big", 8, manifestMd5));
        big.put("slo_etag", "\"slo\"");
        DayCheck check = store(1).check(DAY, DayManifest.SHARD, false, "restore");

        assertEquals(List.of(D + "/shards/sensu_db.autogen.00001.00 links to store/sha256/big, a large object of 8 bytes whose"
                + " segments hold 4 bytes: a segment is missing"), check.problems(List.of(big)));
        swift.put("store_segments", "sha256/big/slo/1.000000/8/4/00000001", "efgh");
        assertEquals(List.of(), check.problems(List.of(big)));
    }

    private static Map<String, Object> link(String file, String target, long bytes, String etag) {
        return Map.of("name", D + "/shards/" + file, "bytes", 0L, "hash", "d41d8cd98f00b204e9800998ecf8427e",
                "symlink_path", "/v1/AUTH_test/store/" + target, "symlink_bytes", bytes, "symlink_etag", etag);
    }
}
