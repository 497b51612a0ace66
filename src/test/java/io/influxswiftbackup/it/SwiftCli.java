package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The runbook's own {@code swift} command (python-swiftclient), run against the local Swift: with
 * TempAuth (ST_AUTH, ST_USER, ST_KEY), or with Keystone v3 (OS_AUTH_URL, OS_USERNAME, ...) when the
 * environment's config says {@code swift.auth-version=3}.
 */
public final class SwiftCli {

    private final LocalServers.Environment env;

    public SwiftCli(LocalServers.Environment env) {
        this.env = env;
    }

    /**
     * Empties and deletes these containers, so a test starts from nothing; missing ones are fine.
     * Raw HTTP with every name percent-encoded, so objects with hostile names ('..', '//') go too.
     */
    public void deleteContainers(String... containers) throws IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String[] login = login();
        String storage = login[0];
        String token = login[1];
        for (String container : containers) {
            String containerUrl = storage + "/" + encode(container);
            while (true) {
                var listing = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(containerUrl + "?format=json"))
                        .header("X-Auth-Token", token).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                if (listing.statusCode() == 404) {
                    break;
                }
                var names = new com.fasterxml.jackson.databind.ObjectMapper().readTree(listing.body());
                if (names.isEmpty()) {
                    int status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(containerUrl)).DELETE()
                            .header("X-Auth-Token", token).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                    assertEquals(204, status, "DELETE container " + container);
                    break;
                }
                for (var entry : names) {
                    int status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(containerUrl + "/"
                                    + encode(entry.get("name").asText()))).DELETE().header("X-Auth-Token", token).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                    assertTrue(status == 204 || status == 404, "DELETE " + entry.get("name") + ": " + status);
                }
            }
        }
    }

    /** The storage URL and a token, from {@code swift auth} (it prints export OS_STORAGE_URL=... and export OS_AUTH_TOKEN=...). */
    private String[] login() throws IOException, InterruptedException {
        java.util.Map<String, String> login = new java.util.HashMap<>();
        for (String line : run(Path.of("."), "auth")) {
            String[] parts = line.replaceFirst("^export ", "").split("=", 2);
            login.put(parts[0], parts.length > 1 ? parts[1].replaceAll("^'|'$", "") : "");
        }
        String token = login.get("OS_AUTH_TOKEN");
        String storage = login.get("OS_STORAGE_URL");
        assertTrue(token != null && storage != null, "swift auth printed " + login.keySet());
        return new String[] {storage, token};
    }

    /** A raw HTTP PUT of {@code body} as the object, with no checksum and no other header: what a stray writer does. */
    public void put(String container, String object, byte[] body) throws IOException, InterruptedException {
        String[] login = login();
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(login[0] + "/" + encode(container) + "/" + encode(object)))
                .header("X-Auth-Token", login[1]).PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertEquals(201, response.statusCode(), "PUT " + container + "/" + object);
    }

    /** Every byte but letters and digits percent-encoded: '/' and '.' too, so Swift gets the name as it is. */
    private static String encode(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128) {
                out.append((char) c);
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }

    /** {@code swift list CONTAINER -p PREFIX}, empty when the container does not exist. */
    public List<String> listIfPresent(String container, String prefix) throws IOException, InterruptedException {
        Result result = exec(Path.of("."), "list", container, "-p", prefix);
        if (result.exitCode() != 0 && result.output().contains("not found")) {
            return List.of();
        }
        assertEquals(0, result.exitCode(), "swift list " + container + ":\n" + result.output());
        return result.output().lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * {@code D/shards/} holds exactly the files of {@code kept}, and the runbook's
     * {@code swift download D -p D/shards/} returns each byte for byte.
     */
    public void assertHoldsExactly(Path scratch, String day, Path kept) throws IOException, InterruptedException {
        List<String> files;
        try (Stream<Path> entries = Files.list(kept)) {
            files = entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
        String prefix = day + "/shards/";
        assertEquals(files.stream().map(n -> prefix + n).toList(), run(scratch, "list", day, "-p", prefix));
        Path downloads = Files.createDirectories(scratch.resolve("downloads-" + day));
        run(downloads, "download", day, "-p", prefix);
        for (String name : files) {
            assertArrayEquals(Files.readAllBytes(kept.resolve(name)), Files.readAllBytes(downloads.resolve(prefix + name)), name);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private java.util.Map<String, String> cliEnvironment() {
        if ("3".equals(env.properties().get("swift.auth-version"))) {
            java.util.Map<String, String> v3 = new java.util.TreeMap<>(java.util.Map.of("ST_AUTH_VERSION", "3"));
            for (String name : List.of("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_USER_DOMAIN_NAME", "OS_PROJECT_NAME",
                    "OS_PROJECT_DOMAIN_NAME", "OS_REGION_NAME")) {
                v3.put(name, env.shellVar(name));
            }
            return v3;
        }
        return java.util.Map.of("ST_AUTH", env.shellVar("ST_AUTH"), "ST_USER", env.shellVar("ST_USER"),
                "ST_KEY", env.shellVar("ST_KEY"), "ST_AUTH_VERSION", "1.0");
    }

    private Result exec(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/swift"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("ST_") || k.startsWith("OS_"));
        builder.environment().putAll(cliEnvironment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("swift " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    /** Runs {@code swift ARGS} in {@code dir}; fails the test unless it exits 0. Returns stdout lines. */
    public List<String> run(Path dir, String... args) throws IOException, InterruptedException {
        Result result = exec(dir, args);
        assertEquals(0, result.exitCode(), "swift " + String.join(" ", args) + ":\n" + result.output());
        return result.output().lines().filter(l -> !l.isBlank()).toList();
    }
}
