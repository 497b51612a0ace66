package io.influxswiftbackup.catchup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.monitor.JobState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MissedBackupsTest {

    @TempDir
    Path work;

    static CatchUpPlan.Missed missed(String day) {
        return new CatchUpPlan.Missed(Day.parse(day), Instant.parse(day + "T23:55:00Z"));
    }

    static JobState succeeded(String startedAt) {
        return new JobState("backup", JobState.SUCCESS, new JobState.Run("d", startedAt, startedAt, 0, 0, 0, null, null), null, null);
    }

    @Test
    void missedBackupsStayUntilALaterBackupSucceeds() throws Exception {
        JobState before = succeeded("2014-03-03T23:55:01Z");
        MissedBackups.record(work, before, List.of(missed("2014-03-05")));
        MissedBackups.record(work, before, List.of(missed("2014-03-04"), missed("2014-03-05")));
        assertEquals(List.of(missed("2014-03-04"), missed("2014-03-05")), MissedBackups.outstanding(work, before),
                "each day once, in order");
        assertEquals("missed the backup of 2014-03-04, 2014-03-05 (the process was down at its hour; it cannot be made up)",
                MissedBackups.describe(MissedBackups.outstanding(work, before)));
        assertEquals(List.of(missed("2014-03-05")), MissedBackups.outstanding(work, succeeded("2014-03-05T10:00:00Z")));
        assertEquals(List.of(), MissedBackups.outstanding(work, succeeded("2014-03-06T23:55:01Z")));
        assertNull(MissedBackups.describe(List.of()));
    }

    @Test
    void noFileNothingMissed() throws Exception {
        assertEquals(List.of(), MissedBackups.outstanding(work, JobState.empty("backup")));
    }
}
