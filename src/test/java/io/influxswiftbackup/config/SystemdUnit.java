package io.influxswiftbackup.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file read as systemd reads what the units of packaging/ use: {@code #} comment lines,
 * lines continued by a trailing backslash (which becomes a space), {@code Key=value} assignments,
 * {@code Environment=} with double quotes (a later assignment of a variable wins), and ExecStart's
 * words with {@code $NAME} replaced by the variable's value split at whitespace (zero or more words).
 */
final class SystemdUnit {

    private final List<Map.Entry<String, String>> assignments;

    private SystemdUnit(List<Map.Entry<String, String>> assignments) {
        this.assignments = assignments;
    }

    static SystemdUnit read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static SystemdUnit parse(String text) {
        List<Map.Entry<String, String>> assignments = new ArrayList<>();
        StringBuilder logical = null;
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || stripped.startsWith(";")) {
                continue; // a comment, also between continued lines
            }
            if (logical == null) {
                if (stripped.isEmpty() || stripped.startsWith("[")) {
                    continue;
                }
                logical = new StringBuilder();
            }
            if (stripped.endsWith("\\")) {
                logical.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            logical.append(stripped);
            String assignment = logical.toString();
            int equals = assignment.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("not an assignment: " + assignment);
            }
            assignments.add(Map.entry(assignment.substring(0, equals).strip(), assignment.substring(equals + 1).strip()));
            logical = null;
        }
        if (logical != null) {
            throw new IllegalArgumentException("the last line is continued: " + logical);
        }
        return new SystemdUnit(assignments);
    }

    /**
     * The text with the commented block that starts with a line {@code #<first>} uncommented: that
     * line and those that follow it while each ends with a backslash lose their leading {@code #}.
     */
    static String uncomment(String text, String first) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("#" + first)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no line #" + first)));
        for (int i = start; ; i++) {
            String line = lines.get(i);
            if (!line.startsWith("#")) {
                throw new IllegalArgumentException("the block of #" + first + " ends uncommented: " + line);
            }
            lines.set(i, line.substring(1));
            if (!line.endsWith("\\")) {
                return String.join("\n", lines);
            }
        }
    }

    /** Every value given to {@code key}, in order. */
    List<String> all(String key) {
        return assignments.stream().filter(a -> a.getKey().equals(key)).map(Map.Entry::getValue).toList();
    }

    /** The service's environment: every {@code Environment=} assignment, the later winning. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String value : all("Environment")) {
            for (String word : words(value)) {
                int equals = word.indexOf('=');
                environment.put(word.substring(0, equals), word.substring(equals + 1));
            }
        }
        return environment;
    }

    /** ExecStart's command line, word by word, {@code $NAME} expanded. */
    List<String> execStart() {
        List<String> execStarts = all("ExecStart");
        if (execStarts.size() != 1) {
            throw new IllegalStateException("ExecStart= " + execStarts.size() + " times");
        }
        Map<String, String> environment = environment();
        List<String> command = new ArrayList<>();
        for (String word : words(execStarts.get(0))) {
            if (word.matches("\\$[A-Za-z_][A-Za-z0-9_]*")) {
                String value = environment.getOrDefault(word.substring(1), "").strip();
                if (!value.isEmpty()) {
                    command.addAll(List.of(value.split("\\s+")));
                }
            } else {
                command.add(word);
            }
        }
        return command;
    }

    /**
     * The JVM options of ExecStart: it runs the launcher, which gives java the JAVA_OPTS of
     * packaging/etc/default/influx-swift-backup, then the unit's $JMX_AGENT.
     */
    List<String> jvmOptions() {
        List<String> command = execStart();
        if (!command.get(0).equals(Launcher.INSTALLED)) {
            throw new IllegalStateException("not the launcher: " + command);
        }
        try {
            return Launcher.jvmOptions(Map.of("JMX_AGENT", environment().getOrDefault("JMX_AGENT", "")), command.subList(1, command.size()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Words split at whitespace, a double-quoted stretch kept whole (its quotes removed). */
    static List<String> words(String value) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (char c : value.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quotes: " + value);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
