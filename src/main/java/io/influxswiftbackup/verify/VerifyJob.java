package io.influxswiftbackup.verify;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.DayVerification;
import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.monitor.JobRun;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.Downloaded;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verify's steps (bean {@code verifyJob}): the days selected; each day's listing against its
 * manifest, marks and segments ({@link DayVerification}); with a read share, its objects read back
 * (streamed, not written to disk) and their SHA-256 checked against the manifest. A problem is a
 * finding of the run (one line naming day and object, a warning in its state), not a failure: a run
 * fails only when it cannot verify (Swift does not answer).
 */
public class VerifyJob {

    /** Headers a caller may set on the exchange sent to {@code direct:verify}. */
    public static final String DATE_HEADER = "verifyDate";
    public static final String FROM_HEADER = "verifyFrom";
    public static final String TO_HEADER = "verifyTo";
    public static final String ALL_HEADER = "verifyAll";
    /** 0 to 100: the share of objects read back whole; absent, none. */
    public static final String READ_PERCENT_HEADER = "verifyReadPercent";

    private static final Logger LOG = LoggerFactory.getLogger(VerifyJob.class);

    private final Path workDir;
    private final SwiftClient swift;
    private final DayStore days;

    public VerifyJob(Path workDir, SwiftClient swift, DayStore days) {
        this.workDir = workDir;
        this.swift = swift;
        this.days = days;
    }

    /** The days asked for (--date, --from/--to, or --all) among the account's containers, and the read share. */
    public void start(Exchange exchange) throws IOException {
        var in = exchange.getMessage();
        boolean all = Boolean.TRUE.equals(in.getHeader(ALL_HEADER, Boolean.class));
        String date = in.getHeader(DATE_HEADER, String.class);
        String from = in.getHeader(FROM_HEADER, String.class);
        String to = in.getHeader(TO_HEADER, String.class);
        if (all && (date != null || from != null || to != null)) {
            throw new IllegalArgumentException("--all verifies every day; it does not go with --date, --from or --to");
        }
        if (!all && date == null && from == null && to == null) {
            throw new IllegalArgumentException("give --date D, --from D1 --to D2, or --all");
        }
        DaySelection selection = DaySelection.of(date, from, to, null, false);
        List<String> selected = selection.select(swift.list(null, null).stream().map(e -> String.valueOf(e.get("name"))).toList());
        Integer percent = in.getHeader(READ_PERCENT_HEADER, Integer.class);
        long rotationRun = ReadRotation.next(workDir);
        ReadRotation rotation = new ReadRotation(percent == null ? 0 : percent, rotationRun);
        exchange.setProperty(VerifyRun.PROPERTY, new VerifyRun(selected, rotation, rotationRun));
        LOG.info("Verifying {} day(s){}", selected.size(), rotation.groups() == 0 ? "" : "; reading back " + rotation.describe());
    }

    /** One day: its listing, marks and segments; then the objects of its read share. */
    public void verifyDay(Exchange exchange, @ExchangeProperty(VerifyRun.PROPERTY) VerifyRun run, String container) {
        Day day = Day.ofContainer(container);
        JobRun.noteDay(exchange, day);
        DayManifest manifest;
        try {
            manifest = days.read(day);
        } catch (RuntimeException e) {
            found(exchange, run, day, Failures.describe(e));
            return;
        }
        if (manifest == null) {
            LOG.info("Day {} has no manifest (made by the runbook's scripts?): its marks and segments are checked, and the"
                    + " objects read back against Swift's checksums only", day);
        }
        List<Map<String, Object>> listing = swift.list(day.container(), null);
        List<String> problems = DayVerification.problems(day, days.marks(day), manifest, listing,
                swift.list(day.segmentsContainer(), null), days::brokenLinks);
        problems.forEach(problem -> found(exchange, run, day, problem));
        for (Map<String, Object> object : listing) {
            String name = String.valueOf(object.get("name"));
            if (!name.equals(day.manifestObject()) && !name.equals(day.manifestLock()) && run.rotation().reads(name)) {
                readBack(exchange, run, day, name, manifest);
            }
        }
    }

    private void readBack(Exchange exchange, VerifyRun run, Day day, String name, DayManifest manifest) {
        try {
            Downloaded read = swift.readThrough(day.container(), name);
            String problem = DayManifest.downloadMismatch(DayVerification.entry(manifest, name), read.bytes(), read.sha256());
            run.read(name);
            JobRun.noteFile(exchange, read.bytes());
            if (problem != null) {
                found(exchange, run, day, name + " read back: " + problem);
            } else {
                LOG.info("Read back {}: {} bytes, {}", name, read.bytes(), manifest == null ? "MD5 as Swift announced"
                        : "SHA-256 as the manifest says");
            }
        } catch (RuntimeException e) {
            run.read(name);
            found(exchange, run, day, name + " read back: " + Failures.describe(e));
        }
    }

    private static void found(Exchange exchange, VerifyRun run, Day day, String problem) {
        String line = "day " + day + ": " + problem;
        run.found(line);
        JobRun.noteWarning(exchange, "verify: " + line);
    }

    /** The run's summary; a partial read moves the rotation on, so the next run reads the next share. */
    public void finish(@ExchangeProperty(VerifyRun.PROPERTY) VerifyRun run) throws IOException {
        if (run.rotation().partial()) {
            ReadRotation.advance(workDir, run.rotationRun());
        }
        List<String> findings = run.findings();
        LOG.info("Verify of {} day(s) done: {} object(s) read back, {}", run.days().size(), run.objectsRead().size(),
                findings.isEmpty() ? "no problem found" : findings.size() + " problem(s) found");
    }
}
