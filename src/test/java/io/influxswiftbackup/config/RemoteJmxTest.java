package io.influxswiftbackup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.it.TlsTerminatingProxy.SelfSigned;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Remote JMX as the systemd units ship it, in a fresh JVM ({@link RemoteJmxProbe}): the JVM options
 * of the unit's JMX_AGENT lines, uncommented as the unit says to turn remote JMX on, with the
 * packaging's jmxremote.access and its jmxremote.password with a password set (both mode 0600). Only
 * the port (a free one) and the files' directory differ from the unit's. The user 'monitor' reads
 * attributes; an operation or an attribute set is refused, and so are a wrong password, an unknown
 * user and no login; TLS works as the unit's comment gives it; a password file that others can read
 * stops the JVM.
 */
class RemoteJmxTest {

    /** The first line of the unit's commented block that turns remote JMX on. */
    static final String AGENT_LINE = "Environment=\"JMX_AGENT=";
    /** The line of the packaging's jmxremote.password to set and uncomment. */
    static final String PASSWORD_LINE = "#monitor <password>";

    private static final String PASSWORD = "jmx-pw-for-this-test-7Qe";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String ETC = "/etc/influx-swift-backup/";
    private static final ObjectName MEMORY = objectName("java.lang:type=Memory");

    @TempDir
    Path dir;

    /** The unit's text with its JMX_AGENT lines uncommented, as an operator turns remote JMX on. */
    static String agentOn(String unit) {
        return SystemdUnit.uncomment(unit, AGENT_LINE);
    }

    /** The same with TLS, as the unit's comment says: the block's last line replaced by the two lines it gives. */
    static String agentOnWithTls(String unit) {
        String on = agentOn(unit);
        List<String> lines = List.of(on.split("\n", -1));
        int comment = lines.indexOf(lines.stream().filter(l -> l.startsWith("# TLS")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no TLS comment in the unit")));
        List<String> tls = lines.subList(comment + 1, lines.size()).stream().takeWhile(l -> l.startsWith("#  -D"))
                .map(l -> l.substring(1)).toList();
        String plain = "\n  -Dcom.sun.management.jmxremote.ssl=false\"\n";
        if (tls.size() != 2 || !on.contains(plain)) {
            throw new IllegalStateException("the unit's TLS comment no longer fits its JMX_AGENT lines: " + tls);
        }
        return on.replace(plain, "\n" + String.join("\n", tls) + "\n");
    }

    private static String unitOf(String host) throws IOException {
        return Files.readString(Path.of("packaging", "systemd", "influx-swift-backup-" + host + ".service"));
    }

    /** The unit's JVM options, but for the port and the directory of the agent's files. */
    private List<String> optionsFor(String unit, int port) {
        List<String> options = new ArrayList<>();
        for (String option : SystemdUnit.parse(unit).jvmOptions()) {
            if (option.startsWith("-Dcom.sun.management.jmxremote.port=") || option.startsWith("-Dcom.sun.management.jmxremote.rmi.port=")) {
                option = option.substring(0, option.indexOf('=') + 1) + port;
            }
            options.add(option.replace(ETC, dir + "/"));
        }
        assertTrue(options.contains("-Dcom.sun.management.jmxremote.port=" + port), options.toString());
        assertFalse(String.join(" ", options).contains(ETC), options.toString());
        return options;
    }

    /** The packaging's jmxremote.access, and its jmxremote.password with the password of 'monitor' set. */
    private void installFiles(String passwordFileMode) throws IOException {
        Path etc = Path.of("packaging", "etc", "influx-swift-backup");
        Path access = Files.copy(etc.resolve("jmxremote.access"), dir.resolve("jmxremote.access"));
        Files.setPosixFilePermissions(access, PosixFilePermissions.fromString("rw-------"));
        String template = Files.readString(etc.resolve("jmxremote.password"));
        assertTrue(template.contains("\n" + PASSWORD_LINE + "\n"), template);
        Path password = Files.writeString(dir.resolve("jmxremote.password"), template.replace(PASSWORD_LINE, "monitor " + PASSWORD));
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString(passwordFileMode));
    }

    /** The probe JVM; closing it kills it. */
    private record Probe(Process process, Path log) implements AutoCloseable {
        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private Probe start(List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RemoteJmxProbe.class.getName()));
        Path log = Files.createTempFile(dir, "probe", ".log");
        return new Probe(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, Object> login(String user, String password) {
        return new HashMap<>(Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }

    /** A connection as jconsole makes one: the RMI registry at 127.0.0.1:port, then the connection it names. */
    private static JMXConnector connect(int port, Map<String, ?> environment) throws IOException {
        return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"),
                environment);
    }

    /** Connects once the agent answers, within the deadline; fails at once when the probe exits. */
    private static JMXConnector connectWhenUp(Probe probe, int port, Map<String, ?> environment) throws IOException {
        AtomicReference<JMXConnector> connector = new AtomicReference<>();
        AtomicReference<IOException> last = new AtomicReference<>();
        try {
            Awaitility.await("the JDK's agent answers on 127.0.0.1:" + port).atMost(DEADLINE).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!probe.process().isAlive()) {
                            throw new AssertionError("the probe's JVM exited " + probe.process().exitValue() + ": " + probe.output());
                        }
                        try {
                            connector.set(connect(port, environment));
                            return true;
                        } catch (IOException notYet) {
                            last.set(notYet);
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no answer on 127.0.0.1:" + port + " (" + last.get() + "): " + probe.output(), e);
        }
        return connector.get();
    }

    /** One call, given at most the deadline. */
    private static <T> T within(Callable<T> call) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            return executor.submit(call).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        } finally {
            executor.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"production", "intermediary"})
    void theUnitsAgentLetsMonitorReadButNotAct(String host) throws Exception {
        installFiles("rw-------");
        int port = freePort();
        try (Probe probe = start(optionsFor(agentOn(unitOf(host)), port))) {
            try (JMXConnector monitor = connectWhenUp(probe, port, login("monitor", PASSWORD))) {
                MBeanServerConnection server = monitor.getMBeanServerConnection();
                CompositeData heap = (CompositeData) within(() -> server.getAttribute(MEMORY, "HeapMemoryUsage"));
                assertTrue((Long) heap.get("used") > 0, heap.toString());
                SecurityException gc = assertThrows(SecurityException.class, () -> within(() -> server.invoke(MEMORY, "gc", null, null)),
                        "an operation");
                assertTrue(gc.getMessage().startsWith("Access denied!"), gc.getMessage());
                assertThrows(SecurityException.class, () -> within(() -> {
                    server.setAttribute(MEMORY, new Attribute("Verbose", true));
                    return null;
                }), "an attribute set");
            }
            assertThrows(SecurityException.class, () -> within(() -> connect(port, login("monitor", "wrong"))), "a wrong password");
            assertThrows(SecurityException.class, () -> within(() -> connect(port, login("operator", PASSWORD))), "an unknown user");
            assertThrows(SecurityException.class, () -> within(() -> connect(port, Map.of())), "no login");
            for (InetAddress address : otherAddresses()) {
                try (Socket socket = new Socket()) {
                    assertThrows(IOException.class, () -> socket.connect(new InetSocketAddress(address, port), 5_000),
                            "loopback only, not " + address);
                }
            }
            assertTrue(probe.process().isAlive(), probe.output());
        }
    }

    @Test
    void overTlsAsTheUnitsCommentGivesIt() throws Exception {
        installFiles("rw-------");
        SelfSigned certificate = SelfSigned.forLoopback(dir.resolve("tls"));
        Path sslConfig = Files.writeString(dir.resolve("jmxremote-ssl.properties"), "javax.net.ssl.keyStore=" + certificate.keyStore()
                + "\njavax.net.ssl.keyStorePassword=" + certificate.password() + "\n");
        Files.setPosixFilePermissions(sslConfig, PosixFilePermissions.fromString("rw-------"));
        int port = freePort();
        SSLContext previous = SSLContext.getDefault();
        SSLContext.setDefault(trusting(certificate.pem()));
        try (Probe probe = start(optionsFor(agentOnWithTls(unitOf("production")), port))) {
            Map<String, Object> tls = login("monitor", PASSWORD);
            tls.put("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
            try (JMXConnector monitor = connectWhenUp(probe, port, tls)) {
                CompositeData heap = (CompositeData) within(() -> monitor.getMBeanServerConnection().getAttribute(MEMORY, "HeapMemoryUsage"));
                assertTrue((Long) heap.get("used") > 0, heap.toString());
            }
            assertThrows(IOException.class, () -> within(() -> connect(port, login("monitor", PASSWORD))), "plain RMI is refused");
        } finally {
            SSLContext.setDefault(previous);
        }
    }

    @Test
    void aPasswordFileOthersCanReadStopsTheJvm() throws Exception {
        installFiles("rw-r--r--");
        try (Probe probe = start(optionsFor(agentOn(unitOf("production")), freePort()))) {
            assertTrue(probe.process().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the JVM exits");
            assertEquals(1, probe.process().exitValue(), probe.output());
            assertTrue(probe.output().contains("Error: Password file read access must be restricted: " + dir.resolve("jmxremote.password")),
                    probe.output());
        }
    }

    /** This host's IPv4 addresses other than loopback, where the agent must not answer. */
    private static List<InetAddress> otherAddresses() throws SocketException {
        return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).toList();
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
