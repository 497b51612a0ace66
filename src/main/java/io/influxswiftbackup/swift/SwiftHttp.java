package io.influxswiftbackup.swift;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP stack of every call to Swift and its auth service (login, health, data): one pool,
 * one TLS trust ({@code swift.ca-file}), one connect timeout and one read timeout
 * ({@code swift.connect-timeout-ms}, {@code swift.timeout-ms}: the longest silence while an answer
 * is awaited or streams). It never retries by itself: a failure of the wire becomes a
 * {@link SwiftUnavailableException} naming the service and its host, and the error policy
 * (routes/errors.yaml) decides.
 */
public final class SwiftHttp implements Closeable {

    /** A whole answer (small: listings, manifests, logins): status, headers (any case), body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name);
        }

        /** Swift's name for the request in its logs, for a message: {@code (X-Trans-Id tx…)}, or empty. */
        public String transaction() {
            for (String name : new String[] {"X-Trans-Id", "X-Openstack-Request-Id"}) {
                if (headers.get(name) != null) {
                    return " (" + name + " " + headers.get(name) + ")";
                }
            }
            return "";
        }
    }

    /** Reads a streamed answer; the stream is that of the body (null when it has none). */
    @FunctionalInterface
    public interface StreamReader<T> {
        T read(int status, Map<String, String> headers, InputStream body) throws IOException;
    }

    private final CloseableHttpClient client;
    private final Duration readTimeout;

    public SwiftHttp(SSLContext tls, Duration connectTimeout, Duration readTimeout, int maxConnections) {
        this.readTimeout = readTimeout;
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(readTimeout)).build())
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(readTimeout))
                        .setConnectionRequestTimeout(Timeout.of(readTimeout)).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .build();
    }

    /** Sends {@code request} to {@code service} and reads the whole answer. */
    public Answer send(ClassicHttpRequest request, String service) {
        return send(request, service, where(request));
    }

    /** The same; a failure of the wire names {@code where} (the auth URL of a login, say). */
    public Answer send(ClassicHttpRequest request, String service, String where) {
        return send(request, service, where, (status, headers, body) ->
                new Answer(status, headers, body == null ? new byte[0] : body.readAllBytes()));
    }

    /** Sends {@code request} to {@code service}; {@code reader} reads the answer while it streams. */
    public <T> T send(ClassicHttpRequest request, String service, StreamReader<T> reader) {
        return send(request, service, where(request), reader);
    }

    private <T> T send(ClassicHttpRequest request, String service, String where, StreamReader<T> reader) {
        try {
            return client.execute(request, response -> read(response, reader));
        } catch (ConnectException e) {
            throw new SwiftUnavailableException("cannot reach " + service + " at " + where + ": connection refused", e);
        } catch (SocketTimeoutException e) {
            throw new SwiftUnavailableException(service + " at " + where + " was silent for "
                    + readTimeout.toSeconds() + " s (swift.timeout-ms)", e);
        } catch (SSLException e) {
            throw new SwiftException("TLS with " + service + " at " + where + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SwiftUnavailableException("the connection to " + service + " at " + where + " broke: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
    }

    private static <T> T read(ClassicHttpResponse response, StreamReader<T> reader) throws IOException {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header header : response.getHeaders()) {
            headers.putIfAbsent(header.getName(), header.getValue());
        }
        HttpEntity entity = response.getEntity();
        try (InputStream body = entity == null ? null : entity.getContent()) {
            return reader.read(response.getCode(), headers, body);
        } finally {
            EntityUtils.consumeQuietly(entity);
        }
    }

    /** The request's URL without its query, for messages. */
    static String where(ClassicHttpRequest request) {
        try {
            URI uri = request.getUri();
            return new URI(uri.getScheme(), uri.getRawAuthority(), uri.getPath(), null, null).toString();
        } catch (Exception e) {
            return String.valueOf(request.getAuthority());
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
