package io.influxswiftbackup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight's own checks name the path and the key to fix; every check runs, each problem is one line. */
class PreflightTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryThatCannotBeMadeNamesItsKey() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals(List.of(new Preflight.Problem(file.resolve("work").toString(), file.resolve("work")
                        + " cannot be made: " + file + " is not a directory; check work.dir")),
                Preflight.problems(List.of(Preflight.writable(file.resolve("work"), "work.dir"))));
        assertEquals(List.of(), Preflight.problems(List.of(Preflight.writable(dir.resolve("not/yet"), "dump.dir"))));
    }

    @Test
    void aCommandMustBeAnExecutableFileOrFoundOnPath() {
        assertEquals(List.of(), Preflight.problems(List.of(Preflight.command("sh -c true", "influx.intermediary.start-command"))));
        List<Preflight.Problem> problems = Preflight.problems(List.of(
                Preflight.command("no-such-tool-here stop influxdb", "influx.intermediary.stop-command"),
                Preflight.command(dir.resolve("stop") + " now", "influx.intermediary.start-command")));
        assertEquals(List.of("influx.intermediary.stop-command: no-such-tool-here is not an executable found on PATH;"
                        + " check influx.intermediary.stop-command",
                "influx.intermediary.start-command: " + dir.resolve("stop") + " is not an executable file;"
                        + " check influx.intermediary.start-command"),
                problems.stream().map(Preflight.Problem::message).toList());
    }
}
