package io.influxswiftbackup.swift;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Swift TempAuth (v1.0) login: {@code GET <auth-url>} with X-Auth-User and X-Auth-Key. */
public class TempAuth extends SwiftAuth {

    private static final Logger LOG = LoggerFactory.getLogger(TempAuth.class);

    private final String user;
    private final String key;

    public TempAuth(URI authUrl, String user, String key, String storageUrlOverride, Options options) {
        super(authUrl, storageUrlOverride, options);
        this.user = user;
        this.key = key;
    }

    @Override
    protected Session login(Instant requested) {
        HttpResponse<Void> response = send(HttpRequest.newBuilder(authUrl)
                .header("X-Auth-User", user).header("X-Auth-Key", key).GET(), HttpResponse.BodyHandlers.discarding(), "Swift");
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new SwiftException("Swift at " + authUrl + " refused user '" + user + "' (" + status
                    + "): check swift.user and swift.key");
        }
        requireAvailable(response, "Swift login at " + authUrl);
        if (status / 100 != 2) {
            throw new SwiftException("Swift login at " + authUrl + " answered " + status);
        }
        String token = header(response, "X-Auth-Token")
                .orElseThrow(() -> new SwiftException("Swift login at " + authUrl + " returned no X-Auth-Token"));
        String storageUrl = storageUrlOverride != null ? storageUrlOverride : header(response, "X-Storage-Url")
                .orElseThrow(() -> new SwiftException("Swift login at " + authUrl + " returned no X-Storage-Url"));
        long lifeSeconds = header(response, "X-Auth-Token-Expires").map(Long::parseLong).orElse(3600L);
        LOG.info("Logged in to Swift as {} (storage URL {}, token valid for {} s)", user, storageUrl, lifeSeconds);
        return new Session(token, stripTrailingSlash(storageUrl), requested.plusSeconds(lifeSeconds));
    }
}
