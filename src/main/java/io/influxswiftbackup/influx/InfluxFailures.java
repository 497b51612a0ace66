package io.influxswiftbackup.influx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.failure.RetryAfter;
import io.influxswiftbackup.failure.TransientFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.impl.EnglishReasonPhraseCatalog;

/**
 * What went wrong with a call to one InfluxDB, as the exception that says so: the wire's failures
 * and a busy or failing server are an {@link InfluxUnavailableException} (retried), a refused user
 * an {@link InfluxAccessDeniedException}, anything else an {@link InfluxException} (both fatal).
 * Each names the InfluxDB; none holds a credential.
 */
final class InfluxFailures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String side;
    private final String name;
    private final String user;
    private final long connectTimeoutMs;
    private final long readTimeoutMs;

    InfluxFailures(String side, String hostPort, String user, long connectTimeoutMs, long readTimeoutMs) {
        this.side = side;
        this.name = "the " + side + " InfluxDB at " + hostPort;
        this.user = user;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    /** {@code the intermediary InfluxDB at 127.0.0.1:8086}. */
    String name() {
        return name;
    }

    /** An answer with a status other than the one expected. */
    RuntimeException answered(int status, String reason, String retryAfter, byte[] body) {
        String statusText = status + " " + (reason == null || reason.isBlank() ? standardReason(status) : reason);
        if (status == 401 || status == 403) {
            return refused(statusText, status == 403 ? error(body) : null);
        }
        if (TransientFailure.busyOrFailing(status)) {
            return new InfluxUnavailableException(name, "answered " + statusText,
                    RetryAfter.retryAfterMs(retryAfter, Instant.now()), null);
        }
        String error = error(body);
        return new InfluxException(name + " answered " + statusText + (error == null ? "" : ": " + error));
    }

    private InfluxAccessDeniedException refused(String statusText, String error) {
        String keys = "influx." + side + ".user and influx." + side + ".password";
        if (user == null) {
            return new InfluxAccessDeniedException(name + " requires a user (" + statusText + ") and none is configured: set " + keys);
        }
        return new InfluxAccessDeniedException(name + " refused user '" + user + "' (" + statusText
                + (error == null ? "" : ": " + error) + "): check " + keys);
    }

    /** A failure of the wire: no connection, a connection cut, a silence past the timeout, a TLS or name problem. */
    RuntimeException wire(IOException failure) {
        String detail = " (" + failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")";
        if (failure instanceof UnknownHostException) {
            return new InfluxException(name + " cannot be found: unknown host" + detail + "; check influx." + side + ".url");
        }
        if (failure instanceof SSLException) {
            return new InfluxException(name + " failed the TLS handshake" + detail);
        }
        String what;
        if (failure instanceof ConnectException) {
            what = "refused the connection";
        } else if (failure instanceof ConnectTimeoutException) {
            what = "did not accept a connection within " + connectTimeoutMs + " ms (influx.connect-timeout-ms)";
        } else if (failure instanceof SocketTimeoutException || failure instanceof InterruptedIOException) {
            what = "was silent longer than " + readTimeoutMs + " ms (influx.timeout-ms)";
        } else {
            what = "cut the connection";
        }
        return new InfluxUnavailableException(name, what + detail, null, failure);
    }

    /** InfluxDB's own {@code "error"} in an answer (at the top or in its first result), or null. */
    static String error(JsonNode answer) {
        JsonNode error = answer.has("error") ? answer.get("error") : answer.path("results").path(0).get("error");
        return error == null ? null : error.asText();
    }

    /** The {@code "error"} of an answer's body, or null when it has none or is not JSON. */
    static String error(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return error(JSON.readTree(body));
        } catch (IOException notJson) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : text;
        }
    }

    private static String standardReason(int status) {
        String reason = EnglishReasonPhraseCatalog.INSTANCE.getReason(status, Locale.ENGLISH);
        return reason == null ? "" : reason;
    }
}
