package io.influxswiftbackup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local servers with a real Keystone v3 and its Swift proxy (authtoken + keystoneauth) in front
 * of the same storage: {@code scripts/local-env keystone-start}, run here on the servers' base if
 * the script's {@code start --keystone} did not already. Its {@link LocalServers.Environment} holds
 * local-env-keystone.properties (the config with {@code swift.auth-version=3}) and the shell
 * variables of local-env.sh plus local-env-keystone.sh (OS_* for {@code swift --auth-version 3}).
 */
public final class LocalKeystone {

    private static LocalServers.Environment environment;

    private LocalKeystone() {
    }

    public static synchronized LocalServers.Environment environment() {
        if (environment == null) {
            LocalServers.Environment servers = LocalServers.environment();
            Path properties = servers.base().resolve("local-env-keystone.properties");
            if (!Files.isRegularFile(properties)) {
                LocalServers.run(servers.base(), "keystone-start");
            }
            Map<String, String> shell = new TreeMap<>(servers.shell());
            shell.putAll(LocalServers.readShell(servers.base().resolve("local-env-keystone.sh")));
            environment = new LocalServers.Environment(servers.base(), LocalServers.readProperties(properties), shell);
        }
        return environment;
    }
}
