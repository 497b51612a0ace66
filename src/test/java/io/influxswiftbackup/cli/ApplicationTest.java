package io.influxswiftbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ApplicationTest {

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
        for (String command : new String[] {"run", "backup", "restore", "dump", "list", "download-dumps", "fetch-shards"}) {
            assertTrue(text.contains(" " + command + " "), command);
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
}
