package io.influxswiftbackup.cli;

import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.swift.SwiftClient;
import java.util.List;


/** The account's listing, and which of its containers are days. */
final class SwiftDays {

    private SwiftDays() {
    }

    /** The containers the selection names (only those named YYYY-MM-DD are days), in order. */
    static List<String> days(SwiftClient swift, DaySelection selection) throws Exception {
        return selection.select(swift.list(null, null).stream().map(entry -> String.valueOf(entry.get("name"))).toList());
    }
}
