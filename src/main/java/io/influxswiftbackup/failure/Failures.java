package io.influxswiftbackup.failure;

import io.influxswiftbackup.config.ConfigException;

/** Turns a failure into the one line an operator reads, and the exit status. */
public final class Failures {

    /** Exit status of a command whose job failed. */
    public static final int FAILED = 1;
    /** Exit status of bad usage or configuration. */
    public static final int USAGE = 2;

    private Failures() {
    }

    /** The tool's own message (it names the service, its host and what happened), or the root cause's. */
    public static String describe(Throwable failure) {
        Throwable known = find(failure);
        if (known != null) {
            return known.getMessage();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** 2 for a configuration (route files included) the process cannot start with, or bad usage; 1 for a job that failed. */
    public static int exitCode(Throwable failure) {
        Throwable known = find(failure);
        return known instanceof ConfigException || known instanceof IllegalArgumentException
                ? USAGE : FAILED;
    }

    private static Throwable find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("io.influxswiftbackup.") || t instanceof IllegalArgumentException) {
                return t;
            }
        }
        return null;
    }
}
