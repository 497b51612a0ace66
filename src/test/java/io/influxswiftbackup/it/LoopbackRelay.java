package io.influxswiftbackup.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts connections on a listening socket and relays each one to a target over plain TCP, a
 * daemon thread per direction. End of stream in one direction is passed on as a half-close (or a
 * full close where the socket cannot half-close); a connection is closed once both directions
 * ended or either failed. {@link #close()} stops accepting, closes every connection and waits
 * for the threads to end.
 */
public final class LoopbackRelay implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final long CLOSE_WAIT_MS = 5_000;

    /** What a proxy built on the relay does with its connections; the defaults relay bytes unchanged. */
    public interface Hooks {
        /**
         * The hooks of connection number {@code id} (1, 2, ... in the order accepted), asked once per
         * connection; a proxy that treats each connection on its own returns an object with its state.
         */
        default Hooks forConnection(int id) {
            return this;
        }

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

    private LoopbackRelay(String name, ServerSocket listening, InetSocketAddress target, Hooks hooks) {
        this.name = name;
        this.listening = listening;
        this.target = target;
        this.hooks = hooks;
    }

    /** Starts accepting on {@code listening} (already bound) and relaying to {@code target}. */
    public static LoopbackRelay start(String name, ServerSocket listening, InetSocketAddress target, Hooks hooks) {
        LoopbackRelay relay = new LoopbackRelay(name, listening, target, hooks);
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
            Hooks connectionHooks = hooks.forConnection(id);
            spawn(connection, () -> relay(connection, client, connectionHooks));
        }
    }

    private void relay(String connection, Socket client, Hooks connectionHooks) {
        Socket upstream = null;
        try {
            connectionHooks.accepted(client);
            upstream = new Socket();
            if (!track(upstream)) {
                return;
            }
            upstream.connect(target, CONNECT_TIMEOUT_MS);
            Socket server = upstream;
            AtomicInteger open = new AtomicInteger(2);
            spawn(connection + "-down", () -> pump(connectionHooks, server, client, false, open));
            pump(connectionHooks, client, server, true, open);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** One direction; the second direction to finish closes both sockets, a failure closes them at once. */
    private void pump(Hooks connectionHooks, Socket from, Socket to, boolean towardTarget, AtomicInteger open) {
        try {
            connectionHooks.pump(from.getInputStream(), to.getOutputStream(), towardTarget);
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
