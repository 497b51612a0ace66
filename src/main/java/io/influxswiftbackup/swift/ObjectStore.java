package io.influxswiftbackup.swift;

import java.util.List;
import java.util.Map;

/**
 * The Swift operations on listings, container metadata and small objects that a day's bookkeeping
 * and retention need, so their protocols (marks, the manifest's commit under its lock, which days
 * go) are tested without a server. {@link SwiftClient} is the real one.
 */
public interface ObjectStore {

    /** Every entry of a container's listing (the account's when {@code container} is null) under {@code prefix}; none when it does not exist. */
    List<Map<String, Object>> list(String container, String prefix);

    /** The container's metadata headers (HEAD), any case; empty when it does not exist. */
    Map<String, String> containerMetadata(String container);

    /** Sets (and removes, with {@code X-Remove-…} names) container metadata. */
    void postContainerMetadata(String container, Map<String, String> headers);

    /** A small object's bytes, the newest copy Swift holds; null when there is none. */
    byte[] readSmall(String container, String name);

    /** Writes a small object, checked on arrival against its MD5 (ETag). */
    void writeSmall(String container, String name, byte[] body, String contentType);

    /** Creates a small object only if none is there ({@code If-None-Match: *}), expiring after {@code deleteAfterSeconds}; false when one is. */
    boolean createIfAbsent(String container, String name, byte[] body, int deleteAfterSeconds);

    /** Deletes an object; one already gone is fine. */
    void delete(String container, String name);

    /** Deletes an emptied container: 204 deleted, 404 gone already, 409 not empty (something was added meanwhile). */
    int deleteContainer(String container);
}
