package io.influxswiftbackup.swift;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.failure.ConflictFailure;
import io.influxswiftbackup.failure.RetryAfter;
import io.influxswiftbackup.failure.TransientFailure;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.http.FileRange.Checksums;
import io.influxswiftbackup.swift.LargeObjects.Limits;
import io.influxswiftbackup.swift.LargeObjects.Segment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.impl.EnglishReasonPhraseCatalog;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one face of Swift: every call the jobs make, each a whole operation (an upload checked against
 * what Swift stored, a download checked before it is kept, a listing of every page, ...). The token,
 * URLs, headers and status codes stay in here: a 401 logs in again and sends the request once more;
 * a call Swift could not take (408, 429, 498, 5xx, the wire) throws {@link SwiftUnavailableException},
 * which the error policy (routes/errors.yaml) retries by making the whole operation again; anything
 * else throws {@link SwiftException}, which fails the run.
 */
public class SwiftClient implements ObjectStore, LargeObjectUpload.Target {

    private static final Logger LOG = LoggerFactory.getLogger(SwiftClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUFFER = 256 * 1024;

    /**
     * An object this run stored (or found stored, identical): what its listing must show, and its
     * checksums. A {@code link} is a static symlink to content stored once: then {@code reused} tells
     * whether the content was there already, and the other fields are the content's.
     */
    public record StoredObject(String container, String name, long bytes, String md5, String sha256, String sloEtag,
                               boolean reused, long nanos, Link link) {

        public StoredObject(String container, String name, long bytes, String md5, String sha256, String sloEtag,
                            boolean reused, long nanos) {
            this(container, name, bytes, md5, sha256, sloEtag, reused, nanos, null);
        }

        /** The hash a listing shows for it: the MD5, or a large object's SLO ETag. */
        public String listedHash() {
            return sloEtag != null ? sloEtag : md5;
        }

        /** A link {@code name} in {@code container} to this content, pinned to {@code targetEtag}. */
        public StoredObject linkedAs(String container, String name, String targetEtag) {
            return new StoredObject(container, name, bytes, md5, sha256, sloEtag, reused, nanos, new Link(path(), targetEtag));
        }

        /** The object as {@code <container>/<object>}, as a link names its target. */
        public String path() {
            return container + "/" + name;
        }
    }

    /** A static symlink's target ({@code <container>/<object>}) and the target's ETag it is pinned to. */
    public record Link(String target, String targetEtag) {
    }

    /** An object downloaded, verified and renamed into place. */
    public record Downloaded(String name, Path file, long bytes, String md5, String sha256, long nanos) {
    }

    private final SwiftAuth auth;
    private final SwiftHttp http;
    private final LargeObjects largeObjects;
    private final int listingPageSize;
    private final Clock clock;
    private final ExecutorService segmentTransfers;
    private volatile Limits limits;

    /** {@code concurrency}: segments of a large object sent at a time. */
    public SwiftClient(SwiftAuth auth, SwiftHttp http, LargeObjects largeObjects, int listingPageSize, int concurrency, Clock clock) {
        this.auth = auth;
        this.http = http;
        this.largeObjects = largeObjects;
        this.listingPageSize = listingPageSize;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        // one more thread than segments at a time: the whole file's checksums are read meanwhile
        this.segmentTransfers = Executors.newFixedThreadPool(concurrency + 1, runnable -> {
            Thread thread = new Thread(runnable, "swift-segments-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public SwiftAuth auth() {
        return auth;
    }

    // --- containers and listings ---------------------------------------------------------------

    /** Creates the container if it does not exist (201 new, 202 there already). */
    public void ensureContainer(String container) {
        request("PUT", url(container), r -> r.setEntity(new ByteArrayEntity(new byte[0], null)),
                "creating container " + container, 201, 202);
    }

    @Override
    public int deleteContainer(String container) {
        return request("DELETE", url(container), r -> { }, "deleting container " + container, 204, 404, 409).status();
    }

    @Override
    public List<Map<String, Object>> list(String container, String prefix) {
        List<Map<String, Object>> listing = new ArrayList<>();
        String marker = null;
        for (List<Map<String, Object>> page; !(page = listPage(container, prefix, marker, listingPageSize)).isEmpty(); ) {
            listing.addAll(page);
            Map<String, Object> last = page.get(page.size() - 1);
            marker = String.valueOf(last.containsKey("name") ? last.get("name") : last.get("subdir"));
        }
        return listing;
    }

    /** One page of a listing: at most {@code limit} entries after {@code marker}. */
    public List<Map<String, Object>> listPage(String container, String prefix, String marker, int limit) {
        String what = "listing of " + (container == null ? "the account" : "container " + container);
        SwiftHttp.Answer answer = request("GET", () -> SwiftUrls.listing(auth.storageUrl(), container, prefix, marker, limit),
                r -> { }, what, 200, 204, 404);
        if (answer.status() != 200 || answer.body().length == 0) {
            return List.of();
        }
        try {
            return JSON.readValue(answer.body(), new TypeReference<>() { });
        } catch (IOException e) {
            throw new SwiftException(what + " is not JSON: " + e.getMessage());
        }
    }

    @Override
    public Map<String, String> containerMetadata(String container) {
        SwiftHttp.Answer answer = request("HEAD", url(container), r -> { }, "HEAD of container " + container, 200, 204, 404);
        return answer.status() == 404 ? Map.of() : answer.headers();
    }

    @Override
    public void postContainerMetadata(String container, Map<String, String> headers) {
        request("POST", url(container), r -> {
            headers.forEach(r::addHeader);
            r.setEntity(new ByteArrayEntity(new byte[0], null));
        }, "metadata of container " + container, 204, 202);
    }

    // --- small objects (manifest, lock, marks) -------------------------------------------------

    @Override
    public byte[] readSmall(String container, String name) {
        SwiftHttp.Answer answer = request("GET", url(container, name), r -> r.addHeader("X-Newest", "true"),
                "download of " + name, 200, 404);
        return answer.status() == 404 ? null : answer.body();
    }

    @Override
    public void writeSmall(String container, String name, byte[] body, String contentType) {
        String md5 = FileRange.hex(digest("MD5", body));
        request("PUT", url(container, name), r -> {
            r.addHeader("ETag", md5);
            r.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        }, "upload of " + name, 201);
        LOG.debug("Wrote {} (MD5 {})", name, md5);
    }

    @Override
    public boolean createIfAbsent(String container, String name, byte[] body, int deleteAfterSeconds) {
        SwiftHttp.Answer answer = request("PUT", url(container, name), r -> {
            r.addHeader("If-None-Match", "*");
            r.addHeader("X-Delete-After", String.valueOf(deleteAfterSeconds));
            r.setEntity(new ByteArrayEntity(body, ContentType.TEXT_PLAIN));
        }, "creating " + name, 201, 412);
        return answer.status() == 201;
    }

    @Override
    public void delete(String container, String name) {
        request("DELETE", url(container, name), r -> { }, "deleting " + name + " from container " + container, 200, 204, 404);
    }

    // --- uploads and downloads -----------------------------------------------------------------

    /** What the cluster takes, from its {@code /info} (no token), read once; Swift's defaults when it does not say. */
    public synchronized Limits clusterLimits() {
        Limits known = limits;
        if (known == null) {
            known = LargeObjects.limitsFrom(http.send(ClassicRequestBuilder.get(SwiftUrls.info(auth.storageUrl())).build(), "Swift"));
            LOG.debug("Swift takes objects of up to {} bytes ({}); files above {} bytes go up as static large objects",
                    known.maxObjectSize(), known.source(), Math.min(largeObjects.segmentSize(), known.maxObjectSize()));
            limits = known;
        }
        return known;
    }

    /**
     * Uploads {@code file} as {@code name}, streamed from disk, its MD5 and SHA-256 computed as the
     * bytes go out: Swift answers with the MD5 of what it stored, and a different one means the bytes
     * changed on the way (the object is deleted, the upload fails). Above the segment size it goes up
     * as a static large object ({@link LargeObjectUpload}). An object {@code listed} (the listing taken
     * before the uploads; when null, this object's own) with the same size and checksum is not sent again.
     */
    public StoredObject upload(String container, String name, Path file, Map<String, Map<String, Object>> listed) {
        long start = System.nanoTime();
        try {
            long size = Files.size(file);
            List<Segment> segments = largeObjects.segments(container, name, file, clusterLimits());
            Map<String, Object> entry = listed != null ? listed.get(name) : listedEntry(container, name);
            StoredObject same = LargeObjects.sameAsListed(container, name, file, size, segments, entry);
            if (same != null) {
                LOG.debug("Already in Swift, identical ({} bytes, MD5 {}): {}, not uploaded again", size, same.md5(), name);
                return same;
            }
            if (!segments.isEmpty()) {
                LOG.info("Uploading {} ({} bytes) as a static large object: {} segments in container {}", name, size,
                        segments.size(), LargeObjects.segmentContainer(container));
                return new LargeObjectUpload(this, segmentTransfers).upload(container, name, file, size, segments, start);
            }
            LOG.debug("Uploading {} ({} bytes)", name, size);
            FileRange body = new FileRange(file, 0, size, true);
            String etag = putObject(container, name, body);
            String problem = sentMismatch(body, etag);
            if (problem != null) {
                LOG.error("Upload of {} in container {} is corrupt: {}: deleting it", name, container, problem);
                delete(container, name);
                throw new SwiftException("upload of " + name + " in container " + container + " is corrupt: " + problem
                        + "; the object was deleted");
            }
            Checksums sent = body.checksums();
            return new StoredObject(container, name, size, sent.md5(), sent.sha256(), null, false, System.nanoTime() - start);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String putSegment(Segment segment) {
        return putObject(segment.container(), segment.name(), segment.body());
    }

    @Override
    public void putManifest(String container, String name, String manifest, String sloEtag, String md5) {
        request("PUT", () -> SwiftUrls.object(auth.storageUrl(), container, name) + "?multipart-manifest=put", r -> {
            r.addHeader("ETag", sloEtag);
            r.addHeader(LargeObjects.MD5_META, md5);
            r.setEntity(new ByteArrayEntity(manifest.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_OCTET_STREAM));
        }, "upload of the manifest of " + name + " in container " + container, 201);
    }

    /**
     * Makes {@code name} a static symlink to {@code content} ({@code X-Symlink-Target}), pinned to the
     * content's ETag ({@code X-Symlink-Target-Etag}: its MD5, or for a large object the MD5 of its
     * manifest, {@code manifestEtag}): Swift then refuses to serve the link if the content changes or
     * goes. Null when Swift answers 409: the content is not there (any more) with that ETag.
     */
    public StoredObject link(String container, String name, StoredObject content, String manifestEtag) {
        long start = System.nanoTime();
        String targetEtag = content.sloEtag() == null ? content.md5() : manifestEtag;
        SwiftHttp.Answer answer = request("PUT", url(container, name), r -> {
            r.addHeader("X-Symlink-Target", SwiftUrls.encodePath(content.path()));
            r.addHeader("X-Symlink-Target-Etag", targetEtag);
            r.setEntity(new ByteArrayEntity(new byte[0], null));
        }, "link " + name + " in container " + container + " to " + content.path(), 201, 409);
        if (answer.status() == 409) {
            return null;
        }
        StoredObject link = content.linkedAs(container, name, targetEtag);
        return new StoredObject(link.container(), link.name(), link.bytes(), link.md5(), link.sha256(), link.sloEtag(),
                link.reused(), link.nanos() + System.nanoTime() - start, link.link());
    }

    /** The MD5 of a large object's manifest as Swift keeps it ({@code X-Manifest-Etag}), which a link to it is pinned to. */
    public String manifestEtag(String container, String name) {
        SwiftHttp.Answer answer = request("HEAD", url(container, name), r -> { }, "HEAD of " + name + " in container " + container, 200);
        String etag = answer.header("X-Manifest-Etag");
        if (etag == null) {
            throw new SwiftException(name + " in container " + container + " is not a static large object (no X-Manifest-Etag)");
        }
        return unquote(etag);
    }

    /**
     * After the uploads, the listing of their prefix must show every object stored, with its size and
     * hash (a link: its target, and the target's size and ETag it is pinned to); if not, a
     * {@link ConflictFailure}: Swift may update a listing a little after the PUT, so the error policy
     * lists again, with its backoff, before the run fails.
     */
    public void requireListed(String container, String prefix, List<StoredObject> stored) {
        Map<String, Map<String, Object>> listed = Listed.byName(list(container, prefix));
        List<String> problems = new ArrayList<>();
        for (StoredObject object : stored) {
            Map<String, Object> entry = listed.get(object.name());
            if (entry == null) {
                problems.add(object.name() + " is not listed");
                continue;
            }
            long bytes = Listed.bytes(entry);
            String hash = object.sloEtag() != null ? unquote((String) entry.get("slo_etag")) : Listed.hash(entry);
            if (bytes != object.bytes() || !object.listedHash().equalsIgnoreCase(hash)) {
                problems.add(object.name() + " is listed with " + bytes + " bytes and hash " + hash + ", not "
                        + object.bytes() + " bytes and " + object.listedHash());
            }
            if (object.link() != null && !(object.link().target().equals(Listed.linkTarget(entry))
                    && object.link().targetEtag().equalsIgnoreCase(String.valueOf(entry.get("symlink_etag"))))) {
                problems.add(object.name() + " is listed as a link to " + Listed.linkTarget(entry) + " pinned to "
                        + entry.get("symlink_etag") + ", not to " + object.link().target() + " pinned to " + object.link().targetEtag());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConflictFailure("verification of container " + container + " failed: " + String.join("; ", problems));
        }
        LOG.info("Listing of {} in container {}: all {} there with their size and MD5", prefix, container,
                stored.size() == 1 ? "1 object" : stored.size() + " objects");
    }

    /** PUT of a repeatable body; Swift's ETag (unquoted). */
    String putObject(String container, String name, HttpEntity body) {
        return unquote(request("PUT", url(container, name), r -> r.setEntity(body),
                "upload of " + name + " in container " + container, 201).header("ETag"));
    }

    /**
     * Downloads {@code name} into {@code target}, streamed (never held in memory), checked against the
     * size and MD5 Swift announces (a large object's own MD5, kept on its manifest); the bytes go to
     * {@code <target>.part}, renamed into place only when they match. A cut or silent connection fails
     * the whole download (made again by the error policy).
     */
    public Downloaded download(String container, String name, Path target) {
        long start = System.nanoTime();
        String object = name + " in container " + container;
        return call("GET", url(container, name), r -> { }, "download of " + object, (status, headers, body) -> {
            if (status == 404) {
                throw new SwiftException("download of " + object + ": not found");
            }
            failUnless(status, headers, "download of " + object, 200);
            return save(object, headers, body, target, start);
        });
    }

    /**
     * Reads {@code name} whole without keeping it (streamed through the digests, never written to disk),
     * checked as a download is against the size and MD5 Swift announces; its SHA-256 is returned for
     * the caller's check against the day's manifest.
     */
    public Downloaded readThrough(String container, String name) {
        long start = System.nanoTime();
        String object = name + " in container " + container;
        return call("GET", url(container, name), r -> { }, "read of " + object, (status, headers, body) -> {
            if (status == 404) {
                throw new SwiftException("read of " + object + ": not found");
            }
            failUnless(status, headers, "read of " + object, 200);
            Received received = receive(object, headers, body, OutputStream.nullOutputStream());
            received.requireIntact(object);
            return new Downloaded(object, null, received.size(), received.md5(), received.sha256(), System.nanoTime() - start);
        });
    }

    private static Downloaded save(String object, Map<String, String> headers, InputStream body, Path target, long start)
            throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Received received;
        try (OutputStream out = Files.newOutputStream(part)) {
            received = receive(object, headers, body, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        if (received.problem() != null) {
            Files.deleteIfExists(part);
        }
        received.requireIntact(object);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Downloaded(object, target, received.size(), received.md5(), received.sha256(), System.nanoTime() - start);
    }

    /** What a GET's body held: its size and digests, and how it differs from what Swift announced (null: it does not). */
    private record Received(long size, String md5, String sha256, String problem) {

        void requireIntact(String object) {
            if (problem != null) {
                throw new SwiftException("download of " + object + " is corrupt: " + problem);
            }
        }
    }

    /** Copies the body to {@code out} through MD5 and SHA-256, and compares it with the size and MD5 Swift announced. */
    private static Received receive(String object, Map<String, String> headers, InputStream body, OutputStream out)
            throws IOException {
        String length = headers.get("Content-Length");
        boolean large = "true".equalsIgnoreCase(headers.get("X-Static-Large-Object")) || headers.get("X-Object-Manifest") != null;
        String announcedMd5 = large ? headers.get(LargeObjects.MD5_META) : unquote(headers.get("ETag"));
        MessageDigest md5 = FileRange.digest("MD5");
        MessageDigest sha256 = FileRange.digest("SHA-256");
        long size = 0;
        if (body == null) {
            throw new SwiftException("download of " + object + " returned no body");
        }
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = body.read(buffer)) >= 0; ) {
            md5.update(buffer, 0, n);
            sha256.update(buffer, 0, n);
            out.write(buffer, 0, n);
            size += n;
        }
        String actualMd5 = FileRange.hex(md5);
        String problem = null;
        if (length != null && Long.parseLong(length.strip()) != size) {
            problem = "received " + size + " bytes, Swift announced " + length.strip();
        } else if (large && announcedMd5 == null) {
            problem = "it is a static large object without " + LargeObjects.MD5_META + ", so its MD5 cannot be checked";
        } else if (!actualMd5.equalsIgnoreCase(announcedMd5)) {
            problem = "MD5 of the bytes received is " + actualMd5 + ", " + (large ? "its " + LargeObjects.MD5_META
                    : "Swift's ETag") + " is " + announcedMd5;
        }
        return new Received(size, actualMd5, FileRange.hex(sha256), problem);
    }

    /** A HEAD of the account with the current token, for health checks: Swift's status code. */
    public int ping() {
        return auth.ping();
    }

    // --- the protocol ----------------------------------------------------------------------------

    private Map<String, Object> listedEntry(String container, String name) {
        for (Map<String, Object> entry : list(container, name)) {
            if (name.equals(entry.get("name"))) {
                return entry;
            }
        }
        return null;
    }

    private interface Url {
        String of();
    }

    private Url url(String container) {
        return () -> SwiftUrls.container(auth.storageUrl(), container);
    }

    private Url url(String container, String name) {
        return () -> SwiftUrls.object(auth.storageUrl(), container, name);
    }

    /** Sends the request with the current token; a 401 (token expired or revoked) logs in again and sends it once more. */
    private <T> T call(String method, Url url, Consumer<ClassicRequestBuilder> setup, String what, SwiftHttp.StreamReader<T> reader) {
        for (int attempt = 0; ; attempt++) {
            String token = auth.token();
            ClassicRequestBuilder request = ClassicRequestBuilder.create(method).setUri(url.of()).addHeader("X-Auth-Token", token);
            setup.accept(request);
            boolean last = attempt > 0;
            T result = http.send(request.build(), "Swift", (status, headers, body) -> {
                if (status == 401 && !last) {
                    return null;
                }
                if (status == 401) {
                    throw new SwiftException(what + ": Swift answered 401 to a fresh token" + transaction(headers)
                            + ": check the account's permissions");
                }
                return reader.read(status, headers, body);
            });
            if (result != null || last) {
                return result;
            }
            LOG.warn("Swift answered 401 (token expired or revoked) for {}; logging in again and retrying once", what);
            auth.invalidate(token);
        }
    }

    /** Sends the request and reads the whole answer, which must have one of the {@code ok} statuses. */
    private SwiftHttp.Answer request(String method, Url url, Consumer<ClassicRequestBuilder> setup, String what, int... ok) {
        SwiftHttp.Answer answer = call(method, url, setup, what, (status, headers, body) ->
                new SwiftHttp.Answer(status, headers, body == null ? new byte[0] : body.readAllBytes()));
        failUnless(answer.status(), answer.headers(), what, ok);
        return answer;
    }

    private void failUnless(int status, Map<String, String> headers, String what, int... ok) {
        for (int code : ok) {
            if (status == code) {
                return;
            }
        }
        String reason = EnglishReasonPhraseCatalog.INSTANCE.getReason(status, Locale.ENGLISH);
        String message = what + ": Swift answered " + status + (reason == null ? "" : " " + reason) + transaction(headers);
        if (TransientFailure.busyOrFailing(status)) {
            throw new SwiftUnavailableException(message,
                    RetryAfter.retryAfterMs(headers.get("Retry-After"), clock.instant()), null);
        }
        throw new SwiftException(message);
    }

    private static String transaction(Map<String, String> headers) {
        return new SwiftHttp.Answer(0, headers, null).transaction();
    }

    /** Why Swift's ETag for a PUT of {@code body} shows other bytes than were sent, or null when it does not. */
    static String sentMismatch(FileRange body, String etag) {
        Checksums sent = body.checksums();
        if (sent == null) {
            return "the body was not sent whole";
        }
        if (!sent.md5().equalsIgnoreCase(etag)) {
            return "Swift's ETag " + etag + " is not the MD5 of the " + sent.size() + " bytes sent, " + sent.md5();
        }
        return null;
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    private static MessageDigest digest(String algorithm, byte[] bytes) {
        MessageDigest digest = FileRange.digest(algorithm);
        digest.update(bytes);
        return digest;
    }

    static JsonNode json(byte[] body) throws IOException {
        return JSON.readTree(body);
    }
}
