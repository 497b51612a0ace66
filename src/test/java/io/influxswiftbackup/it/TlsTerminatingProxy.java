package io.influxswiftbackup.it;

import io.influxswiftbackup.swift.TrustedTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback TLS-terminating proxy for tests: clients speak TLS to {@code 127.0.0.1:}{@link #port()},
 * where a {@link SelfSigned} test certificate is served, and each connection is relayed as plain TCP
 * to a target (the local Swift proxy), so an http server can be reached over https.
 *
 * <p>The accept loop and the byte pumps are the {@link Relay}, which any other test proxy can reuse
 * with its own listening socket and {@link Relay.Hooks} (a plain or fault-injecting TCP proxy).
 */
public final class TlsTerminatingProxy implements AutoCloseable {

    private static final int HANDSHAKE_TIMEOUT_MS = 10_000;

    private final Relay relay;
    private final AtomicInteger handshakes = new AtomicInteger();

    private TlsTerminatingProxy(SelfSigned certificate, InetSocketAddress target) throws IOException {
        ServerSocket listening = certificate.serverContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.relay = Relay.start("tls-proxy", listening, target, new Relay.Hooks() {
            @Override
            public void accepted(Socket client) throws IOException {
                client.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
                ((SSLSocket) client).startHandshake();
                client.setSoTimeout(0);
                handshakes.incrementAndGet();
            }
        });
    }

    /** Listens on 127.0.0.1 (a free port), serving {@code certificate}, relaying to {@code targetHost:targetPort}. */
    public static TlsTerminatingProxy start(SelfSigned certificate, String targetHost, int targetPort) throws IOException {
        return new TlsTerminatingProxy(certificate, new InetSocketAddress(targetHost, targetPort));
    }

    public int port() {
        return relay.port();
    }

    /** {@code https://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "https://127.0.0.1:" + port();
    }

    /** TCP connections accepted so far, whether or not their TLS handshake succeeded. */
    public int accepted() {
        return relay.accepted();
    }

    /** TLS handshakes completed so far (a client that refuses the certificate completes none). */
    public int handshakes() {
        return handshakes.get();
    }

    @Override
    public void close() {
        relay.close();
    }

    /**
     * A self-signed RSA certificate made by the JDK's {@code keytool} at test time: a PKCS12 key store
     * (for the server side) and the certificate alone as PEM (for a client's CA file).
     */
    public record SelfSigned(Path keyStore, String password, Path pem) {

        /** A certificate for 127.0.0.1 and localhost. */
        public static SelfSigned forLoopback(Path dir) throws IOException {
            return generate(dir, "loopback", "ip:127.0.0.1,dns:localhost");
        }

        /** A certificate whose subject alternative names are {@code san} (keytool syntax, e.g. {@code dns:other.invalid}). */
        public static SelfSigned generate(Path dir, String name, String san) throws IOException {
            Files.createDirectories(dir);
            Path keyStore = dir.resolve(name + ".p12");
            Path pem = dir.resolve(name + ".pem");
            String password = "test-only-" + name;
            keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=influx-swift-backup test " + name, "-ext", "SAN=" + san,
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                    "-storepass", password, "-keypass", password, "-noprompt");
            keytool(dir, "-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(),
                    "-storetype", "PKCS12", "-storepass", password, "-file", pem.toString());
            return new SelfSigned(keyStore, password, pem);
        }

        /** A server-side TLS context presenting this certificate. */
        public SSLContext serverContext() throws IOException {
            try {
                return TrustedTls.serverContext(keyStore, password);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot load the test key store " + keyStore + ": " + e.getMessage(), e);
            }
        }

        private static void keytool(Path dir, String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("keytool " + args[0] + " did not finish in 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running keytool", e);
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " exited " + process.exitValue() + ": " + output);
            }
        }
    }

    /**
     * Accepts connections on a listening socket and relays each one to a target over plain TCP, a
     * daemon thread per direction. End of stream in one direction is passed on as a half-close (or a
     * full close where the socket cannot half-close); a connection is closed once both directions
     * ended or either failed. {@link #close()} stops accepting, closes every connection and waits
     * for the threads to end.
     */
    public static final class Relay implements AutoCloseable {

        private static final int CONNECT_TIMEOUT_MS = 5_000;
        private static final long CLOSE_WAIT_MS = 5_000;

        /** What a proxy built on the relay does with its connections; the defaults relay bytes unchanged. */
        public interface Hooks {
            /** Runs on the connection's own thread before the target is dialled; throwing drops the client. */
            default void accepted(Socket client) throws IOException {
            }

            /** Copies one direction until end of stream; override to delay, cut or corrupt the bytes. */
            default void pump(InputStream from, OutputStream to, boolean towardTarget) throws IOException {
                byte[] buffer = new byte[16 * 1024];
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            }
        }

        private final String name;
        private final ServerSocket listening;
        private final InetSocketAddress target;
        private final Hooks hooks;
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        private final AtomicInteger accepted = new AtomicInteger();
        private volatile boolean closed;

        private Relay(String name, ServerSocket listening, InetSocketAddress target, Hooks hooks) {
            this.name = name;
            this.listening = listening;
            this.target = target;
            this.hooks = hooks;
        }

        /** Starts accepting on {@code listening} (already bound) and relaying to {@code target}. */
        public static Relay start(String name, ServerSocket listening, InetSocketAddress target, Hooks hooks) {
            Relay relay = new Relay(name, listening, target, hooks);
            relay.spawn(name + "-accept", relay::acceptLoop);
            return relay;
        }

        public int port() {
            return listening.getLocalPort();
        }

        public int accepted() {
            return accepted.get();
        }

        private void acceptLoop() {
            int id = 0;
            while (!closed) {
                Socket client;
                try {
                    client = listening.accept();
                } catch (IOException e) {
                    return; // the listening socket was closed
                }
                accepted.incrementAndGet();
                if (!track(client)) {
                    return;
                }
                String connection = name + "-" + ++id;
                spawn(connection, () -> relay(connection, client));
            }
        }

        private void relay(String connection, Socket client) {
            Socket upstream = null;
            try {
                hooks.accepted(client);
                upstream = new Socket();
                if (!track(upstream)) {
                    return;
                }
                upstream.connect(target, CONNECT_TIMEOUT_MS);
                Socket server = upstream;
                AtomicInteger open = new AtomicInteger(2);
                spawn(connection + "-down", () -> pump(server, client, false, open));
                pump(client, server, true, open);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }

        /** One direction; the second direction to finish closes both sockets, a failure closes them at once. */
        private void pump(Socket from, Socket to, boolean towardTarget, AtomicInteger open) {
            try {
                hooks.pump(from.getInputStream(), to.getOutputStream(), towardTarget);
                to.shutdownOutput();
                if (open.decrementAndGet() > 0) {
                    return;
                }
            } catch (IOException | UnsupportedOperationException e) {
                // reset, closed by close(), or a socket that cannot half-close (TLS 1.2): end the connection
            }
            closeQuietly(from);
            closeQuietly(to);
        }

        private boolean track(Socket socket) {
            sockets.add(socket);
            if (closed) {
                closeQuietly(socket);
                return false;
            }
            return true;
        }

        private void spawn(String threadName, Runnable body) {
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            }, threadName);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        private void closeQuietly(Socket socket) {
            if (socket == null) {
                return;
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            sockets.remove(socket);
        }

        /** Stops accepting, closes every connection, and waits (up to 5 s) for all the relay's threads to end. */
        @Override
        public void close() {
            closed = true;
            try {
                listening.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
            while (!threads.isEmpty() || !sockets.isEmpty()) {
                List.copyOf(sockets).forEach(this::closeQuietly);
                for (Thread thread : List.copyOf(threads)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new IllegalStateException(name + ": threads still running after " + CLOSE_WAIT_MS
                                + " ms: " + threads);
                    }
                    try {
                        thread.join(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
