package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.verify.VerifyJob;
import io.influxswiftbackup.verify.VerifyRun;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify days in Swift: each day's listing against its manifest (every object with its size and MD5,",
            "nothing extra, no in-progress mark left), every large object's segments there; with --read-data, its objects",
            "read back (streamed, not stored) and their SHA-256 checked against the manifest. One line per problem,",
            "naming day and object. Exit 0 clean, 1 problems found, 2 could not run (or bad usage)."})
class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Verify this day.")
    String date;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day verified (with --to).")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day verified, inclusive.")
    String to;

    @Option(names = "--all", description = "Verify every day in Swift.")
    boolean all;

    @Option(names = "--read-data", arity = "0..1", paramLabel = "PERCENT", fallbackValue = "100",
            description = {"Read objects back and check their SHA-256: all of them, or PERCENT of them, a share that",
                "rotates from run to run so that 100/PERCENT runs in a row read every object (<work.dir>/state/verify-rotation)."})
    Integer readPercent;

    @Override
    public Integer call() throws Exception {
        if (readPercent != null && (readPercent < 1 || readPercent > 100)) {
            throw new IllegalArgumentException("--read-data PERCENT must be 1 to 100, not " + readPercent);
        }
        Map<String, Object> headers = new HashMap<>();
        putIfSet(headers, VerifyJob.DATE_HEADER, date);
        putIfSet(headers, VerifyJob.FROM_HEADER, from);
        putIfSet(headers, VerifyJob.TO_HEADER, to);
        putIfSet(headers, VerifyJob.READ_PERCENT_HEADER, readPercent);
        headers.put(VerifyJob.ALL_HEADER, all);
        try (JobRuntime runtime = app.startCommand("direct:verify")) {
            Exchange result = runtime.run("direct:verify", headers);
            if (result.isFailed()) {
                Exception failure = result.getException();
                if (Failures.exitCode(failure) == Failures.USAGE) {
                    throw failure;
                }
                app.out().flush();
                System.err.println("error: verify could not run: " + Failures.describe(failure));
                return 2;
            }
            VerifyRun run = result.getProperty(VerifyRun.PROPERTY, VerifyRun.class);
            if (run == null) {
                return 0; // skipped: another verify runs
            }
            run.findings().forEach(app.out()::println);
            app.out().flush();
            return run.findings().isEmpty() ? 0 : 1;
        }
    }

    private static void putIfSet(Map<String, Object> headers, String name, Object value) {
        if (value != null) {
            headers.put(name, value);
        }
    }
}
