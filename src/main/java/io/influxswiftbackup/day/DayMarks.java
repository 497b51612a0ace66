package io.influxswiftbackup.day;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-progress marks of a day's container. Each job marks with its own container metadata key,
 * {@code X-Container-Meta-In-Progress-<Job>: <job> <run id>} (Backup, Dump, Prune), and removes only
 * that key: a backup finishing while a dump of the same day still writes leaves the dump's mark. A day
 * is incomplete while it carries any key that starts with {@code X-Container-Meta-In-Progress}
 * (Swift answers metadata names in its own case: the match ignores case), which includes the single
 * key {@code X-Container-Meta-In-Progress} of earlier versions; a backup removes that one too.
 */
public final class DayMarks {

    /** The key of earlier versions, shared by every job; also the prefix of each job's key. */
    public static final String OLD_HEADER = "X-Container-Meta-In-Progress";

    private static final String PREFIX = OLD_HEADER.toLowerCase(Locale.ROOT);

    private DayMarks() {
    }

    /** The metadata key a job marks a day with: {@code X-Container-Meta-In-Progress-Backup} for the backup. */
    public static String header(String job) {
        return OLD_HEADER + "-" + job.substring(0, 1).toUpperCase(Locale.ROOT) + job.substring(1).toLowerCase(Locale.ROOT);
    }

    /** The header of a container POST that removes the job's key. */
    public static String removeHeader(String job) {
        return "X-Remove-" + header(job).substring("X-".length());
    }

    /**
     * The marks a container carries, from the headers of its HEAD: the value ({@code <job> <run id>})
     * of every {@code X-Container-Meta-In-Progress*} key, in the order of the keys; empty when the
     * day is complete (or there is no container).
     */
    public static List<String> marks(Map<String, ?> headers) {
        Map<String, String> marks = new TreeMap<>();
        headers.forEach((name, value) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (value != null && (key.equals(PREFIX) || key.startsWith(PREFIX + "-"))) {
                marks.put(key, String.valueOf(value).trim());
            }
        });
        return List.copyOf(marks.values());
    }

    /** The marks as a message names them: {@code backup 20160611T235500Z-0a1b, dump 20160612T003000Z-beef}. */
    public static String describe(List<String> marks) {
        return String.join(", ", marks);
    }
}
