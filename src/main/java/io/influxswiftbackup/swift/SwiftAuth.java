package io.influxswiftbackup.swift;

import io.influxswiftbackup.failure.TransientFailure;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Swift login the routes use (bean {@code swiftAuth}): a token and the account's storage URL.
 * The session is cached, renewed {@code swift.renew-before-expiry-s} before its token expires, and
 * dropped by {@link #invalidate()} when Swift answers 401, so the next call logs in again.
 * {@link TempAuth} (v1.0) and {@link KeystoneV3Auth} are the two ways to log in.
 */
public abstract class SwiftAuth {

    private static final Logger LOG = LoggerFactory.getLogger(SwiftAuth.class);
    public static final Duration DEFAULT_RENEW_BEFORE = Duration.ofSeconds(120);

    protected final URI authUrl;
    protected final String storageUrlOverride;
    private final Options options;
    private Session session;
    private long logins;
    private boolean warnedShortLife;

    /** How to reach the auth service (Swift's own HTTP stack: its TLS trust and timeouts), and when to renew. */
    public record Options(SwiftHttp http, Duration renewBefore, Clock clock) {
    }

    /** A logged-in session: token, the account's storage URL, and when the token expires (local clock). */
    public record Session(String token, String storageUrl, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[storageUrl=" + storageUrl + ", expiresAt=" + expiresAt + "]";
        }
    }

    protected SwiftAuth(URI authUrl, String storageUrlOverride, Options options) {
        this.authUrl = authUrl;
        this.storageUrlOverride = storageUrlOverride;
        this.options = options;
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

    /**
     * Drops the session only if Swift rejected the token it still holds: when several transfers
     * get 401 for the same old token at once, the first one logs in again and the others use its token.
     */
    public synchronized void invalidate(String rejectedToken) {
        if (session != null && session.token().equals(rejectedToken)) {
            session = null;
        }
    }

    public synchronized void invalidate() {
        session = null;
    }

    public synchronized Session session() {
        if (session == null || options.clock().instant().isAfter(session.expiresAt().minus(options.renewBefore()))) {
            Instant requested = options.clock().instant();
            session = login(requested);
            logins++;
            Duration life = Duration.between(requested, session.expiresAt());
            if (life.compareTo(options.renewBefore()) <= 0 && !warnedShortLife) {
                warnedShortLife = true;
                LOG.warn("The token is valid for {} s, not longer than swift.renew-before-expiry-s ({} s): every Swift request logs in again",
                        life.toSeconds(), options.renewBefore().toSeconds());
            }
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
            int status = options.http().send(ClassicRequestBuilder.head(current.storageUrl())
                    .addHeader("X-Auth-Token", current.token()).build(), "Swift").status();
            if (status != 401 || attempt > 0) {
                return status;
            }
            invalidate(current.token());
        }
    }

    /** Logs in; {@code requested} is the local time the login started (the token's life counts from it). */
    protected abstract Session login(Instant requested);

    /** Sends a login request; a failure of the wire becomes one line naming {@code service} and the auth URL. */
    protected final SwiftHttp.Answer send(ClassicHttpRequest request, String service) {
        return options.http().send(request, service, authUrl.toString());
    }

    protected static Optional<String> header(SwiftHttp.Answer response, String name) {
        return Optional.ofNullable(response.header(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    protected static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** 408, 429, 498 and 5xx from a login are passing troubles: the error policy retries them. */
    protected static void requireAvailable(SwiftHttp.Answer response, String what) {
        int status = response.status();
        if (TransientFailure.busyOrFailing(status)) {
            throw new SwiftUnavailableException(what + " answered " + status + response.transaction());
        }
    }

}
