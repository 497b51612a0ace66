package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.DaySelection;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** The account's listing through the swift-list route, and which of its containers are days. */
final class SwiftDays {

    private SwiftDays() {
    }

    /** Every entry of the account's listing, or of one container's when {@code container} is set. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> listing(JobRuntime runtime, String container) throws Exception {
        Map<String, Object> properties = container == null ? Map.of() : Map.of("container", container);
        Exchange result = runtime.run("direct:swift-list", Map.of(), properties);
        if (result.isFailed()) {
            throw result.getException();
        }
        return result.getMessage().getBody(List.class);
    }

    /** The containers the selection names (only those named YYYY-MM-DD are days), in order. */
    static List<String> days(JobRuntime runtime, DaySelection selection) throws Exception {
        return selection.select(listing(runtime, null).stream().map(entry -> String.valueOf(entry.get("name"))).toList());
    }
}
