package io.influxswiftbackup.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built jar as operators do: {@code java -jar target/influx-swift-backup.jar ARGS}. */
public record JarRun(int exitCode, String stdout, String stderr) {

    public static JarRun run(Path scratch, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return start(scratch, environment, args).finish();
    }

    /** Starts the jar and returns while it runs. */
    public static Running start(Path scratch, Map<String, String> environment, String... args) throws IOException {
        String jar = System.getProperty("isb.jar", "target/influx-swift-backup.jar");
        if (!Files.isRegularFile(Path.of(jar))) {
            fail("the jar " + jar + " is missing; integration tests run after 'mvn package'");
        }
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(PackageJvmOptions.forCommand(List.of(args)));
        command.addAll(List.of("-jar", jar));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "stdout", ".txt");
        Path err = Files.createTempFile(scratch, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("SWIFT_") || k.startsWith("INFLUX_"));
        builder.environment().putAll(environment);
        return new Running(builder.start(), String.join(" ", args), out, err);
    }

    /** A jar that runs. */
    public record Running(Process process, String args, Path out, Path err) {

        public JarRun finish() throws IOException, InterruptedException {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("java -jar " + args + " did not finish in 120 s");
            }
            return new JarRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    public List<String> stderrLines() {
        return stderr.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
