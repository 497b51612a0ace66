package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.day.DaySelection;
import io.influxswiftbackup.download.Downloads;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "download-dumps", mixinStandardHelpOptions = true,
        description = {"Download the dump files of a day, a range or a pattern of days, flat into DIR.",
            "The runbook's 'for i in $(swift list | grep 2016-06); do swift download $i -p $i/influxdb; ...' loop.",
            "Each file is verified (size, MD5); a file already there and identical is skipped."})
class DownloadDumpsCommand implements Callable<Integer> {

    private static final String JOB = "direct:download-dumps";

    @ParentCommand
    Application app;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "One day.")
    String date;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day (with --to).")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day, inclusive.")
    String to;

    @Option(names = "--match", paramLabel = "REGEX", description = "Days whose name contains a match, e.g. 2016-06.")
    String match;

    @Option(names = "--measurement", paramLabel = "M", description = "Only this measurement's files (exact name).")
    String measurement;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Where the files go (created if missing).")
    String dir;

    @Option(names = "--force", description = "Overwrite a file in DIR that differs from the object; download the files of a day still marked in progress.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Downloads.SELECTION, DaySelection.of(date, from, to, match, true));
        if (measurement != null) {
            headers.put(Downloads.MEASUREMENT, measurement);
        }
        headers.put(Downloads.DIR, dir);
        headers.put(Downloads.FORCE, force);
        try (JobRuntime runtime = app.startCommand(JOB)) {
            Exchange result = runtime.run(JOB, headers);
            if (result.isFailed()) {
                throw result.getException();
            }
            app.out().println(result.getMessage().getBody(String.class));
            app.out().flush();
        }
        return 0;
    }
}
