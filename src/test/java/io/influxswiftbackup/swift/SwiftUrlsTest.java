package io.influxswiftbackup.swift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SwiftUrlsTest {

    @Test
    void runbookNamesPassUnchangedOthersAreEncoded() {
        assertEquals("Aggregated_metrics_2016-06-11-00:00:00_2016-06-12-00:00:00.json",
                SwiftUrls.segment("Aggregated_metrics_2016-06-11-00:00:00_2016-06-12-00:00:00.json"));
        assertEquals("sensu_db.default.00005.00", SwiftUrls.segment("sensu_db.default.00005.00"));
        assertEquals("a%20b%2Fc%C3%A9%3F%25", SwiftUrls.segment("a b/cé?%"));
    }
}
