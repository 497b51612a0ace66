package io.influxswiftbackup.app;

import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.failure.TransientFailure;
import io.influxswiftbackup.files.DiskSpace;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.restore.RestoreRun;
import io.influxswiftbackup.swift.SwiftClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job will use, checked before it changes anything (bean {@code preflight}, the first step of
 * each job route after the day is named; the {@code check} command runs the same checks): the Swift
 * login, each InfluxDB it touches with the configured user ({@code SHOW DATABASES}), {@code influxd},
 * the directories it writes, free space. Every check runs; a failure names the service, its host
 * and the key to fix, one line per problem. A passing trouble (a 503, a refused connection) fails the
 * step as it is, so that the failure policy (routes/errors.yaml) tries it again as any call.
 */
public class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    /** One thing a job needs, and how to tell that it is there (throws what is wrong). */
    record Probe(String what, Check check) {
    }

    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }

    /** A problem found: the thing checked and the line that names it. */
    public record Problem(String what, String message) {
    }

    private final SwiftClient swift;
    private final InfluxClient production;
    private final InfluxClient intermediary;
    private final Path influxd;
    private final Path workDir;
    private final Path dumpDir;
    private final List<Path> intermediaryDirs;
    private final String stopCommand;
    private final String startCommand;
    private final DiskSpace diskSpace;

    public Preflight(SwiftClient swift, InfluxClient production, InfluxClient intermediary, Path influxd, Path workDir,
                     Path dumpDir, List<Path> intermediaryDirs, String stopCommand, String startCommand, DiskSpace diskSpace) {
        this.swift = swift;
        this.production = production;
        this.intermediary = intermediary;
        this.influxd = influxd;
        this.workDir = workDir;
        this.dumpDir = dumpDir;
        this.intermediaryDirs = List.copyOf(intermediaryDirs);
        this.stopCommand = stopCommand;
        this.startCommand = startCommand;
        this.diskSpace = diskSpace;
    }

    // --- the job routes' steps: each fails with every problem found -----------------------------

    public void backup() {
        require("backup", backupProbes());
    }

    public void restore(RestoreRun run) {
        require("restore", run.intoProduction() ? productionRestoreProbes() : restoreProbes());
    }

    public void dump() {
        require("dump", dumpProbes());
    }

    public void prune() {
        require("prune", List.of(swiftLogin()));
    }

    public void verify() {
        require("verify", List.of(swiftLogin()));
    }

    /** The checks of each job named, in order, without failing: for the {@code check} command. */
    public Map<String, List<Problem>> report(List<String> jobs) {
        Map<String, List<Problem>> problems = new LinkedHashMap<>();
        for (String job : jobs) {
            problems.put(job, problems(probes(job)));
        }
        return problems;
    }

    /** What each job checks; the restore's is the nightly restore into the intermediary. */
    List<Probe> probes(String job) {
        return switch (job) {
            case "backup" -> backupProbes();
            case "restore" -> restoreProbes();
            case "dump" -> dumpProbes();
            case "prune", "verify" -> List.of(swiftLogin());
            default -> throw new IllegalArgumentException("no such job: " + job);
        };
    }

    private List<Probe> backupProbes() {
        return List.of(swiftLogin(), influx(production, true), influxd(), writable(workDir, "work.dir"),
                new Probe("free space for the backup", diskSpace::requireForBackup));
    }

    private List<Probe> restoreProbes() {
        List<Probe> probes = new ArrayList<>(List.of(swiftLogin(), influx(intermediary, false), influxd(),
                writable(workDir, "work.dir"), writable(dumpDir, "dump.dir")));
        String[] keys = {"influx.intermediary.metadir", "influx.intermediary.datadir", "influx.intermediary.waldir"};
        for (int i = 0; i < intermediaryDirs.size(); i++) {
            Path parent = intermediaryDirs.get(i).toAbsolutePath().getParent();
            probes.add(writable(parent, keys[i] + " (its parent directory, where it is moved aside)"));
        }
        probes.add(command(stopCommand, "influx.intermediary.stop-command"));
        probes.add(command(startCommand, "influx.intermediary.start-command"));
        return probes;
    }

    private List<Probe> productionRestoreProbes() {
        return List.of(swiftLogin(), influx(production, true), influxd(), writable(workDir, "work.dir"));
    }

    private List<Probe> dumpProbes() {
        return List.of(swiftLogin(), influx(intermediary, true), writable(dumpDir, "dump.dir"));
    }

    /**
     * Fails with every problem found; a passing trouble (a 503, a refused connection) is thrown as it
     * is instead, so that the failure policy retries the step as it retries any call.
     */
    private void require(String job, List<Probe> probes) {
        List<Problem> problems = new ArrayList<>();
        TransientFailure passing = collect(probes, problems);
        if (passing != null) {
            throw passing;
        }
        if (!problems.isEmpty()) {
            LOG.error("The {} cannot start, nothing was changed: {} problem(s) found by its preflight", job, problems.size());
            throw new PreflightException(String.join("; ", problems.stream().map(Problem::message).toList()));
        }
        LOG.info("Preflight of the {}: {} checked", job, String.join(", ", probes.stream().map(Probe::what).toList()));
    }

    static List<Problem> problems(List<Probe> probes) {
        List<Problem> problems = new ArrayList<>();
        collect(probes, problems);
        return problems;
    }

    /** Runs every probe, adding each problem; returns the first passing trouble (a 503, a refused connection), or null. */
    private static TransientFailure collect(List<Probe> probes, List<Problem> problems) {
        TransientFailure passing = null;
        for (Probe probe : probes) {
            try {
                probe.check().run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(new Problem(probe.what(), probe.what() + ": interrupted"));
            } catch (Exception e) {
                if (e instanceof TransientFailure t && passing == null) {
                    passing = t;
                }
                problems.add(new Problem(probe.what(), Failures.describe(e)));
            }
        }
        return passing;
    }

    // --- the probes --------------------------------------------------------------------------

    /** A login (TempAuth or Keystone), then a HEAD of the account with the token. */
    private Probe swiftLogin() {
        return new Probe("Swift login", () -> {
            int status = swift.ping();
            if (status / 100 != 2) {
                throw new PreflightException("Swift at " + swift.auth().storageUrl() + " answered " + status
                        + " to a HEAD of the account with a fresh token: check the account's permissions"
                        + " (swift.user, or swift.username and swift.project)");
            }
        });
    }

    /**
     * {@code SHOW DATABASES} as the configured user. {@code mustAnswer} false: an InfluxDB that does
     * not answer now is not judged (the restore into the intermediary starts it).
     */
    private static Probe influx(InfluxClient influx, boolean mustAnswer) {
        return new Probe(influx.name(), () -> {
            if (mustAnswer || influx.answers()) {
                influx.query(null, "SHOW DATABASES");
            } else {
                LOG.warn("{} does not answer now; its user is checked once the restore has started it", influx.name());
            }
        });
    }

    private Probe influxd() {
        return new Probe("influxd", () -> {
            if (!Files.isRegularFile(influxd) || !Files.isExecutable(influxd)) {
                throw new PreflightException("influxd " + influxd + (Files.exists(influxd) ? " is not executable" : " does not exist")
                        + ": check influx.influxd");
            }
        });
    }

    /** The directory, or the nearest one above it that exists (the job makes the rest), must be writable. */
    static Probe writable(Path dir, String key) {
        return new Probe(dir.toString(), () -> {
            Path existing = dir.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.isDirectory(existing)) {
                throw new PreflightException(dir + " cannot be made: " + existing + " is not a directory; check " + key);
            }
            if (!Files.isWritable(existing)) {
                throw new PreflightException(dir + " is not writable" + (existing.equals(dir.toAbsolutePath()) ? "" : " (" + existing
                        + " is not)") + " for " + System.getProperty("user.name") + "; check " + key);
            }
        });
    }

    /** The command's first word: a path that is executable, or a name found on PATH. */
    static Probe command(String commandLine, String key) {
        return new Probe(key, () -> {
            String program = commandLine.strip().split("\\s+")[0];
            if (program.isEmpty()) {
                throw new PreflightException(key + " is empty");
            }
            if (!executable(program)) {
                throw new PreflightException(key + ": " + program + " is not an executable"
                        + (program.contains("/") ? " file" : " found on PATH") + "; check " + key);
            }
        });
    }

    private static boolean executable(String program) throws IOException {
        if (program.contains("/")) {
            Path path = Path.of(program);
            return Files.isRegularFile(path) && Files.isExecutable(path);
        }
        String searchPath = System.getenv("PATH");
        for (String dir : (searchPath == null ? "" : searchPath).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }

    /** What a job needs is not there: nothing was changed. */
    public static class PreflightException extends RuntimeException {
        public PreflightException(String message) {
            super(message);
        }
    }
}
