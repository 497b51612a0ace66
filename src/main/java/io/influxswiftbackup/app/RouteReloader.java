package io.influxswiftbackup.app;

import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.monitor.JobMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's route reload (a saved file in the routes folder replaces the routes it defines), made safe
 * for jobs that run for an hour:
 * <ul>
 *   <li>never in the middle of a job: a changed file waits until no job runs in this process, and
 *       the schedule is held while the routes change, so no job starts half-way either;</li>
 *   <li>a file with a YAML or Camel error is rejected with one line naming file, line and error,
 *       and the routes it defined are put back as they were last loaded;</li>
 *   <li>per file ({@code removeAllRoutes=false}): Camel 4.17 loses every route with its default,
 *       see camel.md 0.5.</li>
 * </ul>
 */
public final class RouteReloader extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);
    private static final Duration RECHECK = Duration.ofMillis(100);

    private final Path folder;
    private final JobMonitor monitor;
    /** File name → the content last loaded without error. */
    private final Map<String, byte[]> lastGood = new ConcurrentHashMap<>();
    private final AtomicInteger reloaded = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private volatile String waiting;
    private volatile String lastRejection;

    public RouteReloader(Path folder, JobMonitor monitor) {
        super(folder.toString(), false);
        this.folder = folder;
        this.monitor = monitor;
        setPattern(RouteFiles.PATTERN);
        setRemoveAllRoutes(false);
    }

    @Override
    protected void doStart() throws Exception {
        for (Path file : RouteFiles.yamlFiles(folder)) {
            lastGood.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        super.doStart();
        LOG.info("Route files in {} are reloaded when saved, once no job runs", folder);
    }

    /** How many saved files were loaded, and rejected; the file waiting for a job to end, if any. */
    public int reloadedCount() {
        return reloaded.get();
    }

    public int rejectedCount() {
        return rejected.get();
    }

    public String waitingFile() {
        return waiting;
    }

    public String lastRejection() {
        return lastRejection;
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null) {
            super.onRouteReload(null, removeEverything);
            return;
        }
        for (Resource resource : resources) {
            reload(resource);
        }
    }

    private void reload(Resource resource) {
        Path file = Path.of(resource.getLocation().replaceFirst("^file:", ""));
        String name = file.getFileName().toString();
        Scheduler quartz = quartz();
        boolean held;
        try {
            held = holdScheduleWhenIdle(name, quartz);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeCamelException("stopped while " + name + " waited for the running jobs to end");
        }
        String rejection = null;
        try {
            if (!Files.exists(file)) {
                LOG.warn("Routes file {} was deleted: its routes keep running until the next restart", name);
                return;
            }
            byte[] content = Files.readAllBytes(file);
            try {
                super.onRouteReload(List.of(ResourceHelper.fromBytes(resource.getLocation(), content)), false);
                lastGood.put(name, content);
            } catch (RuntimeException e) {
                rejection = reject(file, resource.getLocation(), e);
            }
        } catch (IOException e) {
            throw new RuntimeCamelException("cannot read " + file + ": " + e.getMessage());
        } finally {
            waiting = null;
            if (held) {
                release(quartz);
            }
        }
        if (rejection != null) {
            lastRejection = rejection;
            rejected.incrementAndGet();
            // Camel counts the failure and keeps it as LastError (its own WARN is silenced in log4j2.properties)
            throw new RuntimeCamelException(rejection);
        }
        reloaded.incrementAndGet();
        LOG.info("Reloaded routes file {}", file);
    }

    /** Logs the rejection and puts back the routes of the file as they were last loaded; returns the line. */
    private String reject(Path file, String location, RuntimeException failure) {
        String problem = RouteFiles.describe(failure, folder);
        String line = problem != null ? problem : file + ": " + Failures.describe(failure);
        LOG.error("Rejected {}; the routes of {} keep running as they were", line, file.getFileName());
        byte[] good = lastGood.get(file.getFileName().toString());
        if (good != null) {
            try {
                super.onRouteReload(List.of(ResourceHelper.fromBytes(location, good)), false);
            } catch (RuntimeException e) {
                LOG.error("Could not put back the routes of {} as they were: {}", file, Failures.describe(e));
            }
        }
        return line;
    }

    /**
     * Waits until no job runs here, then holds the Quartz scheduler (no trigger fires while routes
     * change; one that comes due meanwhile fires when it is released). True if it was held.
     */
    private boolean holdScheduleWhenIdle(String name, Scheduler quartz) throws InterruptedException {
        boolean told = false;
        while (true) {
            if (idle(quartz)) {
                boolean hold = standby(quartz);
                if (idle(quartz)) {
                    return hold;
                }
                if (hold) {
                    release(quartz);
                }
            }
            if (!told) {
                Set<String> jobs = monitor.running();
                LOG.info("Routes file {} changed while {} runs: it is reloaded when {} ends", name,
                        jobs.isEmpty() ? "a scheduled job" : "job " + String.join(", ", jobs), jobs.size() > 1 ? "they" : "it");
                told = true;
            }
            waiting = name;
            monitor.awaitIdle(RECHECK);
        }
    }

    private boolean idle(Scheduler quartz) {
        if (!monitor.running().isEmpty()) {
            return false;
        }
        try {
            return quartz == null || quartz.getCurrentlyExecutingJobs().isEmpty();
        } catch (SchedulerException e) {
            return true;
        }
    }

    private Scheduler quartz() {
        QuartzComponent component = (QuartzComponent) getCamelContext().hasComponent("quartz");
        return component == null ? null : component.getScheduler();
    }

    private static boolean standby(Scheduler quartz) {
        try {
            if (quartz != null && quartz.isStarted() && !quartz.isInStandbyMode()) {
                quartz.standby();
                return true;
            }
        } catch (SchedulerException e) {
            LOG.warn("Cannot hold the schedule during the reload: {}", e.getMessage());
        }
        return false;
    }

    private static void release(Scheduler quartz) {
        try {
            quartz.start();
        } catch (SchedulerException e) {
            LOG.error("Cannot restart the schedule after the reload: {}", e.getMessage());
        }
    }
}
