package io.influxswiftbackup.store;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.http.FileRange;
import io.influxswiftbackup.http.FileRange.Checksums;
import io.influxswiftbackup.swift.LargeObjects;
import io.influxswiftbackup.swift.Listed;
import io.influxswiftbackup.swift.SwiftClient;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import io.influxswiftbackup.swift.SwiftException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shard files stored once by content. The content of a shard file goes to the store container
 * ({@code swift.store-container}) as {@code sha256/<SHA-256 of the bytes>} (above the segment size a
 * static large object, its segments in {@code <store>_segments}), once: content the store lists
 * already, with the file's size and MD5, is not uploaded again. The day's {@code D/shards/<file>} is
 * a static symlink to it, pinned to its ETag, so {@code swift download D -p D/shards/} still writes
 * the file, and {@code swift delete D} deletes only the links. The store's name can never be taken
 * for a day: it holds no {@code YYYY-MM} (the runbook's {@code swift list | grep 2016-06} loops).
 * <p>
 * The backup's metadata files ({@code meta.00}; a portable backup's {@code .meta} and
 * {@code .manifest}) are small and new with every backup: they stay plain objects of the day.
 */
public class ContentStore {

    public static final String CONTENT_PREFIX = "sha256/";

    private static final Logger LOG = LoggerFactory.getLogger(ContentStore.class);
    private static final Pattern DAY_LIKE = Pattern.compile("\\d{4}-\\d{2}");

    private final SwiftClient swift;
    private final String container;
    private final boolean wanted;

    /** {@code wanted}: backup.dedup; the cluster must also offer static symlinks. */
    public ContentStore(SwiftClient swift, String container, boolean wanted) {
        this.swift = swift;
        this.container = validName(container);
        this.wanted = wanted;
    }

    static String validName(String container) {
        String problem = nameProblem(container);
        if (problem != null) {
            throw new ConfigException("swift.store-container " + problem);
        }
        return container;
    }

    /** Why {@code container} cannot be the store, or null: a '/', or a date-like YYYY-MM. */
    public static String nameProblem(String container) {
        if (container == null || container.isBlank() || container.contains("/")) {
            return "must be a container name (no '/')";
        }
        if (DAY_LIKE.matcher(container).find()) {
            return "holds a date-like YYYY-MM: the runbook's 'swift list | grep YYYY-MM' loops would take it for a day";
        }
        return null;
    }

    public String container() {
        return container;
    }

    public String segmentsContainer() {
        return LargeObjects.segmentContainer(container);
    }

    /** The store's name of content with this SHA-256. */
    public static String contentName(String sha256) {
        return CONTENT_PREFIX + sha256.toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a file of {@code influxd backup} is stored once by content (a shard), or stays a plain object (the metadata). */
    public static boolean storedOnce(String fileName) {
        return !(fileName.startsWith("meta.") || fileName.endsWith(".meta") || fileName.endsWith(".manifest"));
    }

    /** Whether this run stores shards once and links them: backup.dedup, and the cluster offers static symlinks. */
    public boolean inUse() {
        if (!wanted) {
            LOG.info("backup.dedup is false: every file goes up as a plain object of the day");
            return false;
        }
        LargeObjects.Limits limits = swift.clusterLimits();
        if (!limits.staticLinks()) {
            LOG.warn("This Swift offers no static symlinks ({} has no symlink.static_links): every file goes up as a plain"
                    + " object of the day", limits.source());
            return false;
        }
        LOG.info("Shard files are stored once by content in container {} and linked from the day", container);
        return true;
    }

    /** What the store holds, by name (made when missing). */
    public Map<String, Map<String, Object>> listing() {
        swift.ensureContainer(container);
        return Listed.byName(swift.list(container, CONTENT_PREFIX));
    }

    /**
     * Stores the file's content once (not sent when {@code stored}, the store's listing, shows it with
     * the file's size and MD5) and makes {@code name} in {@code dayContainer} a link to it, unless
     * {@code listedLink} (the day's listing of {@code name}, or null) is that link already. When Swift
     * refuses the link because the content went meanwhile (a prune's sweep), the content goes up again.
     */
    public StoredObject storeAndLink(String dayContainer, String name, Path file, Map<String, Map<String, Object>> stored,
                                     Map<String, Object> listedLink) {
        long start = System.nanoTime();
        Checksums sums = checksums(file);
        String content = contentName(sums.sha256());
        Map<String, Object> listed = stored.get(content);
        StoredObject kept;
        if (listed != null && !Listed.isLargeObject(listed) && Listed.bytes(listed) == sums.size()
                && sums.md5().equalsIgnoreCase(Listed.hash(listed))) {
            LOG.debug("{}: its content {} is stored already ({} bytes, MD5 {})", name, content, sums.size(), sums.md5());
            kept = new StoredObject(container, content, sums.size(), sums.md5(), sums.sha256(), null, true, System.nanoTime() - start);
        } else {
            kept = swift.upload(container, content, file, stored);
        }
        String targetEtag = targetEtag(kept, stored.get(content));
        if (listedLink != null && kept.reused() && kept.path().equals(Listed.linkTarget(listedLink))
                && targetEtag.equalsIgnoreCase(String.valueOf(listedLink.get("symlink_etag")))) {
            LOG.debug("{} links to {} already", name, kept.path());
            return kept.linkedAs(dayContainer, name, targetEtag);
        }
        StoredObject link = swift.link(dayContainer, name, kept, targetEtag);
        if (link != null) {
            return link;
        }
        LOG.warn("Swift refused the link {} to {}: the content is not there any more; storing it again", name, kept.path());
        kept = swift.upload(container, content, file, Map.of());
        link = swift.link(dayContainer, name, kept, targetEtag(kept, null));
        if (link == null) {
            throw new SwiftException("Swift refuses the link " + name + " to " + kept.path() + " right after storing it");
        }
        return link;
    }

    /** What a link to the content is pinned to: its MD5; for a large object, the MD5 of its manifest, listed as its hash, or read. */
    private String targetEtag(StoredObject content, Map<String, Object> listed) {
        if (content.sloEtag() == null) {
            return content.md5();
        }
        return content.reused() && listed != null ? Listed.hash(listed) : swift.manifestEtag(container, content.name());
    }

    /** The file's size, MD5 and SHA-256, in one read. */
    private static Checksums checksums(Path file) {
        try {
            return new FileRange(file, 0, Files.size(file), true).readChecksums();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
