package io.influxswiftbackup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** The lines the loggers of some classes write while a unit test runs, as {@code LEVEL message}. */
public final class LogLines implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;
    private final LoggerConfig root;

    public LogLines(Class<?>... sources) {
        Set<String> names = Stream.of(sources).map(Class::getName).collect(Collectors.toSet());
        appender = new AbstractAppender("lines-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (names.contains(event.getLoggerName())) {
                    synchronized (lines) {
                        lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
                    }
                }
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        root = context.getConfiguration().getRootLogger();
        root.addAppender(appender, null, null);
        context.updateLoggers();
    }

    public List<String> all() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public List<String> containing(String text) {
        return all().stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        root.removeAppender(appender.getName());
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
        appender.stop();
    }
}
