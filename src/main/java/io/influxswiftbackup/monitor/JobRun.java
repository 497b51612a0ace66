package io.influxswiftbackup.monitor;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.swift.SwiftClient.Downloaded;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of a job, carried by its exchange (property {@value #PROPERTY}) from the moment it enters
 * the job's route: the day it works on, and what it moved so far (files and bytes verified in Swift
 * or downloaded and verified, records dumped per measurement). The steps add to it as they go; the
 * copies a split makes share it, so it is thread-safe.
 */
public final class JobRun {

    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

    public static final String PROPERTY = "jobRun";
    /** MDC keys of every log line of a job (camel.main.mdcLoggingKeysPattern carries them). */
    public static final String MDC_JOB = "job";
    public static final String MDC_DAY = "day";

    private final String job;
    private final Instant startedAt;
    /** At most one INFO progress line this often (every file has its DEBUG line). */
    static final int PROGRESS_SECONDS = 5;

    private final long startNanos = System.nanoTime();
    private long lastProgressNanos = startNanos;
    private volatile String day;
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, Long> records = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    JobRun(String job, Instant startedAt) {
        this.job = job;
        this.startedAt = startedAt;
    }

    public static Optional<JobRun> of(Exchange exchange) {
        return Optional.ofNullable(exchange.getProperty(PROPERTY, JobRun.class));
    }

    /** The job names its day: every later log line of the run carries it. */
    public static void noteDay(Exchange exchange, Day day) {
        MDC.put(MDC_DAY, day.container());
        of(exchange).ifPresent(run -> run.day = day.container());
    }

    /** A file verified in Swift (upload) or on disk (download). */
    public static void noteFile(Exchange exchange, long size) {
        of(exchange).ifPresent(run -> run.count(size, progress -> { }));
    }

    /**
     * An object verified in Swift: counted, one DEBUG line with its rate and the run's progress, and
     * at most every {@value #PROGRESS_SECONDS} seconds one INFO line with the progress.
     */
    public static void noteStored(Exchange exchange, StoredObject stored) {
        Consumer<String> line = progress -> {
            if (stored.reused()) {
                LOG.debug("Verified {} in container {}: already there{}", stored.name(), stored.container(), progress);
            } else {
                LOG.debug("Verified {} in container {}: {} bytes at {}, MD5 {}{}", stored.name(), stored.container(),
                        stored.bytes(), Rates.perSecond(stored.bytes(), stored.nanos()), stored.md5(), progress);
            }
        };
        of(exchange).ifPresentOrElse(run -> run.count(stored.bytes(), line), () -> line.accept(""));
    }

    /** An object downloaded and verified: counted, and logged as {@link #noteStored} does. */
    public static void noteDownloaded(Exchange exchange, Downloaded downloaded) {
        Consumer<String> line = progress -> LOG.debug("Downloaded {}: {} bytes at {}, verified{}", downloaded.name(),
                downloaded.bytes(), Rates.perSecond(downloaded.bytes(), downloaded.nanos()), progress);
        of(exchange).ifPresentOrElse(run -> run.count(downloaded.bytes(), line), () -> line.accept(""));
    }

    /**
     * Counts one file and writes its {@code line} with "; so far …": one at a time, so that the
     * split's threads log totals that only grow.
     */
    private synchronized void count(long size, Consumer<String> line) {
        files.incrementAndGet();
        bytes.addAndGet(size);
        line.accept("; so far " + moved());
        long now = System.nanoTime();
        if (now - lastProgressNanos >= PROGRESS_SECONDS * 1_000_000_000L) {
            lastProgressNanos = now;
            LOG.info("Progress: {} so far in {} s", moved(), (now - startNanos) / 1_000_000_000L);
        }
    }

    /** A measurement's records, dumped. */
    public static void noteRecords(Exchange exchange, String measurement, long count) {
        of(exchange).ifPresent(run -> run.records.merge(measurement, count, Long::sum));
    }

    /** Something a run found amiss without failing (a drill's difference, a verify's problem): logged, kept in the state, shown by status. */
    public static void noteWarning(Exchange exchange, String warning) {
        LOG.warn("{}", warning);
        of(exchange).ifPresent(run -> run.warnings.add(warning));
    }

    public String job() {
        return job;
    }

    public String day() {
        return day;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public long files() {
        return files.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** "3 files, 12.5 MB" so far: for progress lines. */
    public String moved() {
        return files.get() + (files.get() == 1 ? " file, " : " files, ") + Rates.size(bytes.get());
    }

    /** The outcome, as the state file keeps it; {@code reason} null for a success. */
    JobState.Run finish(Instant endedAt, String reason) {
        Map<String, Long> dumped;
        synchronized (records) {
            dumped = records.isEmpty() ? null : new LinkedHashMap<>(records);
        }
        List<String> found;
        synchronized (warnings) {
            found = warnings.isEmpty() ? null : List.copyOf(warnings);
        }
        return new JobState.Run(day, startedAt.toString(), endedAt.toString(), (System.nanoTime() - startNanos) / 1_000_000,
                files.get(), bytes.get(), dumped, reason, found);
    }
}
