package io.influxswiftbackup.app;

import io.influxswiftbackup.backup.BackupJob;
import io.influxswiftbackup.catchup.CatchUp;
import io.influxswiftbackup.catchup.CatchUpOutcomes;
import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.day.Retention;
import io.influxswiftbackup.download.Downloads;
import io.influxswiftbackup.dump.DumpJob;
import io.influxswiftbackup.dump.NextDumpPage;
import io.influxswiftbackup.failure.RetryAfter;
import io.influxswiftbackup.files.DiskSpace;
import io.influxswiftbackup.influx.ExecChecks;
import io.influxswiftbackup.influx.InfluxChecks;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.monitor.JobMonitor;
import io.influxswiftbackup.prune.PruneJob;
import io.influxswiftbackup.restore.IntermediaryDirs;
import io.influxswiftbackup.restore.IntermediaryService;
import io.influxswiftbackup.restore.RestoreAdvice;
import io.influxswiftbackup.restore.RestoreDrill;
import io.influxswiftbackup.restore.RestoreJob;
import io.influxswiftbackup.restore.RestoreRun;
import io.influxswiftbackup.restore.ShardsOnDisk;
import io.influxswiftbackup.store.ContentStore;
import io.influxswiftbackup.store.StoreSweep;
import io.influxswiftbackup.swift.SwiftAuth;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.verify.VerifyJob;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;

/** The Java beans the YAML routes call, built from the settings; the registry names are the routes' refs. */
public final class Services {

    /** Registry name of the {@link JobMonitor} (Camel applies it to the job routes as a route policy factory). */
    public static final String JOB_MONITOR = "jobMonitor";

    private Services() {
    }

    public static Map<String, Object> create(Settings settings, Clock clock) {
        Map<String, Object> beans = new LinkedHashMap<>();
        SwiftConnection connection = SwiftConnection.open(settings);
        SwiftAuth auth = connection.auth();
        SwiftClient swift = connection.client();
        DayStore days = new DayStore(swift, clock, positive(settings, "manifest.lock-tries"),
                nonNegative(settings, "manifest.lock-retry-ms"), positive(settings, "manifest.lock-expiry-seconds"));
        beans.put("swift", swift);
        beans.put("dayStore", days);
        nonNegative(settings, "retry.max-retries"); // routes/errors.yaml reads it; Camel takes -1 as "forever"
        beans.put("retryAfter", new RetryAfter(nonNegative(settings, "retry.initial-delay-ms"),
                nonNegative(settings, "retry.max-delay-ms")));
        beans.put("collectBodies", new GroupedBodyAggregationStrategy());
        beans.put("clock", clock);
        String timezone = timezone(settings);
        Path workDir = Path.of(settings.get("work.dir"));
        ContentStore store = new ContentStore(swift, settings.get("swift.store-container"), settings.getBoolean("backup.dedup"));
        beans.put("backupJob", new BackupJob(workDir, timezone, clock, settings.get("backup.format"), swift, days, store));
        DiskSpace diskSpace = new DiskSpace(workDir, Path.of(settings.get("influx.production.datadir")),
                settings.get("influx.database"), settings.getInt("disk.free-margin-percent"));
        beans.put("diskSpace", diskSpace);
        beans.put("execChecks", new ExecChecks());
        InfluxClient influxProduction = influxClient(settings, "production");
        InfluxClient influxIntermediary = influxClient(settings, "intermediary");
        beans.put("influxProduction", influxProduction);
        beans.put("influxIntermediary", influxIntermediary);
        beans.put("influxChecks", new InfluxChecks(settings.getInt("restore.start-timeout-ms")));
        IntermediaryDirs intermediaryDirs = new IntermediaryDirs(Path.of(settings.get("influx.intermediary.metadir")),
                Path.of(settings.get("influx.intermediary.datadir")), Path.of(settings.get("influx.intermediary.waldir")));
        beans.put("shardsOnDisk", new ShardsOnDisk(settings.getInt("restore.start-timeout-ms")));
        IntermediaryService intermediaryService = new IntermediaryService(settings.get("influx.intermediary.stop-command"),
                settings.get("influx.intermediary.start-command"), settings.getLong("restore.command-timeout-ms"));
        beans.put("intermediaryService", intermediaryService);
        beans.put("intermediaryDirs", intermediaryDirs);
        beans.put("preflight", new Preflight(swift, influxProduction, influxIntermediary, Path.of(settings.get("influx.influxd")),
                workDir, Path.of(settings.get("dump.dir")), java.util.List.of(Path.of(settings.get("influx.intermediary.metadir")),
                Path.of(settings.get("influx.intermediary.datadir")), Path.of(settings.get("influx.intermediary.waldir"))), settings.get("influx.intermediary.stop-command"),
                settings.get("influx.intermediary.start-command"), diskSpace));
        Path dumpDir = Path.of(settings.get("dump.dir"));
        beans.put("restoreJob", new RestoreJob(workDir, dumpDir, timezone, clock, settings.get("influx.database"),
                target(settings, influxIntermediary, "intermediary", "restore-host"),
                target(settings, influxProduction, "production", "backup-host"),
                intermediaryService, intermediaryDirs, swift, days, diskSpace));
        beans.put("restoreDrill", new RestoreDrill(settings.getBoolean("restore.drill"), settings.get("influx.database"), timezone,
                influxProduction, influxIntermediary));
        beans.put("dumpJob", new DumpJob(dumpDir, timezone, clock, settings.getInt("dump.lag-days"),
                settings.get("dump.measurements"), settings.get("influx.database"),
                settings.getOptional("dump.retention-policy"), positive(settings, "dump.page-size"), influxIntermediary,
                swift, days));
        beans.put("nextDumpPage", new NextDumpPage(settings.getInt("dump.progress-pages")));
        beans.put("catchUp", new CatchUp(settings, clock));
        beans.put("catchUpOutcomes", new CatchUpOutcomes());
        StoreSweep sweep = new StoreSweep(swift, days, store.container(),
                Duration.ofHours(settings.getLong("retention.store-grace-hours")), clock);
        beans.put("pruneJob", new PruneJob(Retention.of(settings.getOptional("retention.days")), timezone, clock, swift, days,
                sweep));
        beans.put("downloads", new Downloads(swift, days));
        beans.put("verifyJob", new VerifyJob(workDir, swift, days));
        beans.put("restoreAdvice", new RestoreAdvice(settings.get("influx.database")));
        JobMonitor monitor = new JobMonitor(settings, clock, Set.of(RestoreJob.DRY_RUN_HEADER, PruneJob.DRY_RUN_HEADER));
        beans.put(JOB_MONITOR, monitor);
        beans.putAll(Health.checks(settings, monitor, auth, influxProduction, influxIntermediary));
        return beans;
    }

    private static int nonNegative(Settings settings, String key) {
        int value = settings.getInt(key);
        if (value < 0) {
            throw new ConfigException(key + " must be 0 or more, not " + value);
        }
        return value;
    }

    static int positive(Settings settings, String key) {
        int value = settings.getInt(key);
        if (value <= 0) {
            throw new ConfigException(key + " must be above 0, not " + value);
        }
        return value;
    }

    /** The InfluxDB of one side, with its credentials (the password from the environment or its file, as any secret). */
    private static InfluxClient influxClient(Settings settings, String side) {
        String prefix = "influx." + side + ".";
        return new InfluxClient(side, httpUrl(settings, prefix + "url"), settings.getOptional(prefix + "user"),
                settings.getOptional(prefix + "password"), positive(settings, "influx.connect-timeout-ms"),
                positive(settings, "influx.timeout-ms"));
    }

    private static RestoreRun.Target target(Settings settings, InfluxClient influx, String name, String rpcKey) {
        return new RestoreRun.Target(name, influx, settings.get("influx." + name + "." + rpcKey),
                settings.get("influx." + name + ".datadir"));
    }

    static String httpUrl(Settings settings, String key) {
        String value = settings.get(key);
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http or https URL");
            }
            return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " '" + value + "' is not an http(s) URL");
        }
    }

    private static String timezone(Settings settings) {
        String zone = settings.get("schedule.timezone");
        try {
            Day.zone(zone);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("schedule.timezone: " + e.getMessage());
        }
        return zone;
    }

    static Path optionalFile(Settings settings, String key) {
        String value = settings.getOptional(key);
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isReadable(path)) {
            throw new ConfigException(key + " " + value + " is not a readable file");
        }
        return path;
    }
}
