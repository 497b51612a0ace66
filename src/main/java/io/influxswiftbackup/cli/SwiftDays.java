package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.Day;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** The account's or a day's listing through the swift-list route, and which containers are days. */
final class SwiftDays {

    private SwiftDays() {
    }

    /** Every entry of the listing (of the account, or of {@code day}'s container). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> listing(JobRuntime runtime, Day day) throws Exception {
        Map<String, Object> properties = day == null ? Map.of() : Map.of("container", day.container());
        Exchange result = runtime.run("direct:swift-list", Map.of(), properties);
        if (result.isFailed()) {
            throw result.getException();
        }
        return result.getMessage().getBody(List.class);
    }

    /** The containers named YYYY-MM-DD, in order. */
    static List<String> list(JobRuntime runtime) throws Exception {
        return listing(runtime, null).stream().map(entry -> String.valueOf(entry.get("name"))).filter(SwiftDays::isDay)
                .sorted().toList();
    }

    static boolean isDay(String name) {
        try {
            return Day.parse(name).container().equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
