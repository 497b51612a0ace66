package io.influxswiftbackup.swift;

import java.net.URI;
import java.time.Instant;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
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
        SwiftHttp.Answer response = send(ClassicRequestBuilder.get(authUrl)
                .addHeader("X-Auth-User", user).addHeader("X-Auth-Key", key).build(), "Swift");
        int status = response.status();
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
