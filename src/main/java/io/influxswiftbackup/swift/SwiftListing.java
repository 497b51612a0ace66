package io.influxswiftbackup.swift;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Reads JSON listings (of a container, or of the account when no container is given). One page is
 * what {@code limit} returns; the whole listing is read page after page, each starting after the
 * last name of the one before ({@code marker}), until a page comes back empty.
 */
public class SwiftListing {

    /** Before the first page: nothing collected yet. */
    public void begin(Exchange exchange) {
        exchange.setProperty("listing", new java.util.ArrayList<Map<String, Object>>());
        exchange.setProperty("marker", null);
        exchange.setProperty("lastPageSize", -1);
    }

    /** After each page: add it, and continue after its last name. */
    @SuppressWarnings("unchecked")
    public void collect(Exchange exchange) {
        List<Map<String, Object>> page = exchange.getMessage().getBody(List.class);
        List<Map<String, Object>> listing = exchange.getProperty("listing", List.class);
        listing.addAll(page);
        exchange.setProperty("lastPageSize", page.size());
        if (!page.isEmpty()) {
            Map<String, Object> last = page.get(page.size() - 1);
            exchange.setProperty("marker", last.containsKey("name") ? last.get("name") : last.get("subdir"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public List<Map<String, Object>> page(Exchange exchange) throws IOException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == 404 || status == 204) {
            return List.of();
        }
        if (status != 200) {
            throw new SwiftException("listing of " + (exchange.getProperty("container") == null ? "the account"
                    : "container " + exchange.getProperty("container")) + " answered " + status);
        }
        try (InputStream body = exchange.getMessage().getBody(InputStream.class)) {
            return body == null ? List.of() : JSON.readValue(body, new TypeReference<>() { });
        }
    }
}
