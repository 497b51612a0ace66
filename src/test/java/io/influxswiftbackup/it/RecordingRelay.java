package io.influxswiftbackup.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback relay in front of a server that keeps every byte the clients sent it (heads and
 * bodies), one record per connection, so a test can say what the server received.
 */
final class RecordingRelay implements AutoCloseable {

    private static final Pattern REQUEST_LINE = Pattern.compile("(GET|POST|PUT|DELETE|HEAD) (/[^ ]*) HTTP/1\\.1\r\n");

    private final LoopbackRelay relay;
    private final List<ByteArrayOutputStream> connections = new ArrayList<>();

    private RecordingRelay(String targetUrl) throws IOException {
        URI target = URI.create(targetUrl);
        relay = LoopbackRelay.start("recording-relay", new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                new InetSocketAddress(target.getHost(), target.getPort()), new LoopbackRelay.Hooks() {
                    @Override
                    public LoopbackRelay.Hooks forConnection(int id) {
                        ByteArrayOutputStream sent = new ByteArrayOutputStream();
                        synchronized (connections) {
                            connections.add(sent);
                        }
                        return new LoopbackRelay.Hooks() {
                            @Override
                            public void pump(InputStream from, OutputStream to, boolean towardTarget) throws IOException {
                                if (!towardTarget) {
                                    LoopbackRelay.Hooks.super.pump(from, to, false);
                                    return;
                                }
                                byte[] buffer = new byte[16 * 1024];
                                for (int n; (n = from.read(buffer)) >= 0; ) {
                                    synchronized (sent) {
                                        sent.write(buffer, 0, n);
                                    }
                                    to.write(buffer, 0, n);
                                    to.flush();
                                }
                            }
                        };
                    }
                });
    }

    /** Listens on a free loopback port and relays to the host and port of {@code targetUrl}. */
    static RecordingRelay start(String targetUrl) throws IOException {
        return new RecordingRelay(targetUrl);
    }

    /** {@code http://127.0.0.1:<port>}. */
    String url() {
        return "http://127.0.0.1:" + relay.port();
    }

    String hostPort() {
        return "127.0.0.1:" + relay.port();
    }

    /** Everything received so far, as text (ISO-8859-1: each byte one character). */
    String received() {
        StringBuilder text = new StringBuilder();
        synchronized (connections) {
            for (ByteArrayOutputStream sent : connections) {
                synchronized (sent) {
                    text.append(sent.toString(StandardCharsets.ISO_8859_1));
                }
            }
        }
        return text.toString();
    }

    /** The request lines received so far ({@code GET /ping}), in the order of their connections. */
    List<String> requests() {
        List<String> lines = new ArrayList<>();
        Matcher matcher = REQUEST_LINE.matcher(received());
        while (matcher.find()) {
            lines.add(matcher.group(1) + " " + matcher.group(2));
        }
        return lines;
    }

    /** Forgets what was received. */
    void clear() {
        synchronized (connections) {
            connections.clear();
        }
    }

    @Override
    public void close() {
        relay.close();
    }
}
