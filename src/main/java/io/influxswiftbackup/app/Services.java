package io.influxswiftbackup.app;

import io.influxswiftbackup.backup.BackupRun;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.dump.DumpRun;
import io.influxswiftbackup.influx.ExecChecks;
import io.influxswiftbackup.influx.InfluxChecks;
import io.influxswiftbackup.monitor.Health;
import io.influxswiftbackup.monitor.JobMonitor;
import io.influxswiftbackup.restore.IntermediaryDirs;
import io.influxswiftbackup.restore.RestoreRun;
import io.influxswiftbackup.restore.ShardsOnDisk;
import io.influxswiftbackup.swift.DownloadCheck;
import io.influxswiftbackup.swift.SwiftAuth;
import io.influxswiftbackup.swift.SwiftListing;
import io.influxswiftbackup.swift.SwiftPaths;
import io.influxswiftbackup.swift.SwiftReauthentication;
import io.influxswiftbackup.swift.TrustedTls;
import io.influxswiftbackup.swift.UploadCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The Java beans the YAML routes call, built from settings that {@link io.influxswiftbackup.config.ConfigCheck}
 * has checked; the registry names are the routes' refs.
 */
public final class Services {

    /** Registry name of the {@link JobMonitor} (Camel applies it to the job routes as a route policy factory). */
    public static final String JOB_MONITOR = "jobMonitor";

    private Services() {
    }

    public static Map<String, Object> create(Settings settings, Clock clock) {
        Map<String, Object> beans = new LinkedHashMap<>();
        String caFile = settings.getOptional("swift.ca-file");
        SSLContext tls = TrustedTls.sslContext(caFile == null ? null : Path.of(caFile));
        Duration timeout = Duration.ofMillis(settings.getInt("swift.timeout-ms"));
        HttpClient http = HttpClient.newBuilder().sslContext(tls)
                .connectTimeout(Duration.ofMillis(settings.getInt("swift.connect-timeout-ms"))).build();
        SwiftAuth auth = new SwiftAuth(URI.create(url(settings, "swift.auth-url")), settings.get("swift.user"),
                settings.getOptional("swift.key"), settings.getOptional("swift.storage-url"), http, timeout, Clock.systemUTC());
        beans.put("swiftAuth", auth);
        beans.put("swiftPaths", new SwiftPaths(auth));
        beans.put("swiftListing", new SwiftListing());
        beans.put("swiftReauthentication", new SwiftReauthentication(auth));
        beans.put("uploadCheck", new UploadCheck());
        beans.put("swiftTls", TrustedTls.camelParameters(tls));
        beans.put("clock", clock);
        String timezone = settings.get("schedule.timezone");
        Path workDir = Path.of(settings.get("work.dir"));
        Path dumpDir = Path.of(settings.get("dump.dir"));
        beans.put("backupRun", new BackupRun(workDir, timezone, clock, settings.get("backup.format")));
        beans.put("downloadCheck", new DownloadCheck());
        beans.put("execChecks", new ExecChecks());
        InfluxChecks influxChecks = new InfluxChecks(settings.getInt("restore.start-timeout-ms"));
        beans.put("influxChecks", influxChecks);
        IntermediaryDirs intermediaryDirs = new IntermediaryDirs(Path.of(settings.get("influx.intermediary.metadir")),
                Path.of(settings.get("influx.intermediary.datadir")), Path.of(settings.get("influx.intermediary.waldir")));
        beans.put("shardsOnDisk", new ShardsOnDisk(settings.getInt("restore.start-timeout-ms")));
        beans.put("intermediaryDirs", intermediaryDirs);
        RestoreRun.Target intermediary = target(settings, "intermediary", "restore-host");
        beans.put("restoreRun", new RestoreRun(workDir, dumpDir, timezone, clock,
                settings.get("influx.database"), intermediary, target(settings, "production", "backup-host"),
                settings.get("influx.intermediary.stop-command"), settings.get("influx.intermediary.start-command"),
                intermediaryDirs));
        beans.put("dumpRun", new DumpRun(dumpDir, timezone, clock, settings.getInt("dump.lag-days"),
                settings.get("dump.measurements"), settings.get("influx.database"),
                settings.getOptional("dump.retention-policy"), settings.getInt("dump.page-size"),
                settings.getInt("dump.progress-pages"), intermediary.url(), intermediary.authorization()));
        JobMonitor monitor = new JobMonitor(settings, clock);
        beans.put(JOB_MONITOR, monitor);
        beans.putAll(Health.checks(settings, monitor, auth, influxChecks));
        return beans;
    }

    private static RestoreRun.Target target(Settings settings, String name, String rpcKey) {
        String prefix = "influx." + name + ".";
        return new RestoreRun.Target(name, url(settings, prefix + "url"), settings.get(prefix + rpcKey),
                InfluxChecks.basicAuth(settings.getOptional(prefix + "user"), settings.getOptional(prefix + "password")),
                settings.get(prefix + "datadir"));
    }

    /** A checked http(s) URL, without a trailing slash. */
    private static String url(Settings settings, String key) {
        String value = settings.get(key);
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
