package io.influxswiftbackup.catchup;

import io.influxswiftbackup.failure.Failures;
import io.influxswiftbackup.monitor.JobMonitor;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome of each step of the catch-up (a job's run for one day, a split element): done,
 * skipped because the job runs elsewhere (its route stopped), or failed; said and kept for the
 * report. A step's failure or stop does not end the catch-up, and nothing of the job's exchange
 * goes back into the catch-up's.
 */
public class CatchUpOutcomes implements AggregationStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);

    @Override
    public Exchange aggregate(Exchange done, Exchange step) {
        String job = step.getProperty(CatchUp.JOB, String.class);
        String day = step.getProperty(CatchUp.DAY, String.class);
        String skipped = step.getProperty(JobMonitor.SKIPPED, String.class);
        String outcome;
        if (step.getException() != null) {
            String reason = Failures.describe(step.getException());
            LOG.warn("Catch-up: the {} of {} failed: {}", job, day, reason);
            outcome = "failed: " + reason;
        } else if (skipped != null) {
            LOG.warn("Catch-up: the {} of {} is skipped: {}", job, day, skipped);
            outcome = "skipped (another " + job + " runs)";
        } else {
            outcome = "done";
        }
        CatchUp.outcomes(step).put(job + " " + day, outcome);
        return done != null ? done : new DefaultExchange(step.getContext());
    }
}
