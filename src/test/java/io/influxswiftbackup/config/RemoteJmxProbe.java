package io.influxswiftbackup.config;

import java.io.IOException;

/**
 * A JVM for {@link RemoteJmxTest}: its options (the unit's) start the JDK's JMX agent before this
 * runs; it then waits until its standard input closes, which the test's end (or death) brings.
 */
public final class RemoteJmxProbe {

    private RemoteJmxProbe() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("up");
        System.out.flush();
        while (System.in.read() >= 0) {
            // nothing to read: only the end of the input matters
        }
    }
}
