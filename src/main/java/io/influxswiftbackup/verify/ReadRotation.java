package io.influxswiftbackup.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Which objects a {@code verify --read-data PERCENT} run reads. The objects fall into
 * {@code ceil(100 / PERCENT)} groups by a hash of their names; run number n reads group
 * {@code n mod groups}. The number is kept in {@code <work.dir>/state/verify-rotation} and goes up by
 * one after each partial read, so that as many consecutive runs as there are groups read every
 * object once (10%: ten nights; 50%: two runs), whatever the day they started; an object added
 * meanwhile is read when its group's turn comes. 100 reads every object (and leaves the number alone).
 */
public final class ReadRotation {

    private final int percent;
    private final long run;

    public ReadRotation(int percent, long run) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("the share of objects read must be 0 to 100 percent, not " + percent);
        }
        this.percent = percent;
        this.run = run;
    }

    /** The groups: runs in a row that read everything (0 when nothing is read). */
    public int groups() {
        return percent == 0 ? 0 : (int) Math.ceil(100.0 / percent);
    }

    public boolean partial() {
        return percent > 0 && percent < 100;
    }

    /** Whether this run reads the object. */
    public boolean reads(String name) {
        if (percent == 0) {
            return false;
        }
        return Math.floorMod(spread(name.hashCode()), groups()) == Math.floorMod(run, groups());
    }

    /** Names that differ in one character (sensu_db.autogen.00001.00, .00002.00) land in unrelated groups. */
    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    public String describe() {
        return percent == 100 ? "every object" : percent + "% of the objects (group " + Math.floorMod(run, groups()) + " of "
                + groups() + "; " + groups() + " runs in a row read every object)";
    }

    public static Path file(Path workDir) {
        return workDir.resolve("state").resolve("verify-rotation");
    }

    /** The number of the next partial run (0 when none ran on this host). */
    public static long next(Path workDir) throws IOException {
        Path file = file(workDir);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a number; delete it to start the rotation again");
        }
    }

    /** After a partial run: the next one reads the next group. */
    public static void advance(Path workDir, long run) throws IOException {
        Path file = file(workDir);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, (run + 1) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
