package io.influxswiftbackup.app;

import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.swift.LargeObjects;
import io.influxswiftbackup.swift.SwiftAuth;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftHttp;
import io.influxswiftbackup.swift.TrustedTls;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * The Swift client the settings describe, on its own HTTP stack and login: the jobs' beans share
 * one, and the commands that only list Swift (status, list) use one without starting Camel.
 */
public record SwiftConnection(SwiftHttp http, SwiftAuth auth, SwiftClient client) implements AutoCloseable {

    public static SwiftConnection open(Settings settings) {
        int concurrency = Services.positive(settings, "swift.concurrency");
        SwiftHttp http = new SwiftHttp(TrustedTls.sslContext(Services.optionalFile(settings, "swift.ca-file")),
                Duration.ofMillis(Services.positive(settings, "swift.connect-timeout-ms")),
                Duration.ofMillis(Services.positive(settings, "swift.timeout-ms")),
                // one pooled connection for each transfer at once: objects, and each one's segments (plus a listing)
                Math.max(20, concurrency * (concurrency + 1) + 1));
        SwiftAuth auth = SwiftLogin.create(settings, http, Clock.systemUTC());
        SwiftClient client = new SwiftClient(auth, http, new LargeObjects(settings.getLong("swift.segment-size")),
                Services.positive(settings, "swift.listing-page-size"), concurrency, Clock.systemUTC());
        return new SwiftConnection(http, auth, client);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
