package io.influxswiftbackup.dump;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import io.influxswiftbackup.influx.InfluxException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages of JSON Lines read from one streamed, chunked {@code /query} answer. InfluxDB cuts its
 * chunks at {@code chunk_size} rows and at series boundaries, so a page is made of exactly
 * {@code pageSize} records (the last one fewer) whatever the chunks were. The answer is read token
 * by token and each record written as it is read: memory stays flat, and numbers keep InfluxDB's
 * own text. An {@code "error"} in any chunk, or an answer that ends while it still says
 * {@code "partial"}, fails the dump: neither is data.
 */
public class ChunkedPages implements Closeable {

    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializedString MEASUREMENT = new SerializedString("measurement");
    private static final SerializedString TIME = new SerializedString("time");
    private static final SerializedString TAGS = new SerializedString("tags");
    private static final SerializedString FIELDS = new SerializedString("fields");

    private final InputStream stream;
    private final JsonParser parser;
    private final String measurement;
    private final Schema schema;
    private final int pageSize;
    private final long startNanos = System.nanoTime();

    private SerializedString[] names = new SerializedString[0];
    private boolean[] isTag = new boolean[0];
    private boolean[] isFloat = new boolean[0];
    private final List<JsonToken> kinds = new ArrayList<>();
    private final List<char[]> values = new ArrayList<>();
    private int[] lengths = new int[16];
    private boolean inValues;
    private boolean rowReady;
    private boolean lastChunkPartial;
    private long records;
    private int pages;
    private char[] lastTimeChars;
    private int lastTimeLength;
    private long elapsedNanos;

    public ChunkedPages(InputStream stream, String measurement, Schema schema, int pageSize) throws IOException {
        this.stream = stream;
        this.parser = JSON.createParser(stream);
        this.measurement = measurement;
        this.schema = schema;
        this.pageSize = pageSize;
    }

    public boolean hasNext() throws IOException {
        return rowReady || (rowReady = advanceToRow());
    }

    /** The next page: up to pageSize records, one JSON object per line, UTF-8. */
    public byte[] next() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(pageSize * 160);
        int n = 0;
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.setRootValueSeparator(new SerializedString("\n"));
            while (n < pageSize && hasNext()) {
                readRow();
                writeRecord(out);
                rowReady = false;
                n++;
            }
        }
        if (n > 0) {
            bytes.write('\n');
        }
        records += n;
        pages++;
        return bytes.toByteArray();
    }

    public long records() {
        return records;
    }

    public int pages() {
        return pages;
    }

    /** The time of the last record written, or null when there was none. */
    public String lastTime() {
        return lastTimeChars == null ? null : new String(lastTimeChars, 0, lastTimeLength);
    }

    /** Records per second since the answer was opened. */
    public long recordsPerSecond() {
        long nanos = System.nanoTime() - startNanos;
        return nanos <= 0 ? records : records * 1_000_000_000L / nanos;
    }

    /** Milliseconds from opening the answer to close(). */
    public long elapsedMillis() {
        return elapsedNanos / 1_000_000;
    }

    /** Moves to the start of the next row of values; false at the end of the answer. */
    private boolean advanceToRow() throws IOException {
        while (true) {
            if (inValues) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.START_ARRAY) {
                    return true;
                }
                inValues = false;
                continue;
            }
            JsonToken token = parser.nextToken();
            if (token == null) {
                if (lastChunkPartial) {
                    throw new InfluxException("InfluxDB's answer for " + measurement + " ended while still partial, after "
                            + records + " records (page " + (pages + 1) + ")");
                }
                return false;
            }
            if (token == JsonToken.START_OBJECT && parser.getParsingContext().getParent().inRoot()) {
                lastChunkPartial = false;
            }
            if (token != JsonToken.FIELD_NAME) {
                continue;
            }
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "error" -> throw new InfluxException("InfluxDB failed on page " + (pages + 1) + " of " + measurement
                        + ": " + parser.getText());
                case "columns" -> readColumns();
                case "values" -> inValues = value == JsonToken.START_ARRAY;
                case "partial" -> lastChunkPartial = value == JsonToken.VALUE_TRUE;
                case "results", "series" -> {
                    // descend into them
                }
                default -> parser.skipChildren();
            }
        }
    }

    private void readColumns() throws IOException {
        List<String> columns = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            columns.add(parser.getText());
        }
        names = new SerializedString[columns.size()];
        isTag = new boolean[columns.size()];
        isFloat = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            names[i] = new SerializedString(columns.get(i));
            isTag[i] = schema.tagKeys().contains(columns.get(i));
            isFloat[i] = "float".equals(schema.fieldTypes().get(columns.get(i)));
        }
    }

    /** Copies the row's values into reused buffers: no object per value. */
    private void readRow() throws IOException {
        kinds.clear();
        int i = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken(), i++) {
            kinds.add(token);
            if (values.size() <= i) {
                values.add(new char[64]);
            }
            if (lengths.length <= i) {
                lengths = java.util.Arrays.copyOf(lengths, i * 2);
            }
            if (token == JsonToken.VALUE_NULL) {
                lengths[i] = -1;
                continue;
            }
            int length = parser.getTextLength();
            char[] buffer = values.get(i);
            if (buffer.length < length + 2) {
                buffer = new char[Math.max(length + 2, buffer.length * 2)];
                values.set(i, buffer);
            }
            System.arraycopy(parser.getTextCharacters(), parser.getTextOffset(), buffer, 0, length);
            lengths[i] = length;
        }
    }

    private void writeRecord(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeFieldName(MEASUREMENT);
        out.writeString(measurement);
        out.writeFieldName(TIME);
        out.writeString(values.get(0), 0, lengths[0]);
        lastTimeChars = values.get(0);
        lastTimeLength = lengths[0];
        out.writeFieldName(TAGS);
        out.writeStartObject();
        int count = kinds.size();
        for (int i = 1; i < count; i++) {
            if (isTag[i] && lengths[i] > 0) {
                out.writeFieldName(names[i]);
                out.writeString(values.get(i), 0, lengths[i]);
            }
        }
        out.writeEndObject();
        out.writeFieldName(FIELDS);
        out.writeStartObject();
        for (int i = 1; i < count; i++) {
            if (!isTag[i] && lengths[i] >= 0) {
                out.writeFieldName(names[i]);
                writeField(out, kinds.get(i), values.get(i), lengths[i], isFloat[i]);
            }
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    /**
     * Numbers keep InfluxDB's own text. A whole float arrives as "2", indistinguishable from an
     * integer, so a float field's whole number is written as "2.0": its type survives.
     */
    private static void writeField(JsonGenerator out, JsonToken kind, char[] text, int length, boolean isFloat)
            throws IOException {
        switch (kind) {
            case VALUE_NUMBER_INT -> {
                if (isFloat) {
                    text[length] = '.';
                    text[length + 1] = '0';
                    out.writeNumber(text, 0, length + 2);
                } else {
                    out.writeNumber(text, 0, length);
                }
            }
            case VALUE_NUMBER_FLOAT -> out.writeNumber(text, 0, length);
            case VALUE_TRUE -> out.writeBoolean(true);
            case VALUE_FALSE -> out.writeBoolean(false);
            default -> out.writeString(text, 0, length);
        }
    }

    @Override
    public void close() throws IOException {
        elapsedNanos = System.nanoTime() - startNanos;
        try {
            parser.close();
        } finally {
            stream.close();
        }
    }
}
