package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DaySelectionTest {

    static final List<String> CONTAINERS = List.of("2016-05-31", "2016-06-01", "2016-06-01_segments", "2016-06-15",
            "2016-06-30", "2016-07-01", "backups-2016-06-02", "2016-6-03", "2016-06-31");

    @Test
    void aPatternIsFoundAnywhereButOnlyInDayNames() {
        assertEquals(List.of("2016-06-01", "2016-06-15", "2016-06-30"), DaySelection.of(null, null, null, "2016-06", true).select(CONTAINERS));
        assertEquals(List.of("2016-06-15"), DaySelection.of(null, null, null, "-1\\d$", true).select(CONTAINERS));
    }

    @Test
    void aRangeIsInclusive() {
        assertEquals(List.of("2016-06-01", "2016-06-15", "2016-06-30", "2016-07-01"),
                DaySelection.of(null, "2016-06-01", "2016-07-01", null, true).select(CONTAINERS));
        assertEquals(List.of("2016-06-15"), DaySelection.of("2016-06-15", null, null, null, true).select(CONTAINERS));
        assertEquals(5, DaySelection.of(null, null, null, null, false).select(CONTAINERS).size(), "2016-06-31 is no day");
    }

    @Test
    void badSelectionsAreRefusedClearly() {
        assertEquals("--from 2016-06-02 is after --to 2016-06-01",
                assertThrows(IllegalArgumentException.class, () -> DaySelection.of(null, "2016-06-02", "2016-06-01", null, true)).getMessage());
        assertEquals("--match '2016-(06' is not a regular expression: Unclosed group",
                assertThrows(IllegalArgumentException.class, () -> DaySelection.of(null, null, null, "2016-(06", true)).getMessage());
        assertEquals("give one of --date, --from/--to and --match",
                assertThrows(IllegalArgumentException.class, () -> DaySelection.of("2016-06-01", null, null, "x", true)).getMessage());
        assertEquals("give --date D, --from D1 --to D2, or --match REGEX",
                assertThrows(IllegalArgumentException.class, () -> DaySelection.of(null, null, null, null, true)).getMessage());
    }
}
