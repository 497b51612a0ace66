package io.influxswiftbackup.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One verify run, exchange property {@value #PROPERTY}: the days it verifies, which objects it reads
 * back, and what it found (one line per problem, naming day and object). Edited routes may read it:
 * {@code ${exchangeProperty.verify.days()}}, {@code findings()}.
 */
public final class VerifyRun {

    public static final String PROPERTY = "verify";

    private final List<String> days;
    private final ReadRotation rotation;
    private final long rotationRun;
    private final List<String> findings = Collections.synchronizedList(new ArrayList<>());
    private final List<String> read = Collections.synchronizedList(new ArrayList<>());

    VerifyRun(List<String> days, ReadRotation rotation, long rotationRun) {
        this.days = List.copyOf(days);
        this.rotation = rotation;
        this.rotationRun = rotationRun;
    }

    public List<String> days() {
        return days;
    }

    ReadRotation rotation() {
        return rotation;
    }

    long rotationRun() {
        return rotationRun;
    }

    void found(String problem) {
        findings.add(problem);
    }

    void read(String name) {
        read.add(name);
    }

    public List<String> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    /** The objects read back whole, by name. */
    public List<String> objectsRead() {
        synchronized (read) {
            return List.copyOf(read);
        }
    }
}
