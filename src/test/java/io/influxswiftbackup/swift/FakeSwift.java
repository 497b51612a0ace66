package io.influxswiftbackup.swift;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;

/**
 * An in-memory Swift account behind {@link ObjectStore}, thread-safe: containers, objects (bytes,
 * MD5, an optional X-Delete-After against the fake's own clock), container metadata (names in any
 * case, {@code X-Remove-…} and empty values remove), and listings shaped like Swift's JSON. Every
 * call of the interface is logged; hooks run before chosen calls (outside the fake's lock, so a
 * hook may block on a latch or call the fake), to play a concurrent writer or a failing call.
 * Setup and inspection ({@link #createContainer}, {@link #put}, {@link #bytes}, ...) are not logged.
 */
public final class FakeSwift implements ObjectStore {

    /** The operations of {@link ObjectStore}, as the call log and the hooks name them. */
    public enum Op { LIST, CONTAINER_METADATA, POST_CONTAINER_METADATA, READ_SMALL, WRITE_SMALL, CREATE_IF_ABSENT, DELETE, DELETE_CONTAINER }

    /** One call: the operation, its container (null for the account) and object name (null for a container). */
    public record Call(Op op, String container, String name, String thread) {
    }

    private record Stored(byte[] bytes, String md5, String contentType, Instant lastModified, Instant deleteAt,
                          Map<String, Object> listedExtra) {
    }

    private record Hook(Op op, String name, IntPredicate nth, Runnable action) {
    }

    private final Map<String, TreeMap<String, Stored>> containers = new TreeMap<>();
    private final Map<String, Map<String, String>> metadata = new TreeMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final MutableClock clock;

    public FakeSwift(Instant now) {
        this.clock = new MutableClock(now);
    }

    // --- the clock ---------------------------------------------------------------------------------

    public Instant now() {
        return clock.instant();
    }

    public synchronized void advance(Duration duration) {
        clock.advance(duration);
        notifyAll();
    }

    /** The fake's clock: what expiries are measured against. */
    public MutableClock clock() {
        return clock;
    }

    // --- hooks and the call log ----------------------------------------------------------------------

    /** Runs {@code action} before the {@code nth} call (from 1) of {@code op} on {@code name} (the object, or the container for container calls). */
    public FakeSwift before(Op op, String name, int nth, Runnable action) {
        return before(op, name, n -> n == nth, action);
    }

    /** Runs {@code action} before each call of {@code op} on {@code name} whose number (from 1) {@code which} accepts; an action that throws fails the call. */
    public FakeSwift before(Op op, String name, IntPredicate which, Runnable action) {
        hooks.add(new Hook(op, name, which, action));
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(Op op) {
        return calls.stream().filter(c -> c.op() == op).toList();
    }

    public List<Call> calls(Op op, String name) {
        return calls.stream().filter(c -> c.op() == op && name.equals(c.name() != null ? c.name() : c.container())).toList();
    }

    private void called(Op op, String container, String name) {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            calls.add(new Call(op, container, name, Thread.currentThread().getName()));
            String subject = name != null ? name : container;
            int n = counts.merge(op + " " + subject, 1, Integer::sum);
            for (Hook hook : hooks) {
                if (hook.op() == op && hook.name().equals(subject) && hook.nth().test(n)) {
                    actions.add(hook.action());
                }
            }
        }
        actions.forEach(Runnable::run);
    }

    // --- setup and inspection ----------------------------------------------------------------------

    public synchronized FakeSwift createContainer(String container) {
        containers.computeIfAbsent(container, c -> new TreeMap<>());
        metadata.computeIfAbsent(container, c -> new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
        return this;
    }

    public synchronized boolean hasContainer(String container) {
        return containers.containsKey(container);
    }

    /** Stores an object (creating its container), as another client would. */
    public FakeSwift put(String container, String name, byte[] bytes) {
        return put(container, name, bytes, Map.of());
    }

    public FakeSwift put(String container, String name, String text) {
        return put(container, name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Stores an object whose listing entry carries {@code listedExtra} too (a large object's {@code slo_etag}). */
    public synchronized FakeSwift put(String container, String name, byte[] bytes, Map<String, Object> listedExtra) {
        createContainer(container);
        containers.get(container).put(name, new Stored(bytes.clone(), md5(bytes), "application/octet-stream", now(), null,
                Map.copyOf(listedExtra)));
        notifyAll();
        return this;
    }

    /** An object's bytes, or null when there is none (or it expired). */
    public synchronized byte[] bytes(String container, String name) {
        Stored stored = live(container, name);
        return stored == null ? null : stored.bytes().clone();
    }

    public String text(String container, String name) {
        byte[] bytes = bytes(container, name);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public synchronized boolean exists(String container, String name) {
        return live(container, name) != null;
    }

    /** The names in a container, sorted; none when it does not exist. */
    public synchronized List<String> names(String container) {
        TreeMap<String, Stored> objects = containers.get(container);
        if (objects == null) {
            return List.of();
        }
        expire(objects);
        return List.copyOf(objects.keySet());
    }

    /** Sets metadata as another client would (not logged). */
    public synchronized FakeSwift setMetadata(String container, String name, String value) {
        createContainer(container);
        metadata.get(container).put(name, value);
        return this;
    }

    /** Waits until {@code name} is gone (deleted or expired), at most {@code limit}. */
    public synchronized void awaitGone(String container, String name, Duration limit) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (live(container, name) != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(name + " in container " + container + " still there after " + limit);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    // --- ObjectStore -------------------------------------------------------------------------------

    @Override
    public List<Map<String, Object>> list(String container, String prefix) {
        called(Op.LIST, container, null);
        synchronized (this) {
            List<Map<String, Object>> listing = new ArrayList<>();
            if (container == null) {
                containers.forEach((name, objects) -> {
                    if (prefix == null || name.startsWith(prefix)) {
                        expire(objects);
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("name", name);
                        entry.put("count", objects.size());
                        entry.put("bytes", objects.values().stream().mapToLong(o -> o.bytes().length).sum());
                        listing.add(entry);
                    }
                });
                return listing;
            }
            TreeMap<String, Stored> objects = containers.get(container);
            if (objects == null) {
                return listing;
            }
            expire(objects);
            objects.forEach((name, stored) -> {
                if (prefix == null || name.startsWith(prefix)) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("name", name);
                    entry.put("bytes", (long) stored.bytes().length);
                    entry.put("hash", stored.md5());
                    entry.put("content_type", stored.contentType());
                    entry.put("last_modified", stored.lastModified().toString());
                    entry.putAll(stored.listedExtra());
                    listing.add(entry);
                }
            });
            return listing;
        }
    }

    @Override
    public Map<String, String> containerMetadata(String container) {
        called(Op.CONTAINER_METADATA, container, null);
        synchronized (this) {
            TreeMap<String, Stored> objects = containers.get(container);
            if (objects == null) {
                return Map.of();
            }
            expire(objects);
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(metadata.get(container));
            headers.put("X-Container-Object-Count", String.valueOf(objects.size()));
            headers.put("X-Container-Bytes-Used", String.valueOf(objects.values().stream().mapToLong(o -> o.bytes().length).sum()));
            return headers;
        }
    }

    @Override
    public void postContainerMetadata(String container, Map<String, String> headers) {
        called(Op.POST_CONTAINER_METADATA, container, null);
        synchronized (this) {
            Map<String, String> meta = metadata.get(container);
            if (meta == null) {
                throw new SwiftException("metadata of container " + container + ": Swift answered 404");
            }
            headers.forEach((name, value) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith("x-remove-container-meta-")) {
                    meta.remove("X-" + name.substring("X-Remove-".length()));
                } else if (lower.startsWith("x-container-meta-")) {
                    if (value == null || value.isEmpty()) {
                        meta.remove(name);
                    } else {
                        meta.put(name, value);
                    }
                }
            });
        }
    }

    @Override
    public byte[] readSmall(String container, String name) {
        called(Op.READ_SMALL, container, name);
        return bytes(container, name);
    }

    @Override
    public void writeSmall(String container, String name, byte[] body, String contentType) {
        called(Op.WRITE_SMALL, container, name);
        synchronized (this) {
            TreeMap<String, Stored> objects = containers.get(container);
            if (objects == null) {
                throw new SwiftException("upload of " + name + ": Swift answered 404");
            }
            objects.put(name, new Stored(body.clone(), md5(body), contentType, now(), null, Map.of()));
            notifyAll();
        }
    }

    @Override
    public boolean createIfAbsent(String container, String name, byte[] body, int deleteAfterSeconds) {
        called(Op.CREATE_IF_ABSENT, container, name);
        synchronized (this) {
            TreeMap<String, Stored> objects = containers.get(container);
            if (objects == null) {
                throw new SwiftException("creating " + name + ": Swift answered 404");
            }
            if (live(container, name) != null) {
                return false;
            }
            objects.put(name, new Stored(body.clone(), md5(body), "text/plain", now(), now().plusSeconds(deleteAfterSeconds), Map.of()));
            notifyAll();
            return true;
        }
    }

    @Override
    public void delete(String container, String name) {
        called(Op.DELETE, container, name);
        synchronized (this) {
            TreeMap<String, Stored> objects = containers.get(container);
            if (objects != null) {
                objects.remove(name);
            }
            notifyAll();
        }
    }

    @Override
    public int deleteContainer(String container) {
        called(Op.DELETE_CONTAINER, container, null);
        synchronized (this) {
            TreeMap<String, Stored> objects = containers.get(container);
            if (objects == null) {
                return 404;
            }
            expire(objects);
            if (!objects.isEmpty()) {
                return 409;
            }
            containers.remove(container);
            metadata.remove(container);
            return 204;
        }
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** The object unless it expired (X-Delete-After passed: Swift no longer serves it). */
    private Stored live(String container, String name) {
        TreeMap<String, Stored> objects = containers.get(container);
        if (objects == null) {
            return null;
        }
        Stored stored = objects.get(name);
        if (stored != null && stored.deleteAt() != null && !now().isBefore(stored.deleteAt())) {
            objects.remove(name);
            return null;
        }
        return stored;
    }

    private void expire(TreeMap<String, Stored> objects) {
        objects.values().removeIf(o -> o.deleteAt() != null && !now().isBefore(o.deleteAt()));
    }

    public static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
