package io.influxswiftbackup.failure;

/**
 * What a step needs is not there yet, though nothing failed: a listing that does not show an upload
 * yet (Swift updates listings a little after the PUT), a lock another run holds. The error policy
 * ({@code routes/errors.yaml}) makes the step again with backoff, as for a {@link TransientFailure}.
 */
public class ConflictFailure extends RuntimeException {

    public ConflictFailure(String message) {
        super(message);
    }
}
