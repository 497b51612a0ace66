package io.influxswiftbackup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * jit.c2, seen from the JIT itself: a fresh JVM (the probe) prints its compilations, and with
 * {@code digests} C2 (tier 4) compiles the JDK's MD5 but not the probe's own hot method, which C1
 * compiles instead; with {@code all} C2 compiles both.
 */
class JitPolicyTest {

    private static final String OWN_METHOD = "io\\.influxswiftbackup\\.app\\.JitPolicyProbe::spin\\b";
    private static final String MD5 = "sun\\.security\\.provider\\.(MD5::implCompress|DigestBase::implCompressMultiBlock)";
    private static final Pattern OWN_METHOD_BY_C2 = compiledAtTier(4, OWN_METHOD);
    private static final Pattern OWN_METHOD_BY_C1 = compiledAtTier(1, OWN_METHOD);
    private static final Pattern MD5_BY_C2 = compiledAtTier(4, MD5);

    /** A line of -XX:+PrintCompilation: time, id, flags, tier, method. */
    private static Pattern compiledAtTier(int tier, String method) {
        return Pattern.compile("(?m)^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*" + tier + "\\s+" + method);
    }

    private static String probe(String policy) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"),
                JitPolicyProbe.class.getName(), policy).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void digestsLeavesC2TheJdksDigestsOnly() throws Exception {
        String output = probe("digests");
        assertTrue(output.contains("applied=true again=false"), "once per process: " + output);
        assertTrue(MD5_BY_C2.matcher(output).find(), "C2 compiles MD5");
        assertFalse(OWN_METHOD_BY_C2.matcher(output).find(), "C2 leaves the probe's own method alone");
        assertTrue(OWN_METHOD_BY_C1.matcher(output).find(), "C1 compiles it, without profiling");
    }

    @Test
    void allIsTheJvmsDefault() throws Exception {
        String output = probe("all");
        assertTrue(output.contains("applied=false again=false"), output);
        assertTrue(OWN_METHOD_BY_C2.matcher(output).find(), "C2 compiles the probe's own method");
        assertTrue(MD5_BY_C2.matcher(output).find(), "and MD5");
    }
}
