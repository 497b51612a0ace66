package io.influxswiftbackup.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Keys this tool no longer has, each with what replaces it: refused when set, in a file or in the environment. */
public final class RemovedKeys {

    private static final Map<String, String> REPLACEMENTS = new LinkedHashMap<>();

    static {
        REPLACEMENTS.put("jit.c2", "the JVM's default compilers are used");
        String agent = "remote JMX is the JDK's agent, set with -Dcom.sun.management.jmxremote.* options in the systemd unit"
                + " (its JMX_AGENT line; docs/operations.md, \"Monitoring: JMX\")";
        for (String key : List.of("jmx.port", "jmx.host", "jmx.user", "jmx.password", "jmx.password-file", "jmx.access",
                "jmx.ssl", "jmx.keystore", "jmx.keystore-password", "jmx.keystore-password-file")) {
            REPLACEMENTS.put(key, agent);
        }
    }

    private RemovedKeys() {
    }

    public static Set<String> names() {
        return Collections.unmodifiableSet(REPLACEMENTS.keySet());
    }

    /** Removed key to what replaces it, in the order they are reported. */
    public static Map<String, String> replacements() {
        return Collections.unmodifiableMap(REPLACEMENTS);
    }
}
