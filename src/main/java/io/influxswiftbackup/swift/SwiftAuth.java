package io.influxswiftbackup.swift;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swift TempAuth (v1.0) login. The token is cached, renewed a minute before it expires, and
 * dropped by {@link #invalidate()} when Swift answers 401, so the next call logs in again.
 */
public class SwiftAuth {

    private static final Logger LOG = LoggerFactory.getLogger(SwiftAuth.class);
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);

    private final URI authUrl;
    private final String user;
    private final String key;
    private final String storageUrlOverride;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private Session session;
    private long logins;

    /** A logged-in session: token, the account's storage URL, and when the token expires. */
    public record Session(String token, String storageUrl, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[storageUrl=" + storageUrl + ", expiresAt=" + expiresAt + "]";
        }
    }

    public SwiftAuth(URI authUrl, String user, String key, String storageUrlOverride,
                     HttpClient http, Duration timeout, Clock clock) {
        this.authUrl = authUrl;
        this.user = user;
        this.key = key;
        this.storageUrlOverride = storageUrlOverride;
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    public String token() {
        return session().token();
    }

    public String storageUrl() {
        return session().storageUrl();
    }

    /** How many times this process logged in; more than one a night means tokens expired or were revoked. */
    public synchronized long logins() {
        return logins;
    }

    public synchronized void invalidate() {
        session = null;
    }

    public synchronized Session session() {
        if (session == null || clock.instant().isAfter(session.expiresAt().minus(RENEW_BEFORE_EXPIRY))) {
            session = login();
            logins++;
        }
        return session;
    }

    /**
     * A HEAD of the account with the current token, for health checks: Swift's status code. A token
     * Swift no longer knows (401) is renewed once.
     */
    public int ping() {
        for (int attempt = 0; ; attempt++) {
            Session current = session();
            HttpRequest request = HttpRequest.newBuilder(URI.create(current.storageUrl())).timeout(timeout)
                    .header("X-Auth-Token", current.token()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                throw new SwiftException("cannot reach Swift at " + current.storageUrl() + ": " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SwiftException("interrupted while asking Swift", e);
            }
            if (status != 401 || attempt > 0) {
                return status;
            }
            invalidate();
        }
    }

    private Session login() {
        HttpRequest request = HttpRequest.newBuilder(authUrl).timeout(timeout)
                .header("X-Auth-User", user).header("X-Auth-Key", key).GET().build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (ConnectException e) {
            throw new SwiftException("cannot reach Swift at " + authUrl + ": connection refused", e);
        } catch (HttpTimeoutException e) {
            throw new SwiftException("Swift at " + authUrl + " did not answer within " + timeout.toSeconds() + " s", e);
        } catch (SSLException e) {
            throw new SwiftException("TLS with Swift at " + authUrl + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SwiftException("cannot reach Swift at " + authUrl + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwiftException("interrupted while logging in to Swift", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new SwiftException("Swift at " + authUrl + " refused user '" + user + "' (" + status
                    + "): check swift.user and swift.key");
        }
        if (status / 100 != 2) {
            throw new SwiftException("Swift login at " + authUrl + " answered " + status);
        }
        String token = header(response, "X-Auth-Token")
                .orElseThrow(() -> new SwiftException("Swift login at " + authUrl + " returned no X-Auth-Token"));
        String storageUrl = storageUrlOverride != null ? storageUrlOverride : header(response, "X-Storage-Url")
                .orElseThrow(() -> new SwiftException("Swift login at " + authUrl + " returned no X-Storage-Url"));
        long lifeSeconds = header(response, "X-Auth-Token-Expires").map(Long::parseLong).orElse(3600L);
        Instant expiresAt = clock.instant().plusSeconds(lifeSeconds);
        LOG.info("Logged in to Swift as {} (storage URL {}, token valid for {} s)", user, storageUrl, lifeSeconds);
        return new Session(token, stripTrailingSlash(storageUrl), expiresAt);
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
