package io.influxswiftbackup.day;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class DayMarksTest {

    @Test
    void eachJobHasItsOwnKeyAndItsOwnRemoval() {
        assertEquals("X-Container-Meta-In-Progress-Backup", DayMarks.header("backup"));
        assertEquals("X-Container-Meta-In-Progress-Dump", DayMarks.header("dump"));
        assertEquals("X-Container-Meta-In-Progress-Prune", DayMarks.header("prune"));
        assertEquals("X-Remove-Container-Meta-In-Progress-Dump", DayMarks.removeHeader("dump"));
    }

    @Test
    void everyInProgressKeyIsAMarkTheOldOneToo() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("X-Container-Object-Count", "4");
        headers.put("X-Container-Meta-In-Progress-Dump", "dump 20160612T003000Z-beef");
        headers.put("X-Container-Meta-In-Progress", "backup 20160611T235500Z-0a1b");
        headers.put("X-Container-Meta-In-Progress-Backup", "backup 20160612T235500Z-3f2a");
        headers.put("X-Container-Meta-Owner", "ops");
        assertEquals(List.of("backup 20160611T235500Z-0a1b", "backup 20160612T235500Z-3f2a", "dump 20160612T003000Z-beef"),
                DayMarks.marks(headers), "ordered by key: the old key, then backup, dump");
    }

    @Test
    void theKeysCaseDoesNotMatterAndAKeyThatOnlyStartsAlikeIsNoMark() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("x-container-meta-in-progress-prune", "prune 20160620T040000Z-0001");
        headers.put("X-CONTAINER-META-IN-PROGRESS", "dump 20160612T003000Z-beef");
        headers.put("X-Container-Meta-In-Progressive", "not a mark");
        assertEquals(List.of("dump 20160612T003000Z-beef", "prune 20160620T040000Z-0001"), DayMarks.marks(headers));
    }

    @Test
    void aContainerWithoutMarksIsComplete() {
        assertEquals(List.of(), DayMarks.marks(Map.of("X-Container-Object-Count", "4", "Content-Length", "0")));
        assertEquals(List.of(), DayMarks.marks(Map.of()), "no container: a 404 answers no metadata");
    }
}
