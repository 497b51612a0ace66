package io.influxswiftbackup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.it.TlsTerminatingProxy.SelfSigned;
import io.influxswiftbackup.monitor.JobMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote JMX as jconsole uses it: one port, loopback, one user and password, and TLS when asked. */
class RemoteJmxTest {

    static final String PASSWORD = "jmx-pw-never-printed-4Kd";

    @TempDir
    Path dir;
    JobMonitor monitor;

    @AfterEach
    void unregister() {
        if (monitor != null) {
            monitor.unregisterMBeans();
        }
    }

    private Settings settings(String lines) throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "work.dir = " + dir.resolve("work") + "\n" + lines);
        Settings settings = Settings.load(file, Map.of("JMX_PASSWORD", PASSWORD, "SWIFT_KEY", "k"));
        ConfigCheck.validate(settings, true);
        monitor = new JobMonitor(settings, Clock.systemUTC(), Set.of());
        monitor.registerMBeans();
        return settings;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The backup job's MBean read through a remote connection, as jconsole would. */
    static Object readJob(int port, String user, String password, boolean tls) throws IOException {
        Map<String, Object> environment = new HashMap<>();
        if (user != null) {
            environment.put(JMXConnector.CREDENTIALS, new String[] {user, password});
        }
        if (tls) {
            environment.put("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
        }
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url, environment)) {
            return connector.getMBeanServerConnection().getAttribute(JobMonitor.objectName("backup"), "Schedule");
        } catch (javax.management.JMException e) {
            throw new IOException(e);
        }
    }

    @Test
    void offUnlessAPortIsSet() throws IOException {
        assertNull(RemoteJmx.start(settings("")));
    }

    @Test
    void aUserAndPasswordOnLoopback() throws IOException {
        int port = freePort();
        try (RemoteJmx jmx = RemoteJmx.start(settings("jmx.port = " + port + "\njmx.user = ops\n"))) {
            assertEquals("cron 0 55 23 * * ? (UTC)", readJob(port, "ops", PASSWORD, false));
            assertThrows(SecurityException.class, () -> readJob(port, "ops", "wrong", false));
            assertThrows(SecurityException.class, () -> readJob(port, null, null, false));
        }
    }

    /** Through a remote connection: reads the heap's use, then tries an operation (gc) and an attribute set (Verbose). */
    static List<String> readThenWrite(int port) throws Exception {
        List<String> outcomes = new ArrayList<>();
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"ops", PASSWORD}))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ObjectName memory = new ObjectName("java.lang:type=Memory");
            outcomes.add(server.getAttribute(memory, "HeapMemoryUsage") != null ? "read" : "no value");
            outcomes.add(server.queryNames(new ObjectName("io.influxswiftbackup:type=Job,*"), null).size() + " job MBeans");
            try {
                server.invoke(memory, "gc", null, null);
                outcomes.add("invoked");
            } catch (SecurityException e) {
                outcomes.add("invoke refused: " + e.getMessage());
            }
            try {
                server.setAttribute(memory, new Attribute("Verbose", false));
                outcomes.add("set");
            } catch (SecurityException e) {
                outcomes.add("set refused: " + e.getMessage());
            }
        }
        return outcomes;
    }

    @Test
    void readOnlyByDefaultReadWriteWhenAsked() throws Exception {
        int port = freePort();
        try (RemoteJmx jmx = RemoteJmx.start(settings("jmx.port = " + port + "\njmx.user = ops\n"))) {
            assertEquals(List.of("read", "4 job MBeans",
                    "invoke refused: remote JMX is read-only (jmx.access=readonly): invoke refused",
                    "set refused: remote JMX is read-only (jmx.access=readonly): setAttribute refused"), readThenWrite(port));
        }
        monitor.unregisterMBeans();
        int other = freePort();
        try (RemoteJmx jmx = RemoteJmx.start(settings("jmx.port = " + other + "\njmx.user = ops\njmx.access = readwrite\n"))) {
            assertEquals(List.of("read", "4 job MBeans", "invoked", "set"), readThenWrite(other));
        }
    }

    @Test
    void overTlsWithTheConfiguredKeyStore() throws Exception {
        SelfSigned certificate = SelfSigned.forLoopback(dir.resolve("tls"));
        Path passwordFile = Files.writeString(dir.resolve("keystore-password"), certificate.password());
        int port = freePort();
        SSLContext previous = SSLContext.getDefault();
        SSLContext.setDefault(trusting(certificate.pem()));
        try (RemoteJmx jmx = RemoteJmx.start(settings("jmx.port = " + port + "\njmx.user = ops\njmx.ssl = true\njmx.keystore = "
                + certificate.keyStore() + "\njmx.keystore-password-file = " + passwordFile + "\n"))) {
            assertEquals("cron 0 55 23 * * ? (UTC)", readJob(port, "ops", PASSWORD, true));
            assertThrows(IOException.class, () -> readJob(port, "ops", PASSWORD, false), "plain JMX is refused");
        } finally {
            SSLContext.setDefault(previous);
        }
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
}
