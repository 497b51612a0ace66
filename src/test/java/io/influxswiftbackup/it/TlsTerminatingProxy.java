package io.influxswiftbackup.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback TLS-terminating proxy for tests: clients speak TLS to {@code 127.0.0.1:}{@link #port()},
 * where a {@link SelfSigned} test certificate is served, and each connection is relayed as plain TCP
 * to a target (the local Swift proxy), so an http server can be reached over https.
 *
 * <p>The accept loop and the byte pumps are the {@link LoopbackRelay}, which any other test proxy reuses
 * with its own listening socket and {@link LoopbackRelay.Hooks} (the fault-injecting {@link FaultProxy}).
 */
public final class TlsTerminatingProxy implements AutoCloseable {

    private static final int HANDSHAKE_TIMEOUT_MS = 10_000;

    private final LoopbackRelay relay;
    private final AtomicInteger handshakes = new AtomicInteger();

    private TlsTerminatingProxy(SelfSigned certificate, InetSocketAddress target) throws IOException {
        ServerSocket listening = certificate.serverContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.relay = LoopbackRelay.start("tls-proxy", listening, target, new LoopbackRelay.Hooks() {
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
            try (InputStream in = Files.newInputStream(keyStore)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password.toCharArray());
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password.toCharArray());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return context;
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
}
