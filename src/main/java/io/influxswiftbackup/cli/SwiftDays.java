package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.day.DayState;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.swift.SwiftClient;
import java.util.List;
import java.util.Map;

/** The account's listing through the Swift client of the runtime, and which of its containers are days. */
final class SwiftDays {

    private SwiftDays() {
    }

    /** Every entry of the account's listing, or of one container's when {@code container} is set. */
    static List<Map<String, Object>> listing(JobRuntime runtime, String container) {
        return runtime.context().getRegistry().lookupByNameAndType("swift", SwiftClient.class).list(container, null);
    }

    /** Each day's state (complete, incomplete, without manifest), objects and bytes. */
    static DayState state(JobRuntime runtime, Day day) {
        return runtime.context().getRegistry().lookupByNameAndType("dayStore", DayStore.class).state(day);
    }

    /** The containers the selection names (only those named YYYY-MM-DD are days), in order. */
    static List<String> days(JobRuntime runtime, DaySelection selection) throws Exception {
        return selection.select(listing(runtime, null).stream().map(entry -> String.valueOf(entry.get("name"))).toList());
    }
}
