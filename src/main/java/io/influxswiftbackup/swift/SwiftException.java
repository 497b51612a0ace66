package io.influxswiftbackup.swift;

/** A Swift operation failed; the message says which and why, never with a secret in it. */
public class SwiftException extends RuntimeException {
    public SwiftException(String message) {
        super(message);
    }

    public SwiftException(String message, Throwable cause) {
        super(message, cause);
    }
}
