package io.influxswiftbackup.swift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keystone v3 password login: {@code POST <auth-url>/auth/tokens} scoped to a project. The token is
 * the answer's {@code X-Subject-Token}; the storage URL comes from the catalog's object-store entry
 * (see {@link KeystoneCatalog}) unless {@code swift.storage-url} is set. The token's life is
 * {@code expires_at - issued_at} counted from when the login started here, so a clock that differs
 * from Keystone's does not matter.
 */
public class KeystoneV3Auth extends SwiftAuth {

    private static final Logger LOG = LoggerFactory.getLogger(KeystoneV3Auth.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Credentials credentials;
    private final Endpoint endpoint;
    private final URI tokensUrl;

    /** Who logs in, into which project. The password never shows in toString. */
    public record Credentials(String username, String password, String userDomain, String project, String projectDomain) {
        @Override
        public String toString() {
            return "Credentials[" + username + "@" + userDomain + ", project " + project + "@" + projectDomain + "]";
        }
    }

    /** Which catalog endpoint: region (null = the only one offering the interface) and interface. */
    public record Endpoint(String region, String interfaceName) {
    }

    public KeystoneV3Auth(URI authUrl, Credentials credentials, Endpoint endpoint, String storageUrlOverride, Options options) {
        super(authUrl, storageUrlOverride, options);
        this.credentials = credentials;
        this.endpoint = endpoint;
        this.tokensUrl = URI.create(stripTrailingSlash(authUrl.toString()) + "/auth/tokens");
    }

    @Override
    protected Session login(Instant requested) {
        SwiftHttp.Answer response = send(ClassicRequestBuilder.post(tokensUrl)
                .addHeader("Accept", "application/json")
                .setEntity(requestBody(), ContentType.create("application/json")).build(), "Keystone");
        int status = response.status();
        if (status == 401 || status == 403) {
            throw failure("refused user '" + credentials.username() + "' (" + status + "): check swift.username, swift.password,"
                    + " swift.user-domain, swift.project and swift.project-domain");
        }
        if (status == 404) {
            throw failure("answered 404 for /auth/tokens: swift.auth-url must be the Keystone v3 endpoint (ending in /v3)");
        }
        requireAvailable(response, "Keystone at " + authUrl);
        if (status / 100 != 2) {
            throw failure("answered " + status + " to the login of user '" + credentials.username() + "'" + keystoneMessage(response.body()));
        }
        String token = header(response, "X-Subject-Token").orElseThrow(() -> failure("returned no X-Subject-Token"));
        JsonNode document = parse(response.body()).path("token");
        Instant expiresAt = instant(document, "expires_at");
        Instant issuedAt = document.hasNonNull("issued_at") ? instant(document, "issued_at") : requested;
        Duration life = Duration.between(issuedAt, expiresAt);
        String storageUrl = storageUrlOverride;
        if (storageUrl == null) {
            try {
                storageUrl = KeystoneCatalog.objectStoreUrl(document.path("catalog"), endpoint.region(), endpoint.interfaceName());
            } catch (SwiftException e) {
                throw failure("(user '" + credentials.username() + "'): " + e.getMessage());
            }
        }
        LOG.info("Logged in to Keystone as {} (project {}; storage URL {}{}; token valid for {} s)", credentials.username(),
                credentials.project(), storageUrl, storageUrlOverride != null ? " from swift.storage-url" : " from the catalog",
                life.toSeconds());
        return new Session(token, stripTrailingSlash(storageUrl), requested.plus(life));
    }

    /** The v3 password request, built as a JSON tree: the password is escaped by Jackson, never pasted into text. */
    private byte[] requestBody() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode identity = root.putObject("auth").putObject("identity");
        identity.putArray("methods").add("password");
        ObjectNode user = identity.putObject("password").putObject("user");
        user.put("name", credentials.username());
        user.putObject("domain").put("name", credentials.userDomain());
        user.put("password", credentials.password());
        ObjectNode project = ((ObjectNode) root.get("auth")).putObject("scope").putObject("project");
        project.put("name", credentials.project());
        project.putObject("domain").put("name", credentials.projectDomain());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new SwiftException("cannot write the Keystone login request", e);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw failure("returned a token answer that is not JSON");
        }
    }

    private Instant instant(JsonNode document, String field) {
        String text = document.path(field).asText("");
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw failure("returned a token without a valid " + field + " ('" + text + "')");
        }
    }

    /** Keystone's own explanation of an error ({"error":{"message":…}}), if it gave one. */
    private static String keystoneMessage(byte[] body) {
        try {
            String message = JSON.readTree(body).path("error").path("message").asText("");
            return message.isEmpty() ? "" : ": " + (message.length() > 300 ? message.substring(0, 300) + "…" : message);
        } catch (IOException e) {
            return "";
        }
    }

    private SwiftException failure(String what) {
        return new SwiftException("Keystone at " + authUrl + " " + what);
    }
}
