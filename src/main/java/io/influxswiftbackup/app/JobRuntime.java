package io.influxswiftbackup.app;

import io.influxswiftbackup.config.Settings;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel Main process: the YAML routes of {@code routes/}, the beans of {@link Services}, the
 * settings as property placeholders. Either runs the schedule until stopped, or starts without
 * firing any trigger to run one job and stop.
 */
public final class JobRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRuntime.class);

    private final Main main;

    private JobRuntime(Main main) {
        this.main = main;
    }

    public static Main configure(Settings settings, Clock clock, boolean schedule) {
        LOG.info("Configuration (environment > config file > default):");
        settings.describe().forEach(line -> LOG.info("  {}", line));
        Map<String, Object> beans = Services.create(settings, clock);
        Main main = new Main();
        settings.asMap().forEach(main::addOverrideProperty);
        if (settings.getOptional("swift.ca-file") != null) {
            main.addOverrideProperty("camel.component.http.sslContextParameters", "#swiftTls");
            main.addOverrideProperty("camel.component.https.sslContextParameters", "#swiftTls");
        }
        String transfers = String.valueOf(settings.getInt("swift.concurrency"));
        main.addOverrideProperty("camel.threadpool.config[swiftTransfers].poolSize", transfers);
        main.addOverrideProperty("camel.threadpool.config[swiftTransfers].maxPoolSize", transfers);
        if (!schedule) {
            main.addOverrideProperty("camel.component.quartz.autoStartScheduler", "false");
        }
        beans.forEach(main::bind);
        return main;
    }

    /** Starts without the scheduler, for one job run from the command line or a test. */
    public static JobRuntime startOnce(Settings settings, Clock clock) throws Exception {
        Main main = configure(settings, clock, false);
        main.start();
        return new JobRuntime(main);
    }

    /** Runs the schedule until the process is told to stop. */
    public static void runScheduled(Settings settings, Clock clock) throws Exception {
        configure(settings, clock, true).run();
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
