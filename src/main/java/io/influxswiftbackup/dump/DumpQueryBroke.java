package io.influxswiftbackup.dump;

import io.influxswiftbackup.failure.TransientFailure;
import io.influxswiftbackup.influx.InfluxUnavailableException;

/**
 * The day's streamed query of a measurement failed on the wire (InfluxDB unreachable, busy or
 * failing, or the connection cut or silent while the answer streamed), named with the measurement,
 * the page it reached and the attempt. Transient: {@code routes/errors.yaml} makes the whole attempt
 * again, after InfluxDB's {@code Retry-After} if it gave one.
 */
public class DumpQueryBroke extends TransientFailure {

    public DumpQueryBroke(String message, InfluxUnavailableException cause) {
        super(message, cause.retryAfterMs(), cause);
    }
}
