package io.influxswiftbackup.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The share of objects a --read-data PERCENT run reads: consecutive runs read every object once. */
class ReadRotationTest {

    static final List<String> NAMES = IntStream.range(1, 400)
            .mapToObj(i -> String.format("2016-06-11/shards/sensu_db.autogen.%05d.00", i)).toList();

    @Test
    void asManyRunsInARowAsGroupsReadEveryObjectExactlyOnceWhateverRunTheyStartAt() {
        for (int percent : new int[] {50, 10, 30, 1}) {
            int groups = new ReadRotation(percent, 0).groups();
            assertEquals((int) Math.ceil(100.0 / percent), groups);
            for (long start : new long[] {0, 7, 1_000_003}) {
                List<String> read = new ArrayList<>();
                for (long run = start; run < start + groups; run++) {
                    ReadRotation rotation = new ReadRotation(percent, run);
                    NAMES.stream().filter(rotation::reads).forEach(read::add);
                }
                assertEquals(NAMES.size(), read.size(), percent + "%: each object once");
                assertEquals(new HashSet<>(NAMES), new HashSet<>(read), percent + "%: every object");
            }
        }
    }

    @Test
    void eachRunReadsAboutItsShareOfNamesThatDifferInOneCharacter() {
        ReadRotation tenth = new ReadRotation(10, 3);
        long read = NAMES.stream().filter(tenth::reads).count();
        assertTrue(read > NAMES.size() / 20 && read < NAMES.size() / 5, read + " of " + NAMES.size());
    }

    @Test
    void allOrNothingAndTheBounds() {
        assertTrue(NAMES.stream().allMatch(new ReadRotation(100, 5)::reads));
        assertFalse(new ReadRotation(100, 5).partial());
        assertTrue(NAMES.stream().noneMatch(new ReadRotation(0, 5)::reads));
        assertThrows(IllegalArgumentException.class, () -> new ReadRotation(101, 0));
    }

    @Test
    void theRunNumberIsKeptInWorkDirAndGoesUpAfterAPartialRun(@TempDir Path workDir) throws Exception {
        assertEquals(0, ReadRotation.next(workDir));
        ReadRotation.advance(workDir, 0);
        assertEquals(1, ReadRotation.next(workDir));
        ReadRotation.advance(workDir, 41);
        assertEquals(42, ReadRotation.next(workDir));
        assertEquals(Set.of("verify-rotation"), Set.of(ReadRotation.file(workDir).getFileName().toString()));
    }
}
