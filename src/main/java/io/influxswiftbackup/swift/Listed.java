package io.influxswiftbackup.swift;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a container listing ({@code ?format=json}). A static symlink lists as {@code bytes: 0}
 * with the MD5 of nothing, and its target apart: {@code symlink_path} ({@code /v1/<account>/<container>/<object>}),
 * {@code symlink_bytes} and {@code symlink_etag} (the target's ETag it is pinned to). A static large
 * object lists the MD5 of its manifest as {@code hash} and its own ETag as {@code slo_etag}.
 */
public final class Listed {

    private Listed() {
    }

    /** A listing's entries by name. */
    public static Map<String, Map<String, Object>> byName(List<Map<String, Object>> listing) {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        listing.forEach(entry -> byName.put(name(entry), entry));
        return byName;
    }

    public static String name(Map<String, Object> entry) {
        return String.valueOf(entry.get("name"));
    }

    public static boolean isLink(Map<String, Object> entry) {
        return entry.get("symlink_path") != null;
    }

    public static boolean isLargeObject(Map<String, Object> entry) {
        return entry.get("slo_etag") != null;
    }

    /** The bytes a download gives: a link's target's size; -1 when the listing does not say. */
    public static long bytes(Map<String, Object> entry) {
        Object bytes = entry.get(isLink(entry) ? "symlink_bytes" : "bytes");
        return bytes instanceof Number n ? n.longValue() : -1;
    }

    /**
     * The bytes the entry itself takes in Swift: 0 for a link, and 0 for a static large object's
     * manifest, listed with the size of the whole object, which its segments hold (nothing is counted twice).
     */
    public static long storedBytes(Map<String, Object> entry) {
        if (isLargeObject(entry) || isLink(entry)) {
            return 0;
        }
        return entry.get("bytes") instanceof Number n ? n.longValue() : 0;
    }

    /**
     * The ETag Swift lists for what a download gives: a plain object's MD5, or for a link the ETag its
     * target is pinned to (the target's MD5; for a large object target, the MD5 of its manifest).
     */
    public static String hash(Map<String, Object> entry) {
        Object hash = entry.get(isLink(entry) ? "symlink_etag" : "hash");
        return hash == null ? null : String.valueOf(hash);
    }

    /** The object a link points at, as {@code <container>/<object>}; null when the entry is no link. */
    public static String linkTarget(Map<String, Object> entry) {
        if (!isLink(entry)) {
            return null;
        }
        String path = URLDecoder.decode(String.valueOf(entry.get("symlink_path")).replace("+", "%2B"), StandardCharsets.UTF_8);
        // /v1/<account>/<container>/<object>
        String[] parts = path.split("/", 5);
        return parts.length == 5 ? parts[3] + "/" + parts[4] : path;
    }
}
