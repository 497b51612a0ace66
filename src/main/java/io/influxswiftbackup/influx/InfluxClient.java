package io.influxswiftbackup.influx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.config.ConfigException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.util.Timeout;

/**
 * The one way this tool talks to an InfluxDB's HTTP API; one per side (production, intermediary).
 * Pooled connections with connect and read timeouts, no retries of its own (routes/errors.yaml makes
 * them), InfluxDB's own credentials (basic auth from {@code influx.<side>.user} and {@code .password})
 * and no other header of the exchange. Every failure comes out named for this InfluxDB
 * ({@link InfluxFailures}): the wire's and a busy server's are transient, a refused user and
 * InfluxDB's own {@code "error"} are fatal.
 */
public final class InfluxClient implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECTIONS = 4;
    private static final Duration PING_INTERVAL = Duration.ofMillis(200);

    private final String url;
    private final String authorization;
    private final InfluxFailures failures;
    private final CloseableHttpClient http;

    /** {@code password} may be null or empty; without a {@code user} no credentials are sent. */
    public InfluxClient(String side, String url, String user, String password, int connectTimeoutMs, int readTimeoutMs) {
        URI base = parse(side, url);
        int port = base.getPort() >= 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        String login = user == null || user.isBlank() ? null : user;
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = login == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (login + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.failures = new InfluxFailures(side, base.getHost() + ":" + port, login, connectTimeoutMs, readTimeoutMs);
        Timeout read = Timeout.ofMilliseconds(readTimeoutMs);
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(CONNECTIONS).setMaxConnPerRoute(CONNECTIONS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMs)).setSocketTimeout(read).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(read)
                        .setConnectionRequestTimeout(Timeout.ofMilliseconds(connectTimeoutMs)).build())
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement()
                .disableContentCompression().disableAuthCaching()
                .build();
    }

    private static URI parse(String side, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new URISyntaxException(url, "not an http or https URL");
            }
            if (uri.getRawUserInfo() != null) {
                throw new ConfigException("influx." + side + ".url holds credentials: give them as influx." + side
                        + ".user and influx." + side + ".password");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("influx." + side + ".url '" + url + "' is not an http(s) URL");
        }
    }

    /** {@code the intermediary InfluxDB at 127.0.0.1:8086}: how messages name it. */
    public String name() {
        return failures.name();
    }

    public String url() {
        return url;
    }

    /** One {@code /ping}: returns when InfluxDB answers 204, else throws what happened. */
    public void ping() {
        call(new HttpGet(url + "/ping"), 204);
    }

    /** Whether one {@code /ping} is answered; a refusal or an unexpected answer still throws. */
    public boolean answers() {
        try {
            ping();
            return true;
        } catch (InfluxUnavailableException e) {
            return false;
        }
    }

    /** Pings until InfluxDB answers (a server that was just started), at most {@code limit}. */
    public void awaitAnswer(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                ping();
                return;
            } catch (InfluxUnavailableException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new InfluxException(name() + " did not answer within " + limit.toSeconds() + " s (it " + e.what() + ")");
                }
            }
            Thread.sleep(PING_INTERVAL.toMillis());
        }
    }

    /**
     * A statement with a small answer (SHOW ..., SELECT ... LIMIT 1), in {@code database} (or none):
     * its first result. InfluxDB's own {@code "error"} in it fails.
     */
    public JsonNode query(String database, String statement) {
        String parameters = "q=" + encode(statement) + (database == null ? "" : "&db=" + encode(database));
        return firstResult(call(new HttpGet(url + "/query?" + parameters), 200), statement);
    }

    /** A statement that changes something (DROP DATABASE ...), sent as POST: its first result, or InfluxDB's error. */
    public JsonNode command(String statement) {
        HttpPost post = new HttpPost(url + "/query");
        post.setEntity(new StringEntity("q=" + encode(statement), ContentType.APPLICATION_FORM_URLENCODED));
        return firstResult(call(post, 200), statement);
    }

    /**
     * The answer to a {@code /query} form (db, q, chunked, chunk_size ...) in MessagePack, left
     * streaming: the caller reads it as it comes and closes it. A failure while it streams is thrown
     * from its reads as an {@link InfluxUnavailableException}.
     */
    public InputStream streamQuery(String form) {
        HttpPost post = new HttpPost(url + "/query");
        post.setHeader(HttpHeaders.ACCEPT, "application/x-msgpack");
        post.setEntity(new StringEntity(form, ContentType.APPLICATION_FORM_URLENCODED));
        ClassicHttpResponse response = open(post);
        if (response.getCode() != 200) {
            throw rejected(response);
        }
        try {
            return new Answer(post, response, response.getEntity().getContent());
        } catch (IOException e) {
            discard(response);
            throw failures.wire(e);
        }
    }

    @Override
    public void close() {
        http.close(CloseMode.GRACEFUL);
    }

    private ClassicHttpResponse open(HttpUriRequestBase request) {
        if (authorization != null) {
            request.setHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            return http.executeOpen(null, request, null);
        } catch (IOException e) {
            throw failures.wire(e);
        }
    }

    /** Sends the request and returns the body of an answer with the status expected. */
    private byte[] call(HttpUriRequestBase request, int expected) {
        ClassicHttpResponse response = open(request);
        if (response.getCode() != expected) {
            throw rejected(response);
        }
        try (response) {
            return response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
        } catch (IOException e) {
            throw failures.wire(e);
        }
    }

    /** The failure an unexpected status stands for, its (small) body read for InfluxDB's error. */
    private RuntimeException rejected(ClassicHttpResponse response) {
        byte[] body = null;
        try (response) {
            body = response.getEntity() == null ? null : EntityUtils.toByteArray(response.getEntity(), 64 * 1024);
        } catch (IOException unreadable) {
            // the status says enough
        }
        Header retryAfter = response.getFirstHeader(HttpHeaders.RETRY_AFTER);
        return failures.answered(response.getCode(), response.getReasonPhrase(), retryAfter == null ? null : retryAfter.getValue(), body);
    }

    private JsonNode firstResult(byte[] body, String statement) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw new InfluxException(name() + " answered " + statement + " with something that is not JSON");
        }
        String error = answer == null ? null : InfluxFailures.error(answer);
        if (error != null) {
            throw new InfluxException(name() + " failed " + statement + ": " + error);
        }
        return answer == null ? JSON.createObjectNode() : answer.path("results").path(0);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Closes a response without reading the rest of its body: its connection is dropped, not drained. */
    private static void discard(ClassicHttpResponse response) {
        if (response instanceof ModalCloseable closeable) {
            closeable.close(CloseMode.IMMEDIATE);
        } else {
            try {
                response.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /**
     * A streaming answer. A read that fails is the wire's failure, named for this InfluxDB; closing it
     * before its end drops the connection rather than reading the rest of a day's records.
     */
    private final class Answer extends FilterInputStream {

        private final HttpUriRequestBase request;
        private final ClassicHttpResponse response;
        private boolean ended;
        private boolean closed;

        Answer(HttpUriRequestBase request, ClassicHttpResponse response, InputStream body) {
            super(body);
            this.request = request;
            this.response = response;
        }

        @Override
        public int read() {
            try {
                return ended(super.read());
            } catch (IOException e) {
                throw failures.wire(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            try {
                return ended(super.read(buffer, offset, length));
            } catch (IOException e) {
                throw failures.wire(e);
            }
        }

        private int ended(int n) {
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (ended) {
                try {
                    response.close();
                    return;
                } catch (IOException e) {
                    // dropped below
                }
            }
            request.cancel();
            discard(response);
        }
    }
}
