package io.influxswiftbackup.config;

/** Bad or missing configuration; the message names the key and what is wrong with it. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
