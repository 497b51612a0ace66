package io.influxswiftbackup.app;

import io.influxswiftbackup.config.Settings;
import java.security.MessageDigest;
import java.util.Map;

/**
 * A process for {@link JitPolicyTest}: applies {@code jit.c2} (the argument), then makes both a
 * method of its own and the JDK's MD5 hot enough for C2. Run with -XX:+PrintCompilation.
 */
public final class JitPolicyProbe {

    private JitPolicyProbe() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.load(null, Map.of("JIT_C2", args[0]));
        System.out.println("applied=" + JitPolicy.apply(settings) + " again=" + JitPolicy.apply(settings));
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += spin(i);
        }
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] block = new byte[1 << 16];
        for (int i = 0; i < 2_000; i++) {
            md5.update(block);
        }
        System.out.println("sum=" + sum + " md5=" + md5.digest().length);
    }

    static long spin(long x) {
        long s = 0;
        for (int i = 0; i < 1_000; i++) {
            s += (x ^ i) * 31 + (s >>> 3);
        }
        return s;
    }
}
