package io.influxswiftbackup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.app.JobRuntime;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.swift.SwiftClient.StoredObject;
import io.influxswiftbackup.swift.SwiftException;
import java.io.File;
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
 * that writes three files: every file is uploaded, the uploads' results are gathered for the
 * listing check and the manifest, and nothing is deleted unless every file went up.
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
            route.weaveById("backup-preflight").replace().to("mock:preflight");
            route.weaveById("backup-refuse-day-backed-up").replace().to("mock:refuse");
            route.weaveById("backup-prepare-container").replace().to("mock:prepare");
            route.weaveById("backup-upload-verified").replace().to("mock:upload");
            route.weaveById("backup-verify-listing").replace().to("mock:verify");
            route.weaveById("backup-write-manifest").replace().to("mock:commit");
        });
        MockEndpoint upload = runtime.context().getEndpoint("mock:upload", MockEndpoint.class);
        upload.whenAnyExchangeReceived(exchange -> {
            File file = exchange.getMessage().getBody(File.class);
            exchange.getMessage().setBody(new StoredObject("2016-06-11", "2016-06-11/shards/" + file.getName(), file.length(),
                    "0123456789abcdef0123456789abcdef", null, null, false, 1));
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
        Exchange result = runtime.run("direct:backup", Map.of());
        assertFalse(result.isFailed(), () -> String.valueOf(result.getException()));
        assertEquals(List.of("meta.00", "sensu_db.autogen.00001.00", "sensu_db.autogen.00010.00"), upload.getReceivedExchanges()
                .stream().map(e -> e.getIn().getBody(File.class).getName()).sorted().toList(), "every file influxd wrote, once");
        assertEquals(List.of(), runDirs(dir.resolve("work")));
        assertEquals(List.of(1, 1, 1), List.of(received("mock:prepare"), received("mock:verify"), received("mock:commit")),
                "the day is prepared, the listing verified, the manifest committed");
        List<?> committed = runtime.context().getEndpoint("mock:commit", MockEndpoint.class)
                .getReceivedExchanges().get(0).getMessage().getBody(List.class);
        assertEquals(List.of("2016-06-11/shards/meta.00", "2016-06-11/shards/sensu_db.autogen.00001.00",
                "2016-06-11/shards/sensu_db.autogen.00010.00"), committed.stream().map(o -> ((StoredObject) o).name()).sorted().toList(),
                "the split's results, gathered, go to the listing check and the manifest");
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
        assertEquals(List.of(1, 0, 0), List.of(received("mock:prepare"), received("mock:verify"), received("mock:commit")),
                "the day stays marked in progress: no manifest");
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
        assertEquals(0, received("mock:prepare"), "the day's container is not touched");
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
