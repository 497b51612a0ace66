package io.influxswiftbackup.config;

import java.util.Locale;

/** Which configuration keys hold secrets, and how they are shown. */
public final class Secrets {

    private Secrets() {
    }

    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith(".key") || k.endsWith("password") || k.endsWith("secret") || k.endsWith("token");
    }

    public static String mask(String value) {
        return value == null || value.isEmpty() ? "(not set)" : "******";
    }
}
