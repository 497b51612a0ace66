package io.influxswiftbackup.monitor;

/**
 * What Camel's route MBeans do not know about a job:
 * {@code io.influxswiftbackup:type=Job,name=<backup|restore|dump|prune>}. Times are UTC ISO-8601 instants,
 * empty strings when there is none; "last run" values are of the last run that ended.
 */
public interface JobStatsMBean {

    String getJob();

    boolean isEnabled();

    String getSchedule();

    boolean isRunning();

    String getRunningSince();

    /** OK, WARNING or CRITICAL, as the {@code status} command judges the job now. */
    String getStatus();

    String getStatusText();

    boolean isOverdue();

    String getNextRun();

    String getLastSuccess();

    String getLastSuccessDay();

    String getLastFailure();

    String getLastFailureDay();

    String getLastFailureReason();

    /** success or failure. */
    String getLastOutcome();

    String getLastDay();

    long getLastFiles();

    long getLastBytes();

    long getLastRecords();

    /** Records per measurement of the last dump, "m1=10, m2=0". */
    String getLastRecordsByMeasurement();

    long getLastDurationMillis();

    /** What the last run found amiss without failing (a restore drill's differences, a verify's problems), "; "-separated; "" when nothing. */
    String getLastWarnings();
}
