package io.influxswiftbackup.cli;

import io.influxswiftbackup.app.ConfigCheck;
import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.app.LogLevels;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.failure.Failures;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The command line: {@code run} keeps the schedule, the other commands do one job and exit. */
@Command(name = "influx-swift-backup", mixinStandardHelpOptions = true, version = "influx-swift-backup 0.1.0",
        description = "Keeps InfluxDB backups in OpenStack Swift: nightly backup, restore, JSON dumps and retention.",
        subcommands = {RunCommand.class, BackupCommand.class, RestoreCommand.class, DumpCommand.class, PruneCommand.class,
            ListCommand.class, DownloadDumpsCommand.class, FetchShardsCommand.class, StatusCommand.class, CheckCommand.class, VerifyCommand.class},
        footer = {"", "Exit status: 0 done, 1 the job failed (one line on stderr says why), 2 bad usage or configuration.",
            "With download-dumps and fetch-shards, 1 also when some objects were refused or failed (each named); the others are downloaded.",
            "With status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. With check: 0 every check passed, 2 one did not.",
            "With verify: 0 clean, 1 problems found (each named), 2 could not run."})
public class Application {

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Properties file to read instead of ./application.properties.")
    Path config;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Log at debug level and print stack traces.")
    boolean debug;

    Clock clock = Clock.systemDefaultZone();
    Map<String, String> environment = System.getenv();

    public static void main(String[] args) {
        System.exit(execute(new Application(), args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    private PrintWriter out;

    PrintWriter out() {
        return out;
    }

    static int execute(Application application, String[] args, PrintWriter out, PrintWriter err) {
        application.out = out;
        CommandLine commandLine = new CommandLine(application);
        commandLine.setOut(out).setErr(err);
        HelpText.install(commandLine);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("error: " + Failures.describe(e));
            if (application.debug) {
                e.printStackTrace(err);
            }
            return Failures.exitCode(e);
        });
        return commandLine.execute(args);
    }

    private boolean quiet;

    /**
     * The settings, checked (every key; swift.key too when {@code needsSwiftKey}), with the log levels
     * they name applied. A problem stops here, before anything starts.
     */
    Settings settings(boolean needsSwiftKey) {
        Path file = config;
        if (file == null && Files.isRegularFile(Path.of("application.properties"))) {
            file = Path.of("application.properties");
        }
        Settings settings = Settings.load(file, environment);
        ConfigCheck.validate(settings, needsSwiftKey);
        LogLevels.apply(settings, debug, quiet);
        return settings;
    }

    /** For commands whose output is their answer (list, status, --dry-run): only warnings and errors are logged. */
    void quiet() {
        quiet = true;
    }

    /** The runtime of one command running the job at {@code endpoint} (Camel's MBeans only with jmx.commands). */
    JobRuntime startCommand(String endpoint) throws Exception {
        return JobRuntime.startCommand(settings(true), clock, endpoint);
    }

}
