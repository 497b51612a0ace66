package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.app.Preflight;
import io.influxswiftbackup.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Run the preflight of the jobs enabled in the configuration (or of --job): the Swift login,",
            "each InfluxDB they use with the configured user, influxd, the directories they write, free space.",
            "Changes nothing. Exit 0 when every check passes, 2 when one does not (each named on its own line)."})
class CheckCommand implements Callable<Integer> {

    /** The preflight is a bean: no job's route file is loaded (an endpoint no route starts at). */
    private static final String NO_ROUTES = "direct:none";


    static final List<String> JOBS = List.of("backup", "restore", "dump", "prune", "verify");

    @ParentCommand
    Application app;

    @Option(names = "--job", paramLabel = "JOB", description = "Check this job (backup, restore, dump, prune, verify) whether enabled or not; repeatable.")
    List<String> jobs;

    @Override
    public Integer call() throws Exception {
        app.quiet();
        Settings settings = app.settings(true);
        List<String> checked = jobs == null ? enabled(settings) : jobs;
        for (String job : checked) {
            if (!JOBS.contains(job)) {
                throw new IllegalArgumentException("--job must be one of " + String.join(", ", JOBS) + ", not '" + job + "'");
            }
        }
        if (checked.isEmpty()) {
            app.out().println("OK: no job is enabled in the configuration (backup.enabled, restore.enabled, dump.enabled,"
                    + " prune.enabled, verify.enabled); check one with --job");
            app.out().flush();
            return 0;
        }
        Map<String, List<Preflight.Problem>> report;
        try (JobRuntime runtime = app.startCommand(NO_ROUTES)) {
            report = runtime.context().getRegistry().lookupByNameAndType("preflight", Preflight.class).report(checked);
        }
        boolean good = report.values().stream().allMatch(List::isEmpty);
        List<String> lines = new ArrayList<>();
        lines.add((good ? "OK: " : "FAILED: ") + "preflight of " + String.join(", ", checked));
        report.forEach((job, problems) -> {
            if (problems.isEmpty()) {
                lines.add(String.format("%-8s OK", job));
            }
            problems.forEach(problem -> lines.add(String.format("%-8s FAILED %s", job, problem.message())));
        });
        lines.forEach(app.out()::println);
        app.out().flush();
        return good ? 0 : 2;
    }

    private static List<String> enabled(Settings settings) {
        return JOBS.stream().filter(job -> settings.getBoolean(job + ".enabled")).toList();
    }
}
