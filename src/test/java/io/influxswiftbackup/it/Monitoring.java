package io.influxswiftbackup.it;

import io.influxswiftbackup.monitor.JobMonitor;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/** What monitoring sees of a running process: the job MBeans (through the platform MBean server) and the health checks. */
final class Monitoring {

    private Monitoring() {
    }

    /** An attribute of {@code io.influxswiftbackup:type=Job,name=<job>}. */
    static Object job(String job, String attribute) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().getAttribute(JobMonitor.objectName(job), attribute);
    }

    /** Every health check's result, by check id. */
    static Map<String, HealthCheck.Result> health(CamelContext context) {
        Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
        HealthCheckHelper.invoke(context, check -> Map.of(HealthCheck.CHECK_KIND, HealthCheck.Kind.ALL), check -> false, "full")
                .forEach(result -> results.put(result.getCheck().getId(), result));
        return results;
    }

    static String describe(HealthCheck.Result result) {
        return result.getState() + " " + result.getMessage().orElse("");
    }
}
