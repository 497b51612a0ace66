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

    /**
     * The shell line that holds a script at the gate while the FIFO is there: it says it has reached
     * the gate (so {@link #open} never writes into a FIFO nobody will read), then waits.
     */
    static String holdLine(Path fifo) {
        return "[ -p '" + fifo + "' ] && touch '" + reached(fifo) + "' && read go < '" + fifo + "'\n";
    }

    private static Path reached(Path fifo) {
        return fifo.resolveSibling(fifo.getFileName() + ".reached");
    }

    /**
     * Lets the held script go on once it has reached the gate (at most 60 s), and opens the gate for
     * good (no FIFO: the script no longer waits).
     */
    static void open(Path fifo) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(reached(fifo))) {
            assertTrue(System.nanoTime() < deadline, "nothing reached the gate " + fifo + " within 60 s");
            Thread.sleep(20);
        }
        Path held = fifo.resolveSibling("gate.held");
        Files.move(fifo, held);
        try (OutputStream out = Files.newOutputStream(held)) {
            out.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
