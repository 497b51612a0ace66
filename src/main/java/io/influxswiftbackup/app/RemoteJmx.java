package io.influxswiftbackup.app;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.swift.TrustedTls;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.MBeanServerForwarder;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import javax.security.auth.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote JMX for the daemon, on one port ({@code jmx.port}) for both the RMI registry and the
 * connection, listening only on {@code jmx.host} (loopback by default), with one user and password
 * ({@code jmx.user}, {@code jmx.password}) and optionally TLS ({@code jmx.ssl}, with
 * {@code jmx.keystore}). jconsole connects to {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}.
 */
public final class RemoteJmx implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteJmx.class);

    private final Registry registry;
    private final JMXConnectorServer server;
    private final JMXServiceURL address;

    private RemoteJmx(Registry registry, JMXConnectorServer server, JMXServiceURL address) {
        this.registry = registry;
        this.server = server;
        this.address = address;
    }

    /** Starts it when jmx.port is set; else returns null (nothing to close). */
    public static RemoteJmx start(Settings settings) throws IOException {
        String port = settings.getOptional("jmx.port");
        if (port == null) {
            return null;
        }
        String host = settings.get("jmx.host");
        InetAddress bind = InetAddress.getByName(host);
        SSLContext tls = settings.getBoolean("jmx.ssl")
                ? tls(Path.of(settings.get("jmx.keystore")), settings.get("jmx.keystore-password")) : null;
        ServerSockets sockets = new ServerSockets(bind, tls);
        SslRMIClientSocketFactory clientSockets = tls == null ? null : new SslRMIClientSocketFactory();
        int number = Integer.parseInt(port);
        // RMI's stubs name this host; it must be the address clients reach, not the machine's own name.
        System.setProperty("java.rmi.server.hostname", host);
        Registry registry = LocateRegistry.createRegistry(number, clientSockets, sockets);
        Map<String, Object> environment = new HashMap<>();
        environment.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        if (clientSockets != null) {
            environment.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
            environment.put("com.sun.jndi.rmi.factory.socket", clientSockets);
        }
        String user = settings.getOptional("jmx.user");
        if (user != null) {
            environment.put(JMXConnectorServer.AUTHENTICATOR, new PasswordCheck(user, settings.get("jmx.password")));
        }
        JMXServiceURL address = new JMXServiceURL("service:jmx:rmi://" + host + ":" + number + "/jndi/rmi://" + host + ":"
                + number + "/jmxrmi");
        JMXConnectorServer server = new RMIConnectorServer(address, environment, ManagementFactory.getPlatformMBeanServer());
        boolean readOnly = "readonly".equals(settings.get("jmx.access"));
        if (readOnly) {
            server.setMBeanServerForwarder(readOnly());
        }
        try {
            server.start();
        } catch (IOException e) {
            UnicastRemoteObject.unexportObject(registry, true);
            throw e;
        }
        LOG.info("Remote JMX at {} ({}, {}, {})", address, user == null ? "no password" : "user " + user,
                readOnly ? "read-only" : "read and write", tls == null ? "no TLS" : "TLS");
        return new RemoteJmx(registry, server, address);
    }

    public JMXServiceURL address() {
        return address;
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } finally {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException ignored) {
                // already gone
            }
        }
    }

    private static SSLContext tls(Path keyStore, String password) {
        try {
            return TrustedTls.serverContext(keyStore, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("jmx.keystore " + keyStore + " cannot be used: " + e.getMessage());
        }
    }

    /**
     * Listens on the one address; TLS when given a context. Equal factories let the registry and the
     * connection share the port.
     */
    private record ServerSockets(InetAddress bind, SSLContext tls) implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return tls == null ? new ServerSocket(port, 50, bind)
                    : tls.getServerSocketFactory().createServerSocket(port, 50, bind);
        }
    }

    /** What a read-only connection may ask of the MBean server: read attributes and follow notifications. */
    private static final Set<String> READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo", "getMBeanCount",
            "getDefaultDomain", "getDomains", "getObjectInstance", "isRegistered", "isInstanceOf", "queryMBeans", "queryNames",
            "addNotificationListener", "removeNotificationListener",
            // the connector's own, to read what a client sends
            "getClassLoaderRepository", "getClassLoader", "getClassLoaderFor");

    /**
     * Between the connections and the MBean server: anything but a read (an operation, setting an
     * attribute, making or removing an MBean) is refused, so a monitoring password cannot stop a route.
     */
    static MBeanServerForwarder readOnly() {
        MBeanServer[] target = new MBeanServer[1];
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "getMBeanServer" -> {
                    return target[0];
                }
                case "setMBeanServer" -> {
                    target[0] = (MBeanServer) args[0];
                    return null;
                }
                default -> {
                    if (!READS.contains(method.getName())) {
                        throw new SecurityException("remote JMX is read-only (jmx.access=readonly): " + method.getName() + " refused");
                    }
                    try {
                        return method.invoke(target[0], args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        };
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, handler);
    }

    /** One user; the password compared in constant time, never logged. */
    private record PasswordCheck(String user, String password) implements JMXAuthenticator {
        @Override
        public Subject authenticate(Object credentials) {
            if (credentials instanceof String[] pair && pair.length == 2 && user.equals(pair[0])
                    && MessageDigest.isEqual(password.getBytes(), String.valueOf(pair[1]).getBytes())) {
                return new Subject(true, Collections.singleton(new JMXPrincipal(user)), Collections.emptySet(),
                        Collections.emptySet());
            }
            throw new SecurityException("wrong JMX user or password");
        }

        @Override
        public String toString() {
            return "PasswordCheck[" + user + "]";
        }
    }
}
