package io.influxswiftbackup.app;

import io.influxswiftbackup.config.ConfigException;
import io.influxswiftbackup.config.RemovedKeys;
import io.influxswiftbackup.config.Secrets;
import io.influxswiftbackup.config.Settings;
import io.influxswiftbackup.dump.DumpJob;
import io.influxswiftbackup.store.ContentStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Every key checked up front, in one place, before anything starts: a missing or malformed value,
 * a cron Quartz cannot parse, an unknown time zone, a URL that is not one, a number that is not a
 * number, a key that application.properties does not know (a typo would otherwise be ignored), a
 * key this tool no longer has (named with what replaces it: it would otherwise be ignored too).
 * Whatever is wrong comes back as one {@link ConfigException} line naming each key and what is wrong
 * with it; a secret's value is never shown.
 */
public final class ConfigCheck {

    /** A value's problem, or null when it is fine. */
    @FunctionalInterface
    interface Rule {
        String problem(String value);
    }

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.\\-]+):(\\d{1,5})");
    private static final Set<String> LEVELS = Set.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");
    /** Camel options this tool sets itself from routes.dir and routes.reload. */
    private static final Set<String> OWN_CAMEL_OPTIONS = Set.of("camel.main.routesIncludePattern",
            "camel.main.routesReloadEnabled", "camel.main.routesReloadDirectory", "camel.main.routesReloadPattern",
            "camel.main.routesReloadRemoveAllRoutes");

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    /** Keys this tool had and no longer has, with what replaces each; a config that still sets one is refused. */

    static {
        rule("schedule.timezone", ConfigCheck::zone);
        rule("influx.production.url", ConfigCheck::httpUrl);
        rule("influx.production.backup-host", ConfigCheck::hostPort);
        rule("influx.production.user", optional(ConfigCheck::anything));
        rule("influx.production.password", optional(ConfigCheck::anything));
        rule("influx.production.password-file", optional(ConfigCheck::anything));
        rule("influx.production.datadir", ConfigCheck::path);
        rule("influx.database", ConfigCheck::plainName);
        rule("influx.influxd", ConfigCheck::path);
        rule("influx.intermediary.url", ConfigCheck::httpUrl);
        rule("influx.intermediary.restore-host", ConfigCheck::hostPort);
        rule("influx.intermediary.metadir", ConfigCheck::path);
        rule("influx.intermediary.datadir", ConfigCheck::path);
        rule("influx.intermediary.waldir", ConfigCheck::path);
        rule("influx.intermediary.stop-command", ConfigCheck::anything);
        rule("influx.intermediary.start-command", ConfigCheck::anything);
        rule("influx.intermediary.user", optional(ConfigCheck::anything));
        rule("influx.intermediary.password", optional(ConfigCheck::anything));
        rule("influx.intermediary.password-file", optional(ConfigCheck::anything));
        rule("influx.connect-timeout-ms", range(1, Integer.MAX_VALUE));
        rule("influx.timeout-ms", range(1, Integer.MAX_VALUE));
        rule("swift.auth-url", ConfigCheck::httpUrl);
        rule("swift.auth-version", oneOf("1", "3"));
        rule("swift.username", optional(ConfigCheck::anything));
        rule("swift.password", optional(ConfigCheck::anything));
        rule("swift.password-file", optional(ConfigCheck::readableFile));
        rule("swift.user-domain", optional(ConfigCheck::anything));
        rule("swift.project", optional(ConfigCheck::anything));
        rule("swift.project-domain", optional(ConfigCheck::anything));
        rule("swift.region", optional(ConfigCheck::anything));
        rule("swift.interface", oneOf("public", "internal", "admin"));
        rule("swift.renew-before-expiry-s", range(0, 86_400));
        rule("swift.concurrency", range(1, 64));
        rule("swift.segment-size", range(1, Long.MAX_VALUE));
        rule("swift.store-container", ContentStore::nameProblem);
        rule("manifest.lock-tries", range(1, 1_000_000));
        rule("manifest.lock-retry-ms", range(0, 3_600_000));
        rule("manifest.lock-expiry-seconds", range(10, 7 * 24 * 3600));
        rule("retry.max-retries", range(0, 100));
        rule("retry.initial-delay-ms", range(0, Integer.MAX_VALUE));
        rule("retry.max-delay-ms", range(0, Integer.MAX_VALUE));
        rule("swift.user", ConfigCheck::anything);
        rule("swift.key", optional(ConfigCheck::anything));
        rule("swift.key-file", optional(ConfigCheck::anything));
        rule("swift.ca-file", optional(ConfigCheck::readableFile));
        rule("swift.storage-url", optional(ConfigCheck::httpUrl));
        rule("swift.listing-page-size", range(1, Integer.MAX_VALUE));
        rule("swift.connect-timeout-ms", range(1, Integer.MAX_VALUE));
        rule("swift.timeout-ms", range(1, Integer.MAX_VALUE));
        rule("backup.enabled", ConfigCheck::bool);
        rule("backup.cron", ConfigCheck::cron);
        rule("backup.format", oneOf("legacy", "portable"));
        rule("backup.timeout-ms", range(1, Long.MAX_VALUE));
        rule("backup.dedup", ConfigCheck::bool);
        rule("restore.enabled", ConfigCheck::bool);
        rule("restore.cron", ConfigCheck::cron);
        rule("restore.start-timeout-ms", range(1, Integer.MAX_VALUE));
        rule("restore.command-timeout-ms", range(1, Long.MAX_VALUE));
        rule("dump.enabled", ConfigCheck::bool);
        rule("dump.cron", ConfigCheck::cron);
        rule("dump.measurements", ConfigCheck::measurements);
        rule("dump.retention-policy", optional(ConfigCheck::plainName));
        rule("dump.page-size", range(1, Integer.MAX_VALUE));
        rule("dump.lag-days", range(0, 3650));
        rule("dump.progress-pages", range(1, Integer.MAX_VALUE));
        rule("catch-up.max-days", range(0, 3650));
        rule("prune.enabled", ConfigCheck::bool);
        rule("prune.cron", ConfigCheck::cron);
        rule("retention.days", optional(range(1, 36_500)));
        rule("retention.store-grace-hours", range(0, 24 * 36_500));
        rule("work.dir", ConfigCheck::path);
        rule("disk.free-margin-percent", range(0, 1_000_000_000));
        rule("dump.dir", ConfigCheck::path);
        rule("routes.dir", optional(ConfigCheck::directory));
        rule("routes.reload", ConfigCheck::bool);
        rule("status.grace-minutes", range(0, 7 * 24 * 60));
        rule("jmx.commands", ConfigCheck::bool);
    }

    private ConfigCheck() {
    }

    private static void rule(String key, Rule rule) {
        RULES.put(key, rule);
    }

    /** The keys this check knows a rule for. */
    static Set<String> checkedKeys() {
        return RULES.keySet();
    }

    /**
     * Fails with every problem found, in one line. {@code needsSwiftKey}: the command talks to Swift,
     * so {@code swift.key} must be set (the {@code status} check does without).
     */
    public static void validate(Settings settings, boolean needsSwiftKey) {
        List<String> problems = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, String> entry : settings.asMap().entrySet()) {
            String key = entry.getKey();
            if (RemovedKeys.names().contains(key)) {
                removed.add(key);
                continue;
            }
            String problem = check(settings, key, entry.getValue());
            if (problem != null) {
                problems.add(problem);
            }
        }
        problems.addAll(removed(settings, removed));
        problems.addAll(combinations(settings, needsSwiftKey));
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
    }

    private static String check(Settings settings, String key, String value) {
        Settings.Setting setting = settings.setting(key);
        String where = " [" + setting.source() + "]";
        if (OWN_CAMEL_OPTIONS.contains(key)) {
            return key + where + ": set by routes.dir and routes.reload, not directly";
        }
        if (key.startsWith("camel.")) {
            return null; // Camel checks its own options when it starts
        }
        if (key.startsWith("logging.level.")) {
            return LEVELS.contains(value.toUpperCase(Locale.ROOT)) ? null
                    : key + " = '" + value + "'" + where + ": not a log level (" + String.join(", ", LEVELS) + ")";
        }
        Rule rule = RULES.get(key);
        if (rule == null) {
            return settings.isDocumented(key) ? key + ": no check is defined for it (a bug)"
                    : "unknown key " + key + where + ": not a key of application.properties (misspelt?)";
        }
        String problem = rule.problem(value);
        if (problem == null) {
            return null;
        }
        String shown = Secrets.isSecret(key) ? "" : " = '" + value + "'";
        return key + shown + where + ": " + problem;
    }

    /**
     * One problem per replacement: {@code jit.c2 was removed: the JVM's default compilers are used;
     * delete the key [where it is set]}, the keys that share a replacement named together.
     */
    private static List<String> removed(Settings settings, List<String> keys) {
        Map<String, List<String>> byReplacement = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : RemovedKeys.replacements().entrySet()) {
            if (keys.contains(entry.getKey())) {
                byReplacement.computeIfAbsent(entry.getValue(), r -> new ArrayList<>()).add(entry.getKey());
            }
        }
        List<String> problems = new ArrayList<>();
        byReplacement.forEach((replacement, named) -> {
            boolean one = named.size() == 1;
            String sources = String.join(", ", named.stream().map(key -> settings.setting(key).source()).distinct().toList());
            problems.add(String.join(", ", named) + (one ? " was removed: " : " were removed: ") + replacement
                    + (one ? "; delete the key [" : "; delete the keys [") + sources + "]");
        });
        return problems;
    }

    private static List<String> combinations(Settings settings, boolean needsSwiftKey) {
        List<String> problems = new ArrayList<>();
        boolean keystone = "3".equals(settings.getOptional("swift.auth-version"));
        if (needsSwiftKey && !keystone && settings.getOptional("swift.key") == null) {
            problems.add("swift.key is not set (give it as SWIFT_KEY, or swift.key-file naming a file that holds it)");
        }
        if (needsSwiftKey && keystone) {
            if (settings.getOptional("swift.password") == null && settings.getOptional("swift.password-file") == null) {
                problems.add("swift.password is not set (give it as SWIFT_PASSWORD, or swift.password-file naming a file that holds it)");
            }
            for (String key : List.of("swift.username", "swift.project")) {
                if (settings.getOptional(key) == null) {
                    problems.add(key + " is not set (swift.auth-version = 3 logs in to Keystone with it)");
                }
            }
        }
        return problems;
    }

    // --- the rules --------------------------------------------------------------------------

    private static Rule optional(Rule rule) {
        return value -> value.isEmpty() ? null : rule.problem(value);
    }

    private static String anything(String value) {
        return value.isEmpty() ? "must be set" : null;
    }

    private static String bool(String value) {
        return value.equals("true") || value.equals("false") ? null : "must be true or false";
    }

    private static Rule oneOf(String... values) {
        return value -> Arrays.asList(values).contains(value) ? null : "must be " + String.join(" or ", values);
    }

    private static Rule range(long min, long max) {
        return value -> {
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                return "not a whole number";
            }
            if (number < min || number > max) {
                return max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? "must be " + min + " or more"
                        : "must be between " + min + " and " + max;
            }
            return null;
        };
    }

    private static String zone(String value) {
        try {
            ZoneId.of(value);
            return null;
        } catch (DateTimeException e) {
            return "not a time zone (e.g. UTC, Europe/Paris)";
        }
    }

    private static String cron(String value) {
        try {
            new CronExpression(value);
            return null;
        } catch (ParseException e) {
            return "not a Quartz cron expression (" + e.getMessage() + "; the form is: seconds minutes hours"
                    + " day-of-month month day-of-week, e.g. 0 55 23 * * ?)";
        }
    }

    private static String httpUrl(String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return null;
            }
        } catch (URISyntaxException e) {
            // falls through
        }
        return "not an http(s) URL";
    }

    private static String hostPort(String value) {
        var matcher = HOST_PORT.matcher(value);
        if (!matcher.matches() || Integer.parseInt(matcher.group(2)) > 65535) {
            return "not host:port";
        }
        return null;
    }

    private static String plainName(String value) {
        return PLAIN_NAME.matcher(value).matches() ? null : "must be a plain name (letters, digits, '_', '-', '.')";
    }

    private static String path(String value) {
        return value.isEmpty() ? "must be set" : value.indexOf('\0') >= 0 ? "not a path" : null;
    }

    private static String readableFile(String value) {
        return Files.isRegularFile(Path.of(value)) && Files.isReadable(Path.of(value)) ? null : "not a readable file";
    }

    private static String directory(String value) {
        return Files.isDirectory(Path.of(value)) ? null : "not a directory";
    }

    private static String measurements(String value) {
        try {
            return DumpJob.parseList(value).isEmpty() ? "must name at least one measurement" : null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
