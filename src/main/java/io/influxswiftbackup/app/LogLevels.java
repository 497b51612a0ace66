package io.influxswiftbackup.app;

import io.influxswiftbackup.config.Settings;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/** The log levels of application.properties ({@code logging.level.<logger>}), applied to log4j2. */
public final class LogLevels {

    public static final String PREFIX = "logging.level.";

    private LogLevels() {
    }

    /**
     * Applies every {@code logging.level.*} key; {@code debug} (--debug) then raises this tool's own
     * logger to DEBUG, {@code quiet} (commands whose output is their answer) lowers every logger to WARN.
     */
    public static void apply(Settings settings, boolean debug, boolean quiet) {
        settings.asMap().forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                String logger = key.substring(PREFIX.length());
                Level level = Level.toLevel(value.toUpperCase(Locale.ROOT), Level.INFO);
                if (quiet && level.isLessSpecificThan(Level.WARN)) {
                    level = Level.WARN;
                }
                if (logger.equals("root")) {
                    Configurator.setRootLevel(level);
                } else {
                    Configurator.setLevel(logger, level);
                }
            }
        });
        if (quiet && !debug) {
            Configurator.setRootLevel(Level.WARN);
        }
        if (debug) {
            Configurator.setLevel("io.influxswiftbackup", Level.DEBUG);
        }
    }

    /**
     * Camel's lines about itself starting and stopping (not about a job) at WARN, unless this tool's
     * own logger is at DEBUG (--debug): a command's output is its job's.
     */
    public static void quietCamelLifecycle() {
        if (!LogManager.getLogger("io.influxswiftbackup").isDebugEnabled()) {
            for (String logger : new String[] {"org.apache.camel.main", "org.apache.camel.impl.engine.AbstractCamelContext"}) {
                Configurator.setLevel(logger, Level.WARN);
            }
        }
    }
}
