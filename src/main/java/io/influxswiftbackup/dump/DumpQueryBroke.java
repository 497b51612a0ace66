package io.influxswiftbackup.dump;

import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The day's streamed query of a measurement failed on the wire (no answer, a connection cut or
 * silent while the answer streamed, or an HTTP error status), named with the measurement, the page
 * it reached and the attempt. The failure stays its cause, so {@code routes/errors.yaml} decides from
 * it whether the attempt is made again; {@link #getStatusCode()} is the status its rules read.
 */
public class DumpQueryBroke extends DumpException {

    private final int statusCode;

    public DumpQueryBroke(String message, Throwable cause) {
        super(message, cause);
        HttpOperationFailedException answer = answer(cause);
        this.statusCode = answer == null ? 0 : answer.getStatusCode();
    }

    /** The HTTP status InfluxDB answered, or 0 when the failure was not an answer. */
    public int getStatusCode() {
        return statusCode;
    }

    static HttpOperationFailedException answer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException answer) {
                return answer;
            }
        }
        return null;
    }
}
