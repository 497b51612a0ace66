package io.influxswiftbackup.swift;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds Swift's storage URL in a Keystone v3 token's catalog: the {@code object-store} service's
 * endpoint for the configured interface and region. Like python-swiftclient, but a catalog offering
 * the interface in several regions needs {@code swift.region}: this tool never picks one at random.
 */
final class KeystoneCatalog {

    private KeystoneCatalog() {
    }

    private record Endpoint(String region, String interfaceName, String url) {
        String describe() {
            return (region.isEmpty() ? "(no region)" : region) + " " + interfaceName;
        }
    }

    /** The URL, or a SwiftException saying what the catalog offers instead. */
    static String objectStoreUrl(JsonNode catalog, String region, String interfaceName) {
        List<Endpoint> offered = new ArrayList<>();
        Set<String> services = new LinkedHashSet<>();
        for (JsonNode service : catalog) {
            String type = service.path("type").asText("");
            services.add(type);
            if (!"object-store".equals(type)) {
                continue;
            }
            for (JsonNode endpoint : service.path("endpoints")) {
                String regionId = endpoint.path("region_id").asText(endpoint.path("region").asText(""));
                offered.add(new Endpoint(regionId, endpoint.path("interface").asText(""), endpoint.path("url").asText("")));
            }
        }
        if (offered.isEmpty()) {
            throw new SwiftException("the catalog has no object-store endpoint (it lists " + (services.isEmpty() ? "no service"
                    : String.join(", ", services)) + "): is Swift registered in Keystone, and has the user a role on the project?");
        }
        List<Endpoint> matching = offered.stream().filter(e -> e.interfaceName().equals(interfaceName))
                .filter(e -> region == null || e.region().equals(region)).filter(e -> !e.url().isEmpty()).toList();
        if (matching.isEmpty()) {
            throw new SwiftException("the catalog has no object-store endpoint for " + (region == null ? "" : "region '" + region + "' and ")
                    + "interface '" + interfaceName + "' - have you specified a region? It offers: "
                    + String.join(", ", offered.stream().map(Endpoint::describe).toList()) + " (swift.region, swift.interface)");
        }
        Set<String> regions = new LinkedHashSet<>(matching.stream().map(Endpoint::region).toList());
        if (regions.size() > 1) {
            throw new SwiftException("the catalog has object-store endpoints for interface '" + interfaceName
                    + "' in several regions (" + String.join(", ", regions) + "): set swift.region to one of them");
        }
        return matching.get(0).url();
    }
}
