package io.influxswiftbackup.app;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.swift.KeystoneV3Auth;
import io.influxswiftbackup.swift.SwiftAuth;
import io.influxswiftbackup.swift.SwiftHttp;
import io.influxswiftbackup.swift.TempAuth;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** The {@code swiftAuth} bean: TempAuth or Keystone v3, chosen by {@code swift.auth-version}. */
final class SwiftLogin {

    private static final Set<String> INTERFACES = Set.of("public", "internal", "admin");

    private SwiftLogin() {
    }

    static SwiftAuth create(Settings settings, SwiftHttp http, Clock clock) {
        long renewBefore = settings.getInt("swift.renew-before-expiry-s");
        if (renewBefore < 0) {
            throw new ConfigException("swift.renew-before-expiry-s must be 0 or more, not " + renewBefore);
        }
        SwiftAuth.Options options = new SwiftAuth.Options(http, Duration.ofSeconds(renewBefore), clock);
        URI authUrl = URI.create(Services.httpUrl(settings, "swift.auth-url"));
        String storageUrl = settings.getOptional("swift.storage-url");
        String version = settings.get("swift.auth-version");
        return switch (version) {
            case "1" -> new TempAuth(authUrl, settings.get("swift.user"), settings.get("swift.key"), storageUrl, options);
            case "3" -> new KeystoneV3Auth(authUrl, credentials(settings), endpoint(settings), storageUrl, options);
            default -> throw new ConfigException("swift.auth-version must be 1 (TempAuth) or 3 (Keystone v3), not '" + version + "'");
        };
    }

    private static KeystoneV3Auth.Credentials credentials(Settings settings) {
        return new KeystoneV3Auth.Credentials(settings.get("swift.username"), password(settings),
                settings.get("swift.user-domain"), settings.get("swift.project"), settings.get("swift.project-domain"));
    }

    private static KeystoneV3Auth.Endpoint endpoint(Settings settings) {
        String interfaceName = settings.get("swift.interface");
        if (!INTERFACES.contains(interfaceName)) {
            throw new ConfigException("swift.interface must be public, internal or admin, not '" + interfaceName + "'");
        }
        return new KeystoneV3Auth.Endpoint(settings.getOptional("swift.region"), interfaceName);
    }

    /** swift.password (SWIFT_PASSWORD) if set, else the first line of swift.password-file. */
    private static String password(Settings settings) {
        String password = settings.getOptional("swift.password");
        if (password != null) {
            return password;
        }
        String file = settings.getOptional("swift.password-file");
        if (file == null) {
            throw new ConfigException("swift.password is not set: give it in the environment (SWIFT_PASSWORD) or name a"
                    + " file holding it in swift.password-file");
        }
        try {
            String first = Files.readString(Path.of(file)).lines().findFirst().orElse("");
            if (first.isEmpty()) {
                throw new ConfigException("swift.password-file " + file + " is empty");
            }
            return first;
        } catch (IOException e) {
            throw new ConfigException("swift.password-file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
    }
}
