package io.influxswiftbackup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.config.Settings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command from the command line has Camel's MBeans only when jmx.commands asks; its job MBeans always. */
class CommandJmxTest {

    @TempDir
    Path dir;

    private Set<ObjectName> camelMBeansOfACommand(String context, String... lines) throws Exception {
        Path config = Files.writeString(dir.resolve(context + ".properties"), String.join("\n", "swift.key=unused",
                "work.dir=" + dir.resolve("work"), "camel.main.name=" + context, String.join("\n", lines), ""));
        try (JobRuntime runtime = JobRuntime.startCommand(Settings.load(config, Map.of()), Clock.systemUTC(), "direct:dump")) {
            assertNotNull(runtime.context().getRoute("dump-measurement-attempt"), "the dump's routes are there");
            assertNull(runtime.context().getRoute("backup"), "only the route files the dump uses are loaded");
            assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(
                    new ObjectName("io.influxswiftbackup:type=Job,name=dump")), "the job MBeans are there");
            return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.apache.camel:context=" + context + ",*"), null);
        }
    }

    @Test
    void aCommandRegistersNoCamelMBeansByDefault() throws Exception {
        assertEquals(Set.of(), camelMBeansOfACommand("command-" + System.nanoTime()));
    }

    @Test
    void jmxCommandsGivesACommandItsRouteMBeans() throws Exception {
        String context = "watched-" + System.nanoTime();
        Set<ObjectName> names = camelMBeansOfACommand(context, "jmx.commands=true");
        assertTrue(names.contains(new ObjectName("org.apache.camel:context=" + context + ",type=routes,name=\"dump\"")), names.toString());
    }
}
