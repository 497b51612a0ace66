package io.influxswiftbackup.monitor;

import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.failure.Failures;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Watches the job routes ({@code backup}, {@code restore}, {@code dump}, {@code prune}, by route id) through
 * a Camel route policy: when an exchange enters one, a {@link JobRun} starts (and the log lines get
 * the job's name); when it leaves, the outcome goes to the job's state file and MBean. It also
 * knows which jobs are running, so a route reload can wait until none is. One run of a job at a
 * time, across processes: a run first takes the job's {@link JobLock}; when another run holds it,
 * the exchange gets the property {@value #SKIPPED} (the job's route says so and stops), and nothing
 * is recorded: the run that holds the lock is the one in the state file.
 */
public final class JobMonitor implements RoutePolicyFactory {

    public static final String DOMAIN = "io.influxswiftbackup";
    private static final Logger LOG = LoggerFactory.getLogger(JobMonitor.class);

    private final Map<String, JobStats> jobs = new LinkedHashMap<>();
    private final Clock clock;
    private final Set<String> running = new LinkedHashSet<>();
    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private final Path workDir;
    /** Headers that, when true, make an exchange a dry run; restore and prune own their names, Services passes them. */
    private final Set<String> dryRunHeaders;

    /** Exchange property of a run that did not start because the job runs already: the line that says so. */
    public static final String SKIPPED = "skipped";
    private static final String LOCK = "jobLock";

    public JobMonitor(Settings settings, Clock clock, Set<String> dryRunHeaders) {
        this.clock = clock;
        this.workDir = Path.of(settings.get("work.dir"));
        this.dryRunHeaders = Set.copyOf(dryRunHeaders);
        Duration grace = Duration.ofMinutes(settings.getInt("status.grace-minutes"));
        for (String job : Schedule.JOBS) {
            jobs.put(job, new JobStats(Schedule.of(settings, job), JobState.file(workDir, job), clock, grace));
        }
    }

    public static ObjectName objectName(String job) {
        try {
            return new ObjectName(DOMAIN + ":type=Job,name=" + job);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public Collection<JobStats> stats() {
        return jobs.values();
    }

    public JobStats stats(String job) {
        return jobs.get(job);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        JobStats stats = jobs.get(routeId);
        return stats == null ? null : new Policy(stats);
    }

    /** The jobs running now, in this process. */
    public synchronized Set<String> running() {
        return Set.copyOf(running);
    }

    /** Blocks until no job runs in this process, or at most {@code max}. */
    public synchronized void awaitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (long left = max.toNanos(); !running.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private synchronized void started(String job) {
        running.add(job);
    }

    private synchronized void ended(String job) {
        running.remove(job);
        notifyAll();
    }

    /** Shows each job's MBean in the platform MBean server (replacing one of an earlier runtime). */
    public void registerMBeans() {
        for (JobStats stats : jobs.values()) {
            ObjectName name = objectName(stats.getJob());
            try {
                if (mbeans.isRegistered(name)) {
                    mbeans.unregisterMBean(name);
                }
                mbeans.registerMBean(stats, name);
            } catch (JMException e) {
                LOG.warn("Cannot register the MBean {}: {}", name, e.getMessage());
            }
        }
    }

    public void unregisterMBeans() {
        for (JobStats stats : jobs.values()) {
            try {
                ObjectName name = objectName(stats.getJob());
                if (mbeans.isRegistered(name)) {
                    mbeans.unregisterMBean(name);
                }
            } catch (JMException e) {
                LOG.debug("Cannot unregister the MBean of {}: {}", stats.getJob(), e.getMessage());
            }
        }
    }

    private static void release(JobLock lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("Cannot release a job lock: {}", e.getMessage());
        }
    }

    /** The policy of one job route. A dry run (restore --dry-run, prune --dry-run) is not a run. */
    private final class Policy extends RoutePolicySupport {

        private final JobStats stats;

        Policy(JobStats stats) {
            this.stats = stats;
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            if (dryRunHeaders.stream().anyMatch(
                    header -> Boolean.TRUE.equals(exchange.getMessage().getHeader(header, Boolean.class)))) {
                return;
            }
            String job = stats.getJob();
            MDC.put(JobRun.MDC_JOB, job);
            // (a day left on this thread by an earlier run whose end was on another thread, a split's, is not this run's)
            MDC.remove(JobRun.MDC_DAY);
            Path file = JobLock.file(workDir, job);
            JobLock lock = null;
            IOException lockFailure = null;
            try {
                lock = JobLock.tryAcquire(file, clock.instant());
                if (lock == null) {
                    exchange.setProperty(SKIPPED, job + " skipped: another " + job + " runs (" + JobLock.holder(file) + ")");
                    return;
                }
                exchange.setProperty(LOCK, lock);
            } catch (IOException e) {
                lockFailure = e;
            }
            JobRun run = new JobRun(job, clock.instant());
            exchange.setProperty(JobRun.PROPERTY, run);
            started(job);
            stats.begin(run);
            if (lockFailure != null) {
                exchange.setException(new IOException("cannot lock " + file + ": " + lockFailure.getMessage(), lockFailure));
            }
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            JobRun run = exchange.getProperty(JobRun.PROPERTY, JobRun.class);
            if (run == null) {
                if (exchange.getProperty(SKIPPED) != null) {
                    MDC.remove(JobRun.MDC_JOB);
                }
                return;
            }
            exchange.removeProperty(JobRun.PROPERTY);
            JobLock lock = exchange.getProperty(LOCK, JobLock.class);
            exchange.removeProperty(LOCK);
            try {
                String failure = exchange.isFailed() ? Failures.describe(exchange.getException()) : null;
                JobState.Run outcome = stats.end(run, failure);
                if (failure == null) {
                    LOG.info("Job {} succeeded: {}", stats.getJob(), outcome.describe());
                } else {
                    LOG.error("Job {} failed after {} ms ({} moved): {}", stats.getJob(), outcome.durationMs(), run.moved(), failure);
                }
            } finally {
                release(lock);
                ended(stats.getJob());
                MDC.remove(JobRun.MDC_JOB);
                MDC.remove(JobRun.MDC_DAY);
            }
        }
    }
}
