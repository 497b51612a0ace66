package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which days the prune job deletes. */
class RetentionTest {

    static final LocalDate TODAY = LocalDate.of(2015, 3, 11);
    static final Retention THREE = new Retention(3);

    private static List<String> days(List<Day> days) {
        return days.stream().map(Day::container).toList();
    }

    @Test
    void theDaysBeforeTodayMinusNGoAndTheLastNStay() {
        List<String> containers = List.of("2015-03-05", "2015-03-06", "2015-03-07", "2015-03-08", "2015-03-09", "2015-03-10");
        assertEquals(LocalDate.of(2015, 3, 8), THREE.oldestKept(TODAY));
        assertEquals(List.of("2015-03-05", "2015-03-06", "2015-03-07"),
                days(THREE.toPrune(containers, TODAY, Day.parse("2015-03-10"))));
    }

    @Test
    void aDaysSegmentsContainerGoesWithItEvenWhenTheDayContainerIsGone() {
        List<String> containers = List.of("2015-03-06_segments", "2015-03-01", "2015-03-01_segments", "2015-03-10_segments");
        assertEquals(List.of("2015-03-01", "2015-03-06"), days(THREE.toPrune(containers, TODAY, null)));
    }

    @Test
    void theNewestCompleteDayStaysWhateverItsAge() {
        List<String> containers = List.of("2015-03-01", "2015-03-02", "2015-03-02_segments", "2015-03-03", "2015-03-09");
        assertEquals(List.of("2015-03-01", "2015-03-03"), days(THREE.toPrune(containers, TODAY, Day.parse("2015-03-02"))));
    }

    @Test
    void containersThatAreNotDaysAreNeverTouched() {
        List<String> containers = List.of("backups", "2015-03-01-old", "2015-3-01", "x2015-03-01", "2015-03-01_segments_old",
                "2015-02-30", "2015-03-01.tmp", "_segments", "2015-03-01");
        assertEquals(List.of("2015-03-01"), days(THREE.toPrune(containers, TODAY, null)));
        assertNull(Retention.dayOf("2015-03-01_segments_old"));
        assertEquals(Day.parse("2015-03-01"), Retention.dayOf("2015-03-01_segments"));
    }

    @Test
    void theNewestCompleteDayIsLookedForNewestFirstAmongDayContainersOnly() {
        assertEquals(List.of("2015-03-12", "2015-03-10", "2015-03-02"), days(Retention.newestFirst(
                List.of("2015-03-02", "2015-03-12", "2015-03-11_segments", "backups", "2015-03-10"))));
    }

    @Test
    void emptyIsOffAndZeroIsRefused() {
        assertNull(Retention.of(""));
        assertNull(Retention.of(null));
        assertEquals(new Retention(30), Retention.of(" 30 "));
        assertThrows(IllegalArgumentException.class, () -> new Retention(0));
    }
}
