package io.influxswiftbackup.app;

import io.influxswiftbackup.config.Settings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which code the JVM's optimising compiler (C2) may compile ({@code jit.c2}). With {@code digests},
 * only the JDK's digests and ciphers: MD5, SHA-256 and AES are much faster through C2's intrinsics
 * (MD5 and SHA-256 of a 153 MB dump: 0.7 s, against 1.7 s from C1), and this tool checksums every
 * byte it moves. Everything else (Camel, the HTTP client,
 * the dump's decoding) stays with the quick compiler (C1): on a host of two cores shared with
 * InfluxDB, C2 compiling it costs a fresh process more CPU than the work itself, and the code it
 * makes is no faster where the other side sets the pace. With {@code all}, the JVM's default.
 *
 * <p>Applied once per process, as a compiler directive (JEP 165) given through the JVM's
 * DiagnosticCommand MBean, which needs no JVM option; a JVM without it keeps its default.
 */
public final class JitPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(JitPolicy.class);

    /** First match wins: the digests and ciphers may be compiled by C2, nothing else. */
    static final String DIGESTS_ONLY = """
            [ { match: ["sun/security/provider/*.*", "com/sun/crypto/provider/*.*"], c2: { Exclude: false } },
              { match: ["*.*"], c2: { Exclude: true } } ]
            """;

    private static boolean applied;

    private JitPolicy() {
    }

    /** Applies {@code jit.c2} unless this process already has; true if a directive was added now. */
    public static synchronized boolean apply(Settings settings) {
        if (applied || !"digests".equals(settings.get("jit.c2"))) {
            return false;
        }
        applied = true;
        try {
            String answer = addDirectives(DIGESTS_ONLY).strip();
            if (!answer.endsWith("compiler directives added")) {
                LOG.warn("The JVM refused the compiler directive of jit.c2=digests ({}); it keeps its default JIT", answer);
                return false;
            }
            LOG.debug("jit.c2=digests: C2 compiles the JDK's digests and ciphers only ({})", answer);
            return true;
        } catch (JMException | IOException | RuntimeException e) {
            LOG.warn("This JVM takes no compiler directive ({}); it keeps its default JIT", e.toString());
            return false;
        }
    }

    private static String addDirectives(String directives) throws JMException, IOException {
        Path file = Files.createTempFile("influx-swift-backup-jit", ".json");
        try {
            Files.writeString(file, directives, StandardCharsets.US_ASCII);
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(diagnosticCommand(), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static ObjectName diagnosticCommand() throws JMException {
        return new ObjectName("com.sun.management:type=DiagnosticCommand");
    }
}
