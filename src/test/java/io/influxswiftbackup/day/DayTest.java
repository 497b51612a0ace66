package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DayTest {

    @Test
    void namesAreTheRunbooks() {
        Day day = Day.parse("2016-06-11");
        assertEquals("2016-06-11", day.container());
        assertEquals("2016-06-11/shards/", day.shardsPrefix());
        assertEquals("2016-06-11/shards/sensu_db.default.00005.00", day.shardObject("sensu_db.default.00005.00"));
    }

    @Test
    void todayDependsOnTheScheduleTimeZone() {
        Clock lateEvening = Clock.fixed(Instant.parse("2016-06-11T23:55:00Z"), ZoneOffset.UTC);
        assertEquals("2016-06-11", Day.today(lateEvening, "UTC").container());
        assertEquals("2016-06-12", Day.today(lateEvening, "Europe/Paris").container());
        assertEquals("2016-06-11", Day.today(lateEvening, "America/Montreal").container());
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        assertEquals("'2016-13-01' is not a date of the form YYYY-MM-DD",
                assertThrows(IllegalArgumentException.class, () -> Day.parse("2016-13-01")).getMessage());
        assertEquals("unknown time zone 'Mars/Olympus'",
                assertThrows(IllegalArgumentException.class, () -> Day.zone("Mars/Olympus")).getMessage());
    }
}
