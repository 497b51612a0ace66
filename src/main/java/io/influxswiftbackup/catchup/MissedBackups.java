package io.influxswiftbackup.catchup;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.monitor.JobState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The backups missed while the process was down, kept for {@code status} until a later backup
 * succeeds: {@code <work.dir>/state/backup-missed}, one line per day, "{@code <day> <due>}".
 */
public final class MissedBackups {

    private MissedBackups() {
    }

    public static Path file(Path workDir) {
        return workDir.resolve("state").resolve("backup-missed");
    }

    /** The missed backups no later backup has made good, oldest first; none when the file is missing. */
    public static List<CatchUpPlan.Missed> outstanding(Path workDir, JobState backup) throws IOException {
        Path file = file(workDir);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Instant success = backup.lastSuccess() == null ? null : backup.lastSuccess().started();
        List<CatchUpPlan.Missed> missed = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] fields = line.strip().split(" ");
            if (fields.length != 2) {
                continue;
            }
            CatchUpPlan.Missed one = new CatchUpPlan.Missed(Day.parse(fields[0]), Instant.parse(fields[1]));
            if ((success == null || !success.isAfter(one.due())) && missed.stream().noneMatch(m -> m.day().equals(one.day()))) {
                missed.add(one);
            }
        }
        return missed;
    }

    /** Adds these to the outstanding ones (those a later backup made good are dropped). */
    public static void record(Path workDir, JobState backup, List<CatchUpPlan.Missed> found) throws IOException {
        List<CatchUpPlan.Missed> all = new ArrayList<>(outstanding(workDir, backup));
        found.stream().filter(f -> all.stream().noneMatch(m -> m.day().equals(f.day()))).forEach(all::add);
        all.sort(java.util.Comparator.comparing(m -> m.day().date()));
        Path file = file(workDir);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, all.stream().map(m -> m.day() + " " + m.due() + "\n").collect(Collectors.joining()),
                StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** "the backups of 2014-03-04, 2014-03-05 were missed (...)", or null when none is outstanding. */
    public static String describe(List<CatchUpPlan.Missed> missed) {
        if (missed.isEmpty()) {
            return null;
        }
        String days = missed.size() <= 7 ? missed.stream().map(m -> m.day().container()).collect(Collectors.joining(", "))
                : missed.size() + " days from " + missed.get(0).day() + " to " + missed.get(missed.size() - 1).day();
        return "missed the backup of " + days + " (the process was down at its hour; it cannot be made up)";
    }
}
