package io.influxswiftbackup.swift;

import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.http.FileRange.Checksums;
import io.influxswiftbackup.swift.LargeObjects.Segment;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One static large object: its segments ({@code swift.concurrency} at a time, each checked against
 * the ETag Swift answers), then the manifest (each segment's path, MD5 and size, which Swift checks
 * against what it holds) with the ETag Swift must give it and the whole file's MD5 as
 * {@code X-Object-Meta-Md5}. If any of it fails, the segments this upload stored are deleted (or,
 * when Swift cannot be reached for that, named in one ERROR line with the command that deletes them),
 * and the upload fails as it would have: the error policy makes it again whole.
 */
final class LargeObjectUpload {

    /** What the upload needs of Swift; {@link SwiftClient} is the real one. */
    interface Target {
        void ensureContainer(String container);

        /** PUT of a segment; Swift's ETag. */
        String putSegment(Segment segment);

        void putManifest(String container, String name, String manifest, String sloEtag, String md5);

        void delete(String container, String name);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LargeObjectUpload.class);

    private final Target swift;
    private final ExecutorService transfers;

    LargeObjectUpload(Target swift, ExecutorService transfers) {
        this.swift = swift;
        this.transfers = transfers;
    }

    StoredObject upload(String container, String name, Path file, long size, List<Segment> segments, long start) {
        String segmentContainer = segments.get(0).container();
        CompletableFuture<Checksums> whole = CompletableFuture.supplyAsync(() -> read(file, size), transfers);
        try {
            swift.ensureContainer(segmentContainer);
            List<CompletableFuture<Void>> stored = new ArrayList<>();
            for (Segment segment : segments) {
                stored.add(CompletableFuture.runAsync(() -> store(name, segment, segments.size()), transfers));
            }
            join(CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)));
            Checksums checksums = join(whole);
            String sloEtag = LargeObjects.sloEtag(segments);
            swift.putManifest(container, name, LargeObjects.manifest(segments), sloEtag, checksums.md5());
            return new StoredObject(container, name, size, checksums.md5(), checksums.sha256(), sloEtag, false,
                    System.nanoTime() - start);
        } catch (RuntimeException | IOException e) {
            whole.cancel(false);
            deleteSegments(name, segments, e);
            throw e instanceof RuntimeException runtime ? runtime : new UncheckedIOException((IOException) e);
        }
    }

    private void store(String name, Segment segment, int count) {
        String etag = swift.putSegment(segment);
        String problem = SwiftClient.sentMismatch(segment.body(), etag);
        if (problem != null) {
            throw new SwiftException("segment " + segment.number() + " of " + name + " is corrupt in Swift: " + problem);
        }
        LOG.debug("Stored segment {} of {} of {} ({} bytes, MD5 {})", segment.number(), count, name, segment.length(), segment.md5());
    }

    /** After a failure: every segment of this upload goes, once each (one never stored answers 404). */
    private void deleteSegments(String name, List<Segment> segments, Exception failure) {
        String container = segments.get(0).container();
        LOG.warn("Upload of {} failed ({}); deleting its segments from container {}", name, failure.getMessage(), container);
        try {
            for (Segment segment : segments) {
                swift.delete(segment.container(), segment.name());
            }
        } catch (RuntimeException e) {
            LOG.error("Orphaned segments: the segments of the failed upload of {} could not be deleted ({}); delete them with:"
                    + " swift delete {} --prefix {}", name, e.getMessage(), container, LargeObjects.segmentsPrefix(segments));
        }
    }

    private static Checksums read(Path file, long size) {
        try {
            return new FileRange(file, 0, size, true).readChecksums();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }
}
