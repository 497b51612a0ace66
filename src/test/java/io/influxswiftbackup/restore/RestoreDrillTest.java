package io.influxswiftbackup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.day.Day;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drill's arithmetic: a count(*) answer summed per measurement, and the comparison of two sides. */
class RestoreDrillTest {

    @Test
    void aMeasurementsFieldValuesAreTheSumOfItsFieldCountsNullsCountingNothing() throws Exception {
        var answer = new ObjectMapper().readTree("""
                {"statement_id":0,"series":[
                  {"name":"cpu","columns":["time","count_busy","count_idle"],"values":[["1970-01-01T00:00:00Z",1,2]]},
                  {"name":"disk","columns":["time","count_free","count_used"],"values":[["1970-01-01T00:00:00Z",5,null]]}]}
                """);
        assertEquals(Map.of("cpu", 3L, "disk", 5L), RestoreDrill.valuesByMeasurement(answer));
        assertEquals(Map.of(), RestoreDrill.valuesByMeasurement(new ObjectMapper().readTree("{\"statement_id\":0}")));
    }

    @Test
    void onlyDifferingMeasurementsAreReportedAndOneMissingOnASideCountsZeroThere() {
        List<RestoreDrill.Difference> differences = RestoreDrill.compare("autogen",
                Map.of("cpu", 4L, "disk", 5L, "mem", 1L), Map.of("cpu", 3L, "disk", 5L, "net", 2L));
        assertEquals(List.of(new RestoreDrill.Difference("autogen", "cpu", 4, 3), new RestoreDrill.Difference("autogen", "mem", 1, 0),
                new RestoreDrill.Difference("autogen", "net", 0, 2)), differences);
        assertEquals("restore drill: day 2016-06-10, measurement cpu in retention policy autogen: production holds 4 field values,"
                + " the intermediary 3", differences.get(0).describe(Day.parse("2016-06-10")));
    }
}
