package io.influxswiftbackup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * A gate that holds a stand-in {@code influxd} (a shell script) until the test opens it: how the
 * tests keep a job running while they look at it. The gate is a file: the script says it has
 * reached it, then waits while the file is there; {@link #open} waits until the script has reached
 * it, then deletes it.
 */
final class Gate {

    private Gate() {
    }

    /** Closes the gate at {@code gate}: a script with {@link #holdLine} waits there until {@link #open}. */
    static void make(Path gate) throws IOException {
        Files.writeString(gate, "closed\n");
    }

    /** The shell line that holds a script while the gate is closed, after saying it has reached it. */
    static String holdLine(Path gate) {
        return "if [ -e '" + gate + "' ]; then touch '" + reached(gate) + "'; while [ -e '" + gate + "' ]; do sleep 0.05; done; fi\n";
    }

    private static Path reached(Path gate) {
        return gate.resolveSibling(gate.getFileName() + ".reached");
    }

    /** Lets the held script go on once it has reached the gate (at most 60 s); the gate stays open. */
    static void open(Path gate) throws IOException {
        Awaitility.await("something reaches the gate " + gate).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(reached(gate)));
        Files.delete(gate);
    }
}
