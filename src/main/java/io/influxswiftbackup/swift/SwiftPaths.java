package io.influxswiftbackup.swift;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.ExchangeProperty;

/** URLs of containers, objects and listings in the logged-in account, for the routes' http steps. */
public class SwiftPaths {

    private final SwiftAuth auth;

    public SwiftPaths(SwiftAuth auth) {
        this.auth = auth;
    }

    public String containerUrl(@ExchangeProperty("container") String container) {
        return auth.storageUrl() + "/" + segment(container);
    }

    public String objectUrl(@ExchangeProperty("container") String container,
                            @ExchangeProperty("objectName") String objectName) {
        StringBuilder url = new StringBuilder(containerUrl(container));
        for (String part : objectName.split("/", -1)) {
            url.append('/').append(segment(part));
        }
        return url.toString();
    }

    /** A segment of a static large object, in its segment container. */
    public String segmentUrl(@ExchangeProperty(LargeObjects.SEGMENT) LargeObjects.Segment segment) {
        return objectUrl(segment.container(), segment.name());
    }

    public String segmentContainerUrl(@ExchangeProperty(LargeObjects.SEGMENT_CONTAINER) String segmentContainer) {
        return containerUrl(segmentContainer);
    }

    /** The object's URL for {@code PUT ?multipart-manifest=put} (endpoint options go after it with '&'). */
    public String manifestUrl(@ExchangeProperty("container") String container,
                              @ExchangeProperty("objectName") String objectName) {
        return objectUrl(container, objectName) + "?multipart-manifest=put";
    }

    /** The cluster's {@code /info} (no account, no token), on the host of the storage URL. */
    public String infoUrl() {
        URI storage = URI.create(auth.storageUrl());
        return storage.getScheme() + "://" + storage.getRawAuthority() + "/info";
    }

    /** One page of a container's listing (of the account's when container is null): names after {@code marker} that start with {@code prefix}. */
    public String listingUrl(@ExchangeProperty("container") String container,
                             @ExchangeProperty("prefix") String prefix,
                             @ExchangeProperty("marker") String marker,
                             @ExchangeProperty("limit") Integer limit) {
        StringBuilder url = new StringBuilder(container == null ? auth.storageUrl() : containerUrl(container))
                .append("?format=json");
        if (prefix != null) {
            url.append("&prefix=").append(query(prefix));
        }
        if (marker != null) {
            url.append("&marker=").append(query(marker));
        }
        if (limit != null) {
            url.append("&limit=").append(limit);
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
