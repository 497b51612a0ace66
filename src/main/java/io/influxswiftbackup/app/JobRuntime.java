package io.influxswiftbackup.app;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Secrets;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.monitor.JobMonitor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel Main process: the YAML routes of the routes folder, the beans of {@link Services}, the
 * settings as property placeholders (secrets excepted: no route needs one), the job monitor. Either
 * the daemon, which runs the schedule until stopped (with routes.reload, it reloads saved route files),
 * or a process that starts without firing any trigger to run one job and stop. Remote JMX is the JDK's
 * agent, set with JVM options (the systemd units), not here.
 */
public final class JobRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRuntime.class);

    /** One job from the command line (no trigger fires, no reload), or the scheduled daemon. */
    public enum Mode { ONCE, DAEMON }

    private final Main main;
    private final Path routes;
    private final JobMonitor monitor;
    private final RouteReloader reloader;
    private final Collection<Object> beans;

    private JobRuntime(Main main, Path routes, JobMonitor monitor, RouteReloader reloader, Collection<Object> beans) {
        this.main = main;
        this.routes = routes;
        this.monitor = monitor;
        this.reloader = reloader;
        this.beans = beans;
    }

    static JobRuntime configure(Settings settings, Clock clock, Mode mode) {
        return configure(settings, clock, mode, null);
    }

    /** {@code endpoint}: the one job endpoint this process runs (only the route files it needs are loaded), or null for all. */
    static JobRuntime configure(Settings settings, Clock clock, Mode mode, String endpoint) {
        ConfigCheck.validate(settings, true);
        logConfiguration(settings);
        Path routes = RouteFiles.folder(settings);
        Map<String, Object> beans = Services.create(settings, clock);
        JobMonitor monitor = (JobMonitor) beans.get(Services.JOB_MONITOR);
        Main main = new Main();
        settings.asMap().forEach((key, value) -> {
            if (!Secrets.isSecret(key)) {
                main.addOverrideProperty(key, value);
            }
        });
        main.addOverrideProperty("camel.main.routesIncludePattern", endpoint == null ? "file:" + routes + "/" + RouteFiles.PATTERN
                : String.join(",", RouteFiles.forEndpoint(routes, endpoint).stream().map(file -> "file:" + file).toList()));
        String concurrency = String.valueOf(settings.getInt("swift.concurrency"));
        main.addOverrideProperty("camel.threadpool.config[swiftTransfers].poolSize", concurrency);
        main.addOverrideProperty("camel.threadpool.config[swiftTransfers].maxPoolSize", concurrency);
        // routes/catch-up.yaml runs once at the start of the daemon only.
        main.addOverrideProperty("runtime.daemon", String.valueOf(mode == Mode.DAEMON));
        if (mode == Mode.ONCE) {
            // One job from the command line: the schedule's routes are left out, so no Quartz scheduler
            // is made (its start, and its stop that waits for it, cost a command about half a second).
            main.addOverrideProperty("camel.main.routeFilterExcludePattern", "quartz:*");
            // Camel's start and stop lines say nothing about the job: at DEBUG (--debug) only.
            main.addOverrideProperty("camel.main.startupSummaryLevel", "Off");
            LogLevels.quietCamelLifecycle();
        }
        beans.forEach(main::bind);
        RouteReloader reloader = mode == Mode.DAEMON && settings.getBoolean("routes.reload")
                ? new RouteReloader(routes, monitor) : null;
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                if (reloader != null) {
                    try {
                        configured.getCamelContext().addService(reloader);
                    } catch (Exception e) {
                        throw RuntimeCamelException.wrapRuntimeException(e);
                    }
                }
            }

            @Override
            public void afterStart(BaseMainSupport started) {
                monitor.registerMBeans();
            }

            @Override
            public void afterStop(BaseMainSupport stopped) {
                monitor.unregisterMBeans();
                closeAll(beans.values()); // the InfluxDB clients' pooled connections
            }
        });
        return new JobRuntime(main, routes, monitor, reloader, beans.values());
    }

    /** The keys not at their default, on one line; every key, with its source, at DEBUG (--debug). */
    private static void logConfiguration(Settings settings) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Configuration (environment > config file > default):");
            settings.describe().forEach(line -> LOG.debug("  {}", line));
        } else {
            List<String> changed = settings.describeChanged();
            LOG.info("Configuration: {} (the other keys at their default; --debug lists every key)",
                    changed.isEmpty() ? "every key at its default" : String.join("; ", changed));
        }
    }

    private static void closeAll(Iterable<Object> beans) {
        for (Object bean : beans) {
            if (bean instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.debug("Closing {}: {}", bean, e.toString());
                }
            }
        }
    }

    /** Starts without the scheduler, for one job run from the command line or a test. */
    public static JobRuntime startOnce(Settings settings, Clock clock) throws Exception {
        return start(settings, clock, Mode.ONCE);
    }

    /**
     * Starts for one command run from the command line: as {@link #startOnce}, but Camel registers
     * its MBeans only with jmx.commands (a command that ends in seconds is not watched in jconsole,
     * and registering them costs it a second of CPU); the daemon always has them. Only the route
     * files {@code endpoint}'s job uses are loaded.
     */
    public static JobRuntime startCommand(Settings settings, Clock clock, String endpoint) throws Exception {
        JobRuntime runtime = configure(settings, clock, Mode.ONCE, endpoint);
        if (!settings.getBoolean("jmx.commands")) {
            runtime.main.addOverrideProperty("camel.main.jmxEnabled", "false");
        }
        return started(runtime);
    }

    /** Starts in the given mode and returns at once (a test's daemon). */
    public static JobRuntime start(Settings settings, Clock clock, Mode mode) throws Exception {
        return started(configure(settings, clock, mode));
    }

    private static JobRuntime started(JobRuntime runtime) throws Exception {
        runtime.starting(runtime.main::start);
        runtime.monitor.registerMBeans();
        return runtime;
    }

    /** The daemon: runs the schedule until the process is told to stop. */
    public static void runDaemon(Settings settings, Clock clock) throws Exception {
        JobRuntime runtime = configure(settings, clock, Mode.DAEMON);
        runtime.starting(runtime.main::run);
    }

    /** Runs {@code start}; a route file Camel cannot load or start becomes a one-line configuration error. */
    private void starting(Starter start) throws Exception {
        try {
            start.run();
        } catch (Exception e) {
            String problem = RouteFiles.describe(e, routes);
            if (problem != null) {
                throw new ConfigException("routes: " + problem);
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface Starter {
        void run() throws Exception;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public JobMonitor monitor() {
        return monitor;
    }

    /** The route reloader, when this is a daemon with routes.reload=true; else null. */
    public RouteReloader reloader() {
        return reloader;
    }

    /** Sends one exchange to a job's endpoint and returns it, failed or not. */
    public Exchange run(String endpoint, Map<String, Object> headers) {
        return run(endpoint, headers, Map.of());
    }

    /** The same, with exchange properties (the shared steps take their input that way). */
    public Exchange run(String endpoint, Map<String, Object> headers, Map<String, Object> properties) {
        ProducerTemplate template = context().createProducerTemplate();
        try {
            return template.send(endpoint, exchange -> {
                exchange.getMessage().setHeaders(new java.util.HashMap<>(headers));
                properties.forEach(exchange::setProperty);
            });
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // nothing to release beyond the template's own producer cache
            }
        }
    }

    @Override
    public void close() {
        main.stop();
        monitor.unregisterMBeans();
        closeAll(beans);
    }
}
