package io.influxswiftbackup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.swift.SwiftException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logic of routes/backup.yaml with the Swift steps replaced by mocks and influxd by a script
 * that writes three files: what is uploaded under which name, and that nothing is deleted unless
 * every file went up.
 */
class BackupRouteTest {

    @TempDir
    Path dir;
    JobRuntime runtime;
    String contextName = "unit-" + System.nanoTime();

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private MockEndpoint start(String influxdScript) throws Exception {
        Path influxd = dir.resolve("influxd");
        Files.writeString(influxd, "#!/bin/sh\n" + influxdScript);
        Files.setPosixFilePermissions(influxd, PosixFilePermissions.fromString("rwx------"));
        Path config = Files.writeString(dir.resolve("unit.properties"), String.join("\n",
                "influx.influxd=" + influxd, "work.dir=" + dir.resolve("work"), "swift.key=unused",
                "camel.main.name=" + contextName, ""));
        Settings settings = Settings.load(config, Map.of());
        runtime = JobRuntime.startOnce(settings, Clock.fixed(Instant.parse("2016-06-11T23:55:00Z"), ZoneOffset.UTC));
        AdviceWith.adviceWith(runtime.context(), "backup", route -> {
            route.interceptSendToEndpoint("direct:swift-ensure-container").skipSendToOriginalEndpoint().to("mock:ensure");
            route.interceptSendToEndpoint("direct:swift-cluster-limits").skipSendToOriginalEndpoint().to("mock:limits");
            route.interceptSendToEndpoint("direct:swift-list").skipSendToOriginalEndpoint()
                    .setBody(route.constant(List.of()));
            route.interceptSendToEndpoint("direct:swift-verify-listing").skipSendToOriginalEndpoint().to("mock:verify");
            route.interceptSendToEndpoint("direct:swift-upload-verified").skipSendToOriginalEndpoint().to("mock:upload");
            route.interceptSendToEndpoint("direct:swift-mark-day-in-progress").skipSendToOriginalEndpoint().to("mock:mark");
            route.interceptSendToEndpoint("direct:swift-write-manifest").skipSendToOriginalEndpoint()
                    .to("bean:dayManifest?method=compose").to("mock:put-manifest");
            route.interceptSendToEndpoint("direct:swift-delete-obsolete").skipSendToOriginalEndpoint().to("mock:delete-obsolete");
            route.interceptSendToEndpoint("direct:swift-clear-day-mark").skipSendToOriginalEndpoint().to("mock:clear-mark");
        });
        MockEndpoint upload = runtime.context().getEndpoint("mock:upload", MockEndpoint.class);
        upload.whenAnyExchangeReceived(exchange -> {
            exchange.setProperty("localSize", 4L);
            exchange.setProperty("localMd5", "0123456789abcdef0123456789abcdef");
        });
        return upload;
    }

    private int received(String mock) {
        return runtime.context().getEndpoint(mock, MockEndpoint.class).getReceivedCounter();
    }

    private static final String WRITES_THREE_FILES = """
            dir="$6"
            mkdir -p "$dir"
            echo meta > "$dir/meta.00"
            echo one > "$dir/sensu_db.autogen.00001.00"
            echo ten > "$dir/sensu_db.autogen.00010.00"
            """;

    @Test
    void uploadsEveryFileUnderTheRunbooksNameThenDeletesTheLocalCopy() throws Exception {
        MockEndpoint upload = start(WRITES_THREE_FILES);
        upload.expectedPropertyValuesReceivedInAnyOrder("objectName",
                "2016-06-11/shards/meta.00", "2016-06-11/shards/sensu_db.autogen.00001.00",
                "2016-06-11/shards/sensu_db.autogen.00010.00");
        upload.expectedPropertyReceived("container", "2016-06-11");
        Exchange result = runtime.run("direct:backup", Map.of());
        assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
        upload.assertIsSatisfied();
        assertEquals(List.of(), runDirs(dir.resolve("work")));
        assertEquals(List.of(1, 1, 1, 1), List.of(received("mock:mark"), received("mock:verify"), received("mock:put-manifest"),
                received("mock:clear-mark")), "the day is marked, the listing verified, its manifest written, the mark removed");
        String manifest = runtime.context().getEndpoint("mock:put-manifest", MockEndpoint.class)
                .getReceivedExchanges().get(0).getMessage().getBody(String.class);
        assertTrue(manifest.contains("\"2016-06-11/shards/sensu_db.autogen.00010.00\""), manifest);
    }

    @Test
    void aFailedUploadKeepsEveryLocalFileAndFailsTheExchange() throws Exception {
        MockEndpoint upload = start(WRITES_THREE_FILES);
        upload.whenExchangeReceived(2, exchange -> {
            throw new SwiftException("Swift answered 503 for sensu_db.autogen.00001.00");
        });
        Exchange result = runtime.run("direct:backup", Map.of());
        assertTrue(result.isFailed());
        Throwable cause = result.getException();
        while (!(cause instanceof SwiftException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertEquals("Swift answered 503 for sensu_db.autogen.00001.00", cause.getMessage());
        assertTrue(upload.getReceivedCounter() >= 2, "uploads run in parallel; the failed one was tried");
        assertEquals(List.of(1, 0, 0, 0), List.of(received("mock:mark"), received("mock:verify"), received("mock:put-manifest"),
                received("mock:clear-mark")), "the day stays marked in progress: no manifest");
        List<String> runs = runDirs(dir.resolve("work"));
        assertEquals(1, runs.size());
        assertEquals(List.of("meta.00", "sensu_db.autogen.00001.00", "sensu_db.autogen.00010.00"),
                list(dir.resolve("work").resolve(runs.get(0))));
        assertEquals(1L, ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(
                "org.apache.camel:context=" + contextName + ",type=routes,name=\"backup\""), "ExchangesFailed"));
    }

    @Test
    void anInfluxdFailureIsReportedWithItsLastErrorLineAndNothingIsUploaded() throws Exception {
        MockEndpoint upload = start("echo 'backing up db=nodb' >&2\necho 'backup: database not found: nodb' >&2\nexit 1\n");
        Exchange result = runtime.run("direct:backup", Map.of());
        assertTrue(result.isFailed());
        assertEquals("influxd backup exited 1: backup: database not found: nodb", result.getException().getMessage());
        assertEquals(0, upload.getReceivedCounter());
        assertEquals(0, runtime.context().getEndpoint("mock:ensure", MockEndpoint.class).getReceivedCounter());
    }

    @Test
    void anInfluxdThatWritesNothingFailsTheRun() throws Exception {
        start("mkdir -p \"$6\"\n");
        Exchange result = runtime.run("direct:backup", Map.of());
        assertTrue(result.isFailed());
        assertTrue(result.getException().getMessage().startsWith("influxd backup exited 0 but wrote no file"),
                result.getException().getMessage());
    }

    private static List<String> runDirs(Path workDir) throws IOException {
        return list(workDir).stream().filter(name -> !name.equals("state") && !name.equals("locks")).toList();
    }

    private static List<String> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
