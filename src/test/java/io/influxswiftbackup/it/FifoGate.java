package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gate that holds a stand-in {@code influxd} (a shell script that reads from a FIFO) until the
 * test opens it: how the tests keep a job running while they look at it.
 */
final class FifoGate {

    private FifoGate() {
    }

    /** Makes the FIFO at {@code fifo}; a script reading it waits until {@link #open}. */
    static void make(Path fifo) throws Exception {
        Process process = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0, "mkfifo " + fifo);
    }

    /** Lets the held script go on, and opens the gate for good (no FIFO: the script no longer waits). */
    static void open(Path fifo) throws IOException {
        Path held = fifo.resolveSibling("gate.held");
        Files.move(fifo, held);
        try (OutputStream out = Files.newOutputStream(held)) {
            out.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
