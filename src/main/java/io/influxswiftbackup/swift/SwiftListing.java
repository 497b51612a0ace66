package io.influxswiftbackup.swift;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** Reads one page of a JSON container listing; a missing container lists as empty. */
public class SwiftListing {

    private static final ObjectMapper JSON = new ObjectMapper();

    public List<Map<String, Object>> page(Exchange exchange) throws IOException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == 404 || status == 204) {
            return List.of();
        }
        if (status != 200) {
            throw new SwiftException("listing of container " + exchange.getProperty("container")
                    + " answered " + status);
        }
        try (InputStream body = exchange.getMessage().getBody(InputStream.class)) {
            return body == null ? List.of() : JSON.readValue(body, new TypeReference<>() { });
        }
    }
}
