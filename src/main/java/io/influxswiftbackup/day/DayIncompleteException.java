package io.influxswiftbackup.day;

import io.influxswiftbackup.swift.SwiftException;
import java.util.List;

/** A restore or download refused: the day still carries an in-progress mark. */
public class DayIncompleteException extends SwiftException {

    public DayIncompleteException(Day day, List<String> marks, String objects, String what) {
        super("restore".equals(what)
                ? "day " + day + " is incomplete: container " + day.container() + " is still marked in progress ("
                        + DayMarks.describe(marks) + "); restore it anyway with --force"
                : "day " + day + " is incomplete: still marked in progress (" + DayMarks.describe(marks) + "); its " + objects
                        + " are not downloaded (use --force to download them anyway)");
    }
}
