package io.influxswiftbackup.dump;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of a page of JSON Lines, written straight into one growing array: a dump writes a few
 * hundred thousand records a second, and a general JSON generator's layers cost a fresh JVM more
 * to compile than the records cost to write. Strings arrive as UTF-8 bytes and are escaped as JSON
 * requires (quote, backslash, control characters); everything else is copied as it is.
 */
final class JsonLineBuffer {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int size;

    JsonLineBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    JsonLineBuffer raw(byte[] text) {
        ensure(text.length);
        System.arraycopy(text, 0, bytes, size, text.length);
        size += text.length;
        return this;
    }

    JsonLineBuffer raw(byte[] text, int length) {
        ensure(length);
        System.arraycopy(text, 0, bytes, size, length);
        size += length;
        return this;
    }

    JsonLineBuffer raw(char c) {
        ensure(1);
        bytes[size++] = (byte) c;
        return this;
    }

    /** A JSON string of UTF-8 bytes, quotes included. */
    JsonLineBuffer string(byte[] utf8, int length) {
        ensure(length * 6 + 2);
        bytes[size++] = '"';
        for (int i = 0; i < length; i++) {
            byte b = utf8[i];
            if (b == '"' || b == '\\') {
                bytes[size++] = '\\';
                bytes[size++] = b;
            } else if (b >= 0 && b < 0x20) {
                escapeControl(b);
            } else {
                bytes[size++] = b;
            }
        }
        bytes[size++] = '"';
        return this;
    }

    JsonLineBuffer string(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return string(utf8, utf8.length);
    }

    JsonLineBuffer number(long value) {
        ensure(20);
        size = NumberOutput.outputLong(value, bytes, size);
        return this;
    }

    /**
     * The shortest decimal that reads back as the same double (Schubfach), as Java writes it: a whole
     * one keeps its ".0", and from 10^7 on, or under 10^-3, it takes an exponent ("1.0E7").
     */
    JsonLineBuffer number(double value) {
        if (value == (long) value && Math.abs(value) < 1e7 && value != 0) {
            // whole, within the range Java writes without an exponent: the digits and ".0" (the common case of metrics)
            number((long) value);
            return raw('.').raw('0');
        }
        return text(NumberOutput.toString(value, true));
    }

    @SuppressWarnings("deprecation") // the one String method that copies an ASCII text's bytes without a new array
    JsonLineBuffer text(String ascii) {
        ensure(ascii.length());
        ascii.getBytes(0, ascii.length(), bytes, size);
        size += ascii.length();
        return this;
    }

    private void escapeControl(byte b) {
        bytes[size++] = '\\';
        switch (b) {
            case '\n' -> bytes[size++] = 'n';
            case '\r' -> bytes[size++] = 'r';
            case '\t' -> bytes[size++] = 't';
            case '\b' -> bytes[size++] = 'b';
            case '\f' -> bytes[size++] = 'f';
            default -> {
                bytes[size++] = 'u';
                bytes[size++] = '0';
                bytes[size++] = '0';
                bytes[size++] = HEX[b >> 4];
                bytes[size++] = HEX[b & 0xf];
            }
        }
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
