package io.influxswiftbackup.swift;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URLs of the account, its containers and objects, under a storage URL; names percent-encoded. */
final class SwiftUrls {

    private SwiftUrls() {
    }

    static String container(String storageUrl, String container) {
        return storageUrl + "/" + segment(container);
    }

    static String object(String storageUrl, String container, String objectName) {
        return container(storageUrl, container) + "/" + encodePath(objectName);
    }

    /** A path of names separated by '/', each percent-encoded (as {@code X-Symlink-Target} takes it). */
    static String encodePath(String path) {
        String[] parts = path.split("/", -1);
        StringBuilder out = new StringBuilder(segment(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            out.append('/').append(segment(parts[i]));
        }
        return out.toString();
    }

    /** The cluster's {@code /info} (no account, no token), on the host of the storage URL. */
    static String info(String storageUrl) {
        URI storage = URI.create(storageUrl);
        return storage.getScheme() + "://" + storage.getRawAuthority() + "/info";
    }

    /** One page of a container's listing (of the account's when container is null): names after {@code marker} that start with {@code prefix}. */
    static String listing(String storageUrl, String container, String prefix, String marker, int limit) {
        StringBuilder url = new StringBuilder(container == null ? storageUrl : container(storageUrl, container))
                .append("?format=json&limit=").append(limit);
        if (prefix != null) {
            url.append("&prefix=").append(query(prefix));
        }
        if (marker != null) {
            url.append("&marker=").append(query(marker));
        }
        return url.toString();
    }

    /** Percent-encodes a path segment; the runbook's names (dates, shard files, ':') pass unchanged. */
    static String segment(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~:".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String query(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
