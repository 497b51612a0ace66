package io.influxswiftbackup.dump;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.influx.InfluxException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Pages of JSON Lines read from one streamed, chunked {@code /query} answer. InfluxDB cuts its
 * chunks at {@code chunk_size} rows and at series boundaries, so a page is made of exactly
 * {@code pageSize} records (the last one fewer) whatever the chunks were. Only one chunk is held in
 * memory. An {@code "error"} in any chunk, or an answer that ends while it still says
 * {@code "partial"}, fails the dump: neither is data.
 */
public class ChunkedPages implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final InputStream stream;
    private final JsonParser parser;
    private final Iterator<JsonNode> chunks;
    private final String measurement;
    private final Schema schema;
    private final int pageSize;
    private final Deque<JsonNode> rows = new ArrayDeque<>();
    private JsonNode columns;
    private JsonNode seriesTags;
    private boolean lastChunkPartial;
    private long records;
    private int pages;
    private String lastTime;

    public ChunkedPages(InputStream stream, String measurement, Schema schema, int pageSize) throws IOException {
        this.stream = stream;
        this.parser = FACTORY.createParser(stream);
        this.chunks = JSON.readerFor(JsonNode.class).readValues(parser);
        this.measurement = measurement;
        this.schema = schema;
        this.pageSize = pageSize;
    }

    public boolean hasNext() throws IOException {
        fill();
        return !rows.isEmpty();
    }

    /** The next page: up to pageSize records, one JSON object per line. */
    public String next() throws IOException {
        fill();
        StringWriter out = new StringWriter(pageSize * 160);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.setRootValueSeparator(null);
            int n = 0;
            while (n < pageSize && (!rows.isEmpty() || fillOne())) {
                JsonNode row = rows.poll();
                if (row == null) {
                    break;
                }
                writeRecord(generator, row);
                generator.flush();
                out.write('\n');
                n++;
            }
            records += n;
            pages++;
        }
        return out.toString();
    }

    public long records() {
        return records;
    }

    public int pages() {
        return pages;
    }

    /** The time of the last record written, or null when there was none. */
    public String lastTime() {
        return lastTime;
    }

    private void fill() throws IOException {
        while (rows.size() < pageSize && fillOne()) {
            // reads chunks until a page is available or the answer ends
        }
    }

    /** Reads one more chunk into the row queue; false at the end of the answer. */
    private boolean fillOne() throws IOException {
        while (true) {
            if (!chunks.hasNext()) {
                if (lastChunkPartial) {
                    throw new InfluxException("InfluxDB's answer for " + measurement + " ended while still partial, after "
                            + (records + rows.size()) + " records (page " + (pages + 1) + ")");
                }
                return false;
            }
            JsonNode chunk = chunks.next();
            if (chunk.has("error")) {
                throw new InfluxException("InfluxDB failed on page " + (pages + 1) + " of " + measurement + ": " + chunk.get("error").asText());
            }
            JsonNode result = chunk.path("results").path(0);
            if (result.has("error")) {
                throw new InfluxException("InfluxDB failed on page " + (pages + 1) + " of " + measurement + ": " + result.get("error").asText());
            }
            lastChunkPartial = result.path("partial").asBoolean(false);
            boolean added = false;
            for (JsonNode series : result.path("series")) {
                columns = series.get("columns");
                seriesTags = series.get("tags");
                for (JsonNode values : series.path("values")) {
                    rows.add(values);
                    added = true;
                }
            }
            if (added) {
                return true;
            }
        }
    }

    private void writeRecord(JsonGenerator out, JsonNode values) throws IOException {
        out.writeStartObject();
        out.writeStringField("measurement", measurement);
        String time = values.get(0).asText();
        out.writeStringField("time", time);
        lastTime = time;
        out.writeObjectFieldStart("tags");
        if (seriesTags != null) {
            for (var tag = seriesTags.fields(); tag.hasNext(); ) {
                var entry = tag.next();
                if (!entry.getValue().asText().isEmpty()) {
                    out.writeStringField(entry.getKey(), entry.getValue().asText());
                }
            }
        }
        for (int i = 1; i < columns.size(); i++) {
            String column = columns.get(i).asText();
            JsonNode value = values.get(i);
            if (schema.tagKeys().contains(column) && value != null && !value.isNull()) {
                out.writeStringField(column, value.asText());
            }
        }
        out.writeEndObject();
        out.writeObjectFieldStart("fields");
        for (int i = 1; i < columns.size(); i++) {
            String column = columns.get(i).asText();
            JsonNode value = values.get(i);
            if (schema.tagKeys().contains(column) || value == null || value.isNull()) {
                continue;
            }
            out.writeFieldName(column);
            writeField(out, schema.fieldTypes().get(column), value);
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    /**
     * Numbers keep InfluxDB's own text. A whole float arrives as "2", indistinguishable from an
     * integer, so a float field's whole number is written as "2.0": its type survives.
     */
    private static void writeField(JsonGenerator out, String type, JsonNode value) throws IOException {
        if ("float".equals(type) && value.isIntegralNumber()) {
            out.writeRawValue(value.asText() + ".0");
        } else {
            out.writeTree(value);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            parser.close();
        } finally {
            stream.close();
        }
    }
}
