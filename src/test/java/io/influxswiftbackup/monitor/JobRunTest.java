package io.influxswiftbackup.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.LogLines;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

/** A run's per-file lines, written by the split's threads at once: at DEBUG, with totals that only grow. */
class JobRunTest {

    private static final Pattern SO_FAR = Pattern.compile("so far (\\d+) files?");

    @Test
    void theSplitsThreadsLogGrowingTotalsAtDebug() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        JobRun run = new JobRun("backup", Instant.now());
        exchange.setProperty(JobRun.PROPERTY, run);
        Configurator.setLevel(JobRun.class.getName(), Level.DEBUG);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (LogLines log = new LogLines(JobRun.class)) {
            for (int i = 0; i < 400; i++) {
                StoredObject stored = new StoredObject("2016-06-11", "2016-06-11/shards/f" + i, 10, "md5", "sha", null, false, 1000);
                threads.submit(() -> JobRun.noteStored(exchange, stored));
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS));
            List<Integer> totals = new ArrayList<>();
            for (String line : log.containing("Verified")) {
                assertTrue(line.startsWith("DEBUG "), line);
                Matcher soFar = SO_FAR.matcher(line);
                assertTrue(soFar.find(), line);
                totals.add(Integer.parseInt(soFar.group(1)));
            }
            assertEquals(400, totals.size());
            for (int i = 0; i < totals.size(); i++) {
                assertEquals(i + 1, totals.get(i), "the lines in the order of their totals: " + totals);
            }
            assertEquals(400, run.files());
        } finally {
            Configurator.setLevel(JobRun.class.getName(), Level.INFO);
        }
    }
}
