package io.influxswiftbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Application.execute(new Application(), args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Result result = run("--help");
        assertEquals(0, result.exit());
        String text = result.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("Exit status: 0 done, 1 the job failed (one line on stderr says why), 2 bad usage or configuration."), text);
        for (String command : new String[] {"run", "backup", "restore", "dump", "prune", "list", "download-dumps", "fetch-shards"}) {
            assertTrue(text.contains(" " + command + " "), command);
        }
    }

    @Test
    void helpWrapsAtSpacesAndNamesEveryJobSwitchOfRun() {
        for (String command : new String[] {"", "run", "restore", "prune", "fetch-shards", "status"}) {
            Result result = run(command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"});
            List<String> lines = result.out().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                assertTrue(lines.get(i).length() <= HelpText.WIDTH, lines.get(i));
                boolean cut = i + 1 < lines.size() && lines.get(i).matches(".*\\w[.:]$") && lines.get(i + 1).matches("(\\s{4,})?[a-z0-9].*");
                assertFalse(cut, "no word cut after its dot or colon: " + lines.get(i) + " / " + (cut ? lines.get(i + 1) : ""));
            }
        }
        String runLine = run("--help").out().lines().dropWhile(l -> !l.startsWith("  run ")).limit(2)
                .reduce("", (a, b) -> a + " " + b.strip());
        for (String key : new String[] {"backup.enabled", "restore.enabled", "dump.enabled", "prune.enabled"}) {
            assertTrue(runLine.contains(key), runLine);
        }
    }

    @Test
    void aBadDateIsBadUsageInOneLine() {
        Result result = run("backup", "--date", "2016-13-45");
        assertEquals(2, result.exit());
        assertEquals("error: '2016-13-45' is not a date of the form YYYY-MM-DD", result.err().strip());
    }

    @Test
    void aMissingConfigFileIsBadUsageInOneLine() {
        Result result = run("backup", "--config", "/nonexistent/app.properties");
        assertEquals(2, result.exit());
        assertEquals("error: config file /nonexistent/app.properties does not exist or is not a file", result.err().strip());
    }

    @Test
    void anUnknownCommandIsBadUsage() {
        assertEquals(2, run("restore-everything").exit());
    }

    @Test
    void theDaemonRefusesToStartHalfConfigured() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.properties"), "swift.key = k\nbackup.enabled = true\nbackup.cron = 0 55 23 * *\n");
        Result result = run("run", "--config", config.toString());
        assertEquals(2, result.exit());
        assertEquals("error: backup.cron = '0 55 23 * *' [" + config + "]: not a Quartz cron expression (Unexpected end of"
                + " expression.; the form is: seconds minutes hours day-of-month month day-of-week, e.g. 0 55 23 * * ?)",
                result.err().strip());
        assertEquals("", result.out());
    }

    @Test
    void aRemovedKeyStopsTheDaemonWithWhatReplacesIt() throws Exception {
        Path config = Files.writeString(dir.resolve("old.properties"), "swift.key = k\njit.c2 = digests\n");
        Result result = run("run", "--config", config.toString());
        assertEquals(2, result.exit());
        assertEquals("error: jit.c2 was removed: the JVM's default compilers are used; delete the key [" + config + "]",
                result.err().strip());
    }

    @Test
    void statusWithABadConfigurationIsUnknown() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.properties"), "schedule.timezone = Europe/Atlantis\n");
        Result result = run("status", "--config", config.toString());
        assertEquals(3, result.exit());
        assertEquals("UNKNOWN: configuration: schedule.timezone = 'Europe/Atlantis' [" + config
                + "]: not a time zone (e.g. UTC, Europe/Paris)", result.out().strip());
    }
}
