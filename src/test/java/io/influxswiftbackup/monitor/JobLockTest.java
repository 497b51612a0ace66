package io.influxswiftbackup.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLockTest {

    @TempDir
    Path dir;

    @Test
    void oneHolderAtATimeWhoNamesItselfAndTheLockIsFreeOnceReleased() throws Exception {
        Path file = JobLock.file(dir, "backup");
        assertEquals(dir.resolve("locks/backup.lock"), file);
        Instant since = Instant.parse("2016-06-11T23:55:00Z");
        try (JobLock first = JobLock.tryAcquire(file, since)) {
            assertNotNull(first);
            assertNull(JobLock.tryAcquire(file, since), "a second run of the job is refused");
            assertEquals("pid " + ProcessHandle.current().pid() + " since 2016-06-11T23:55:00Z", JobLock.holder(file));
            try (JobLock other = JobLock.tryAcquire(JobLock.file(dir, "dump"), since)) {
                assertNotNull(other, "another job has its own lock");
            }
        }
        try (JobLock again = JobLock.tryAcquire(file, since.plusSeconds(60))) {
            assertNotNull(again);
            assertEquals("pid " + ProcessHandle.current().pid() + " since 2016-06-11T23:56:00Z", JobLock.holder(file));
        }
    }

    @Test
    void aLockNobodyWroteIsHeldByAnUnknownPid() {
        assertEquals("pid unknown", JobLock.holder(dir.resolve("nothing.lock")));
    }
}
