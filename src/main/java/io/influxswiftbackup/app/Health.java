package io.influxswiftbackup.app;

import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.influx.InfluxClient;
import io.influxswiftbackup.monitor.JobCheck;
import io.influxswiftbackup.monitor.JobMonitor;
import io.influxswiftbackup.monitor.JobStats;
import io.influxswiftbackup.swift.SwiftAuth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Camel health checks of the daemon (JMX: {@code org.apache.camel:context=<name>,type=health,name=DefaultHealthCheck}):
 * one per job, judged as the {@code status} command judges it (down when CRITICAL; a job that never
 * ran, a WARNING, is up with that message), and whether the InfluxDBs the enabled jobs use and Swift
 * answer. Camel picks them up from the registry.
 */
public final class Health {

    public static final String GROUP = "influx-swift-backup";

    private Health() {
    }

    /** Registry name → check. */
    public static Map<String, HealthCheck> checks(Settings settings, JobMonitor monitor, SwiftAuth swift,
                                                 InfluxClient production, InfluxClient intermediary) {
        List<HealthCheck> checks = new ArrayList<>();
        for (JobStats stats : monitor.stats()) {
            checks.add(new Check("job-" + stats.getJob(), () -> {
                JobCheck.Verdict verdict = stats.verdict();
                boolean down = verdict.level() == JobCheck.Level.CRITICAL || verdict.level() == JobCheck.Level.UNKNOWN;
                return new Answer(!down, verdict.level() + ": " + verdict.text());
            }));
        }
        if (settings.getBoolean("backup.enabled")) {
            checks.add(influxCheck("influx-production", production));
        }
        if (settings.getBoolean("restore.enabled") || settings.getBoolean("dump.enabled")) {
            checks.add(influxCheck("influx-intermediary", intermediary));
        }
        checks.add(new Check("swift", () -> {
            int status = swift.ping();
            return new Answer(status / 100 == 2, "Swift answered " + status + " for the account at " + swift.storageUrl());
        }));
        Map<String, HealthCheck> byName = new java.util.LinkedHashMap<>();
        checks.forEach(check -> byName.put("health-" + check.getId(), check));
        return byName;
    }

    private static HealthCheck influxCheck(String id, InfluxClient influx) {
        return new Check(id, () -> {
            influx.ping();
            return new Answer(true, influx.name() + " answers");
        });
    }

    private record Answer(boolean up, String message) {
    }

    /** A readiness check: the process is alive either way, but not doing its work. */
    private static final class Check extends AbstractHealthCheck {

        private final Supplier<Answer> probe;

        Check(String id, Supplier<Answer> probe) {
            super(GROUP, id);
            this.probe = probe;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            try {
                Answer answer = probe.get();
                builder.message(answer.message());
                if (answer.up()) {
                    builder.up();
                } else {
                    builder.down();
                }
            } catch (RuntimeException e) {
                builder.message(io.influxswiftbackup.failure.Failures.describe(e)).down();
            }
        }
    }
}
