package io.influxswiftbackup.day;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which day containers a manual command works on: one day, an inclusive range, or a regular
 * expression found anywhere in the name (the runbook's {@code swift list | grep 2016-06}). Only
 * containers named exactly {@code YYYY-MM-DD} are days; {@code D_segments} and others never match.
 */
public final class DaySelection {

    private final Day from;
    private final Day to;
    private final Pattern match;

    private DaySelection(Day from, Day to, Pattern match) {
        this.from = from;
        this.to = to;
        this.match = match;
    }

    /** From the command line's --date, --from/--to or --match; exactly one way must be given (or none, for all). */
    public static DaySelection of(String date, String from, String to, String match, boolean required) {
        int ways = (date != null ? 1 : 0) + (from != null || to != null ? 1 : 0) + (match != null ? 1 : 0);
        if (ways > 1) {
            throw new IllegalArgumentException("give one of --date, --from/--to and --match");
        }
        if (ways == 0 && required) {
            throw new IllegalArgumentException("give --date D, --from D1 --to D2, or --match REGEX");
        }
        if (date != null) {
            Day day = Day.parse(date);
            return new DaySelection(day, day, null);
        }
        if (from != null || to != null) {
            if (from == null || to == null) {
                throw new IllegalArgumentException("--from and --to go together");
            }
            Day first = Day.parse(from);
            Day last = Day.parse(to);
            if (first.date().isAfter(last.date())) {
                throw new IllegalArgumentException("--from " + first + " is after --to " + last);
            }
            return new DaySelection(first, last, null);
        }
        if (match != null) {
            try {
                return new DaySelection(null, null, Pattern.compile(match));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--match '" + match + "' is not a regular expression: "
                        + e.getDescription());
            }
        }
        return new DaySelection(null, null, null);
    }

    public boolean matches(String container) {
        Day day = Day.ofContainer(container);
        if (day == null) {
            return false;
        }
        if (match != null) {
            return match.matcher(container).find();
        }
        return (from == null || !day.date().isBefore(from.date())) && (to == null || !day.date().isAfter(to.date()));
    }

    /** The matching day containers among the names, in order. */
    public List<String> select(Collection<String> containers) {
        return containers.stream().filter(Objects::nonNull).filter(this::matches).sorted().toList();
    }
}
