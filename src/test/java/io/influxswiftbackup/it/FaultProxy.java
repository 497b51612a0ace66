package io.influxswiftbackup.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of the real Swift proxy that breaks chosen requests, for the
 * fault-injection tests. It rewrites every request it forwards to {@code Connection: close}, so a
 * connection carries exactly one request and a fault can be aimed at "the next n requests that
 * match". The faults:
 * <ul>
 *   <li>{@link Fault#ANSWER_503}: the request never reaches Swift; the client gets
 *       {@code 503} with {@code Retry-After} and an {@code X-Trans-Id} of the form {@code tx-fault-<n>};</li>
 *   <li>{@link Fault#CUT_REQUEST_BODY}: the connection is cut after half of the request body went to Swift;</li>
 *   <li>{@link Fault#FLIP_REQUEST_BYTE}: the request body reaches Swift whole, but with the bits of its
 *       middle byte inverted (bytes corrupted on the way, which TCP's checksum let through);</li>
 *   <li>{@link Fault#CUT_RESPONSE}: the connection is cut after the response head and half of its body;</li>
 *   <li>{@link Fault#CUT_RESPONSE_AFTER}: the connection is cut after the response head and the first
 *       {@link #cutAfter(long)} bytes of its body (for a streamed answer, which has no Content-Length);</li>
 *   <li>{@link Fault#STALL_RESPONSE}: Swift's response is swallowed and the connection kept open, so the
 *       client waits until its read timeout.</li>
 * </ul>
 * Every request is recorded ({@link #requests()}), with the fault it got.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Fault { NONE, ANSWER_503, CUT_REQUEST_BODY, FLIP_REQUEST_BYTE, CUT_RESPONSE, CUT_RESPONSE_AFTER, STALL_RESPONSE }

    /** A request as the proxy saw it: its number (1, 2, ...), request line, body length, Accept header, and what was done to it. */
    public record Request(int number, String method, String path, long contentLength, String accept, Fault fault, long atNanos) {
        @Override
        public String toString() {
            return number + " " + method + " " + path + " (" + contentLength + " bytes)" + (fault == Fault.NONE ? "" : " " + fault);
        }
    }

    private static final int MAX_HEAD = 64 * 1024;

    private final LoopbackRelay relay;
    private final List<Request> requests = new ArrayList<>();
    private Fault fault = Fault.NONE;
    private Predicate<Request> hookWhich;
    private Runnable hookAction;
    private int remaining;
    private Predicate<Request> which = r -> false;
    private int retryAfterSeconds = 1;
    private long cutAfterBytes = 4096;

    private FaultProxy(InetSocketAddress target) throws IOException {
        ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        relay = LoopbackRelay.start("fault-proxy", listening, target, new LoopbackRelay.Hooks() {
            @Override
            public LoopbackRelay.Hooks forConnection(int id) {
                return new OneRequest();
            }
        });
    }

    /** Listens on a free loopback port and forwards to {@code host:port}. */
    public static FaultProxy start(String host, int port) throws IOException {
        return new FaultProxy(new InetSocketAddress(host, port));
    }

    /** From now on, the next {@code times} requests that match {@code which} get {@code fault}. */
    public synchronized FaultProxy inject(Fault fault, int times, Predicate<Request> which) {
        this.fault = fault;
        this.remaining = times;
        this.which = which;
        return this;
    }

    /** The {@code Retry-After} of the 503 answers, in seconds (1 unless set). */
    public synchronized FaultProxy retryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** How many bytes of the response body {@link Fault#CUT_RESPONSE_AFTER} lets through (4096 unless set). */
    public synchronized FaultProxy cutAfter(long bytes) {
        this.cutAfterBytes = bytes;
        return this;
    }

    private synchronized long cutAfterBytes() {
        return cutAfterBytes;
    }

    /** Every request so far, in the order they arrived. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Waits until a request that matches came in, at most {@code limit}; fails the test if none did. */
    public synchronized Request await(Predicate<Request> match, java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            for (Request request : requests) {
                if (match.test(request)) {
                    return request;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return org.junit.jupiter.api.Assertions.fail("no such request within " + limit + "; got " + requests);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** The requests that got {@code fault}. */
    public synchronized List<Request> faulted(Fault fault) {
        return requests.stream().filter(r -> r.fault() == fault).toList();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + relay.port();
    }

    @Override
    public void close() {
        relay.close();
    }

    /** Puts the request on the record and decides its fault. */
    private synchronized Request admit(String method, String path, long contentLength, String accept) {
        Request candidate = new Request(requests.size() + 1, method, path, contentLength, accept, Fault.NONE, System.nanoTime());
        Fault chosen = Fault.NONE;
        if (remaining > 0 && which.test(candidate)) {
            remaining--;
            chosen = fault;
        }
        Request request = new Request(candidate.number(), method, path, contentLength, accept, chosen, candidate.atNanos());
        requests.add(request);
        notifyAll();
        return request;
    }

    /** Runs {@code action} once, on the first request {@code which} matches, before that request goes on. */
    public synchronized FaultProxy onFirst(Predicate<Request> which, Runnable action) {
        this.hookWhich = which;
        this.hookAction = action;
        return this;
    }

    private void runHook(Request request) {
        Runnable action;
        synchronized (this) {
            if (hookWhich == null || !hookWhich.test(request)) {
                return;
            }
            action = hookAction;
            hookWhich = null;
            hookAction = null;
        }
        action.run();
    }

    private synchronized int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The hooks of one connection, that is of one request. */
    private final class OneRequest implements LoopbackRelay.Hooks {

        private byte[] head;
        private Request request;
        private final CountDownLatch clientDone = new CountDownLatch(1);

        @Override
        public void accepted(Socket client) throws IOException {
            InputStream in = client.getInputStream();
            String text = new String(readHead(in), StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            long length = 0;
            String accept = "";
            StringBuilder rewritten = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                String name = line.substring(0, Math.max(0, line.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
                if (name.equals("content-length")) {
                    length = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                }
                if (name.equals("accept")) {
                    accept = line.substring(line.indexOf(':') + 1).strip();
                }
                if (!name.equals("connection") && !name.equals("keep-alive")) {
                    rewritten.append(line).append("\r\n");
                }
            }
            rewritten.append("Connection: close\r\n\r\n");
            head = rewritten.toString().getBytes(StandardCharsets.ISO_8859_1);
            request = admit(requestLine[0], requestLine.length > 1 ? requestLine[1] : "", length, accept);
            runHook(request);
            if (request.fault() == Fault.ANSWER_503) {
                in.skipNBytes(length);
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + retryAfterSeconds()
                        + "\r\nX-Trans-Id: tx-fault-" + request.number()
                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                throw new IOException("answered 503 instead of Swift");
            }
        }

        @Override
        public void pump(InputStream from, OutputStream to, boolean towardTarget) throws IOException {
            if (towardTarget) {
                try {
                    to.write(head);
                    if (request.fault() == Fault.CUT_REQUEST_BODY) {
                        copy(from, to, request.contentLength() / 2);
                        throw new IOException("request body cut");
                    }
                    if (request.fault() == Fault.FLIP_REQUEST_BYTE) {
                        copy(from, to, request.contentLength() / 2);
                        int middle = from.read();
                        to.write(middle < 0 ? 0 : ~middle & 0xff);
                    }
                    LoopbackRelay.Hooks.super.pump(from, to, true);
                } finally {
                    clientDone.countDown();
                }
                return;
            }
            switch (request.fault()) {
                case CUT_RESPONSE -> {
                    byte[] responseHead = readHead(from);
                    to.write(responseHead);
                    copy(from, to, contentLength(responseHead) / 2);
                    throw new IOException("response cut");
                }
                case CUT_RESPONSE_AFTER -> {
                    to.write(readHead(from));
                    copy(from, to, cutAfterBytes());
                    throw new IOException("response cut");
                }
                case STALL_RESPONSE -> {
                    from.transferTo(OutputStream.nullOutputStream());
                    awaitClientDone();
                }
                default -> LoopbackRelay.Hooks.super.pump(from, to, false);
            }
        }

        /** Until the client gave up on the connection (it timed out and closed it, or the proxy closed). */
        private void awaitClientDone() throws IOException {
            try {
                clientDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** The bytes up to and including the blank line that ends an HTTP head. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection ended inside an HTTP head");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
            }
        }
        return head.toByteArray();
    }

    private static long contentLength(byte[] head) {
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }

    private static void copy(InputStream from, OutputStream to, long bytes) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        for (long left = bytes; left > 0; ) {
            int n = from.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            to.write(buffer, 0, n);
            left -= n;
        }
        to.flush();
    }
}
