package io.influxswiftbackup.app;

import io.influxswiftbackup.config.ConfigCheck;
import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Secrets;
import io.influxswiftbackup.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel Main process: the YAML routes of the routes folder, the beans of {@link Services}, the
 * settings as property placeholders (secrets excepted: no route needs one). Either runs the schedule
 * until stopped, or starts without firing any trigger to run one job and stop.
 */
public final class JobRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRuntime.class);

    private final Main main;

    private JobRuntime(Main main) {
        this.main = main;
    }

    /** Runs {@code start}; a route file Camel cannot load or start becomes a one-line configuration error. */
    static void starting(Path routes, Starter start) throws Exception {
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
    interface Starter {
        void run() throws Exception;
    }

    public static Main configure(Settings settings, Clock clock, boolean schedule) {
        ConfigCheck.validate(settings, true);
        LOG.info("Configuration (environment > config file > default):");
        settings.describe().forEach(line -> LOG.info("  {}", line));
        Path routes = RouteFiles.folder(settings);
        Map<String, Object> beans = Services.create(settings, clock);
        Main main = new Main();
        settings.asMap().forEach((key, value) -> {
            if (!Secrets.isSecret(key)) {
                main.addOverrideProperty(key, value);
            }
        });
        main.addOverrideProperty("camel.main.routesIncludePattern", "file:" + routes + "/" + RouteFiles.PATTERN);
        if (settings.getOptional("swift.ca-file") != null) {
            main.addOverrideProperty("camel.component.http.sslContextParameters", "#swiftTls");
            main.addOverrideProperty("camel.component.https.sslContextParameters", "#swiftTls");
        }
        if (!schedule) {
            main.addOverrideProperty("camel.component.quartz.autoStartScheduler", "false");
        }
        beans.forEach(main::bind);
        return main;
    }
    /** Starts without the scheduler, for one job run from the command line or a test. */
    public static JobRuntime startOnce(Settings settings, Clock clock) throws Exception {
        Main main = configure(settings, clock, false);
        starting(RouteFiles.folder(settings), main::start);
        return new JobRuntime(main);
    }

    /** Runs the schedule until the process is told to stop. */
    public static void runScheduled(Settings settings, Clock clock) throws Exception {
        Main main = configure(settings, clock, true);
        starting(RouteFiles.folder(settings), main::run);
    }

    public CamelContext context() {
        return main.getCamelContext();
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
    }
}
