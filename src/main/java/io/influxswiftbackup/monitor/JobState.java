package io.influxswiftbackup.monitor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a job leaves behind for {@code status}: {@code <work.dir>/state/<job>.json}, replaced
 * atomically when a run starts (the running marker) and when it ends (its outcome). Times are UTC
 * instants in ISO-8601.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobState(String job, String last, Run lastSuccess, Run lastFailure, Running running) {

    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One finished run: its day, when, how long, what it moved; {@code reason} says why it failed;
     * {@code warnings}, what a successful run found amiss (status shows them as a WARNING).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Run(String day, String startedAt, String endedAt, long durationMs, long files, long bytes,
                      Map<String, Long> records, String reason, List<String> warnings) {

        /** A run without warnings. */
        public Run(String day, String startedAt, String endedAt, long durationMs, long files, long bytes,
                   Map<String, Long> records, String reason) {
            this(day, startedAt, endedAt, durationMs, files, bytes, records, reason, null);
        }

        /** Whether the run ended with findings worth a look (a drill's difference, a verify's problems). */
        public boolean hasWarnings() {
            return warnings != null && !warnings.isEmpty();
        }

        public Instant started() {
            return Instant.parse(startedAt);
        }

        public Instant ended() {
            return Instant.parse(endedAt);
        }

        public long totalRecords() {
            return records == null ? 0 : records.values().stream().mapToLong(Long::longValue).sum();
        }

        /** "day 2016-06-11: 23 files, 1.2 MB, 20 records in 34.2 s". */
        public String describe() {
            StringBuilder text = new StringBuilder(day == null ? "no day" : "day " + day).append(": ");
            text.append(files).append(files == 1 ? " file, " : " files, ").append(Rates.size(bytes));
            if (records != null) {
                text.append(", ").append(totalRecords()).append(" records");
                if (records.size() > 1) {
                    text.append(' ').append(records);
                }
            }
            return text.append(String.format(java.util.Locale.ROOT, " in %.1f s", durationMs / 1000.0)).toString();
        }
    }

    /** A run in progress: since when, in which process, on which day (once known). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Running(String since, long pid) {

        public boolean processAlive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    public static JobState empty(String job) {
        return new JobState(job, null, null, null, null);
    }

    public static Path file(Path workDir, String job) {
        return workDir.resolve("state").resolve(job + ".json");
    }

    /** The job's state, or an empty one when it never ran here; a file that cannot be read fails. */
    public static JobState read(Path file, String job) throws IOException {
        try {
            JobState state = JSON.readValue(Files.readAllBytes(file), JobState.class);
            return state.job() == null ? new JobState(job, state.last, state.lastSuccess, state.lastFailure, state.running) : state;
        } catch (NoSuchFileException e) {
            return empty(job);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Written to a temporary file and renamed over the old one: a reader never sees half a file. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The last run that ended (success or failure), or null. */
    public Run lastRun() {
        return FAILURE.equals(last) ? lastFailure : SUCCESS.equals(last) ? lastSuccess : null;
    }

    /** When the later of the last success and the last failure started, or null when none is recorded. */
    public Instant latestStart() {
        Instant success = lastSuccess == null ? null : lastSuccess.started();
        Instant failure = lastFailure == null ? null : lastFailure.started();
        return success == null ? failure : failure == null || success.isAfter(failure) ? success : failure;
    }

    public boolean lastRunFailed() {
        return FAILURE.equals(last) && lastFailure != null;
    }

    JobState starting(Running marker) {
        return new JobState(job, last, lastSuccess, lastFailure, marker);
    }

    JobState finished(Run run) {
        return run.reason() == null ? new JobState(job, SUCCESS, run, lastFailure, null)
                : new JobState(job, FAILURE, lastSuccess, run, null);
    }
}
