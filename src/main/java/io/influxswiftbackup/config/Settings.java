package io.influxswiftbackup.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The application's configuration, layered: environment &gt; config file &gt; built-in defaults.
 * The defaults are the top-level application.properties bundled in the jar, so every key has one
 * documented home. An environment variable overrides key {@code swift.key} as {@code SWIFT_KEY}
 * (upper case, '.' and '-' become '_'), the same rule Camel's property placeholders apply. A
 * secret can also come from a file: {@code swift.key-file} (or {@code SWIFT_KEY_FILE}) names a
 * file whose content is {@code swift.key}.
 */
public final class Settings {

    public static final String DEFAULTS_RESOURCE = "application.properties";
    /** {@code <secret key>-file} names a file holding the secret. */
    public static final String FILE_SUFFIX = "-file";
    private static final String DEFAULT_SOURCE = "default";

    private final Map<String, Setting> settings;
    private final Set<String> documented;
    private final Path configFile;

    private Settings(Map<String, Setting> settings, Set<String> documented, Path configFile) {
        this.settings = Collections.unmodifiableMap(settings);
        this.documented = documented;
        this.configFile = configFile;
    }

    /** One key's value and where it came from. */
    public record Setting(String key, String value, String source) {
        public String display() {
            return key + " = " + (Secrets.isSecret(key) ? Secrets.mask(value) : value) + "  [" + source + "]";
        }
    }

    public static Settings load(Path configFile, Map<String, String> environment) {
        Map<String, Setting> merged = new TreeMap<>();
        Properties defaults = readDefaults();
        put(merged, defaults, DEFAULT_SOURCE);
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new ConfigException("config file " + configFile + " does not exist or is not a file");
            }
            put(merged, readFile(configFile), configFile.toString());
        }
        for (String key : new ArrayList<>(merged.keySet())) {
            String envName = environmentName(key);
            String value = environment.get(envName);
            if (value != null) {
                merged.put(key, new Setting(key, value.strip(), "environment " + envName));
            }
        }
        // A removed key is taken from the environment too, so that the check refuses it there as well.
        for (String key : RemovedKeys.names()) {
            String envName = environmentName(key);
            String value = environment.get(envName);
            if (value != null && !merged.containsKey(key)) {
                merged.put(key, new Setting(key, value.strip(), "environment " + envName));
            }
        }
        Set<String> documented = Set.copyOf(defaults.stringPropertyNames());
        readSecretFiles(merged, documented);
        return new Settings(merged, documented, configFile);
    }

    /**
     * {@code swift.key-file = /path} makes the file's content {@code swift.key}; both set is an error.
     * Only a documented key's file is read: any other (unknown, or removed) is refused by the check.
     */
    private static void readSecretFiles(Map<String, Setting> merged, Set<String> documented) {
        for (Setting fileSetting : List.copyOf(merged.values())) {
            String fileKey = fileSetting.key();
            String key = fileKey.endsWith(FILE_SUFFIX) ? fileKey.substring(0, fileKey.length() - FILE_SUFFIX.length()) : null;
            if (key == null || !Secrets.isSecret(key) || !documented.contains(fileKey) || fileSetting.value().isEmpty()) {
                continue;
            }
            Setting direct = merged.get(key);
            if (direct != null && !direct.value().isEmpty()) {
                throw new ConfigException(key + " is set twice: directly [" + direct.source() + "] and as " + fileKey
                        + " [" + fileSetting.source() + "]; give it one way");
            }
            Path file = Path.of(fileSetting.value());
            String value;
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException(fileKey + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
            if (value.isEmpty()) {
                throw new ConfigException(fileKey + ": " + file + " is empty");
            }
            merged.put(key, new Setting(key, value, "file " + file + " (" + fileKey + ")"));
        }
    }

    /** {@code swift.key} becomes {@code SWIFT_KEY}. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void put(Map<String, Setting> target, Properties properties, String source) {
        for (String key : properties.stringPropertyNames()) {
            target.put(key, new Setting(key, properties.getProperty(key).strip(), source));
        }
    }

    private static Properties readDefaults() {
        Properties properties = new Properties();
        try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new ConfigException("built-in " + DEFAULTS_RESOURCE + " is missing from the jar");
            }
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("cannot read built-in " + DEFAULTS_RESOURCE + ": " + e.getMessage());
        }
        return properties;
    }

    private static Properties readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return properties;
    }

    /** The folder of the config file read, or null when only the built-in defaults and the environment count. */
    public Path configFolder() {
        return configFile == null ? null : configFile.toAbsolutePath().normalize().getParent();
    }

    public String get(String key) {
        Setting setting = settings.get(key);
        if (setting == null || setting.value().isEmpty()) {
            throw new ConfigException(key + " is not set");
        }
        return setting.value();
    }

    /** The key's setting (value and source), or null when no layer has it. */
    public Setting setting(String key) {
        return settings.get(key);
    }

    /** Whether the key is one of application.properties, the documented keys. */
    public boolean isDocumented(String key) {
        return documented.contains(key);
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    public String getOptional(String key) {
        Setting setting = settings.get(key);
        return setting == null || setting.value().isEmpty() ? null : setting.value();
    }

    public int getInt(String key) {
        long value = getLong(key);
        if (value != (int) value) {
            throw new ConfigException(key + " must be at most " + Integer.MAX_VALUE + ", not " + value);
        }
        return (int) value;
    }

    public long getLong(String key) {
        String value = get(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, not '" + value + "'");
        }
    }

    /** All keys as plain properties, for Camel's placeholders. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        settings.values().forEach(s -> map.put(s.key(), s.value()));
        return map;
    }

    /** One line per key, secrets masked, for the start-up log. */
    public List<String> describe() {
        return settings.values().stream().map(Setting::display).toList();
    }

    /** The keys set in the config file or the environment, as {@link #describe}, secrets masked. */
    public List<String> describeChanged() {
        return settings.values().stream().filter(setting -> !DEFAULT_SOURCE.equals(setting.source())).map(Setting::display).toList();
    }

    public Settings with(String key, String value, String source) {
        Map<String, Setting> copy = new TreeMap<>(settings);
        copy.put(key, new Setting(key, value, source));
        return new Settings(copy, documented, configFile);
    }
}
