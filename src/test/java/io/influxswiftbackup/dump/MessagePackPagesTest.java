package io.influxswiftbackup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.influx.InfluxException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Pages made from InfluxDB's chunked MessagePack answers, in the shapes InfluxDB 1.6 sends. */
class MessagePackPagesTest {

    static final Schema SCHEMA = new Schema(Set.of("host"));
    static final List<String> COLUMNS = List.of("time", "count", "host", "note", "ok", "value");

    /** An answer: chunks written one after the other, as InfluxDB streams them. */
    static final class Answer {
        final MessageBufferPacker out = MessagePack.newDefaultBufferPacker();

        Answer chunk(boolean partial, Object[]... rows) throws IOException {
            out.packMapHeader(1).packString("results").packArrayHeader(1);
            out.packMapHeader(partial ? 3 : 2).packString("statement_id").packInt(0);
            out.packString("series").packArrayHeader(1);
            out.packMapHeader(partial ? 4 : 3).packString("name").packString("m");
            out.packString("columns").packArrayHeader(COLUMNS.size());
            for (String column : COLUMNS) {
                out.packString(column);
            }
            out.packString("values").packArrayHeader(rows.length);
            for (Object[] row : rows) {
                out.packArrayHeader(row.length);
                for (Object value : row) {
                    pack(value);
                }
            }
            if (partial) {
                out.packString("partial").packBoolean(true);
                out.packString("partial").packBoolean(true);
            }
            return this;
        }

        Answer error(String message) throws IOException {
            out.packMapHeader(1).packString("results").packArrayHeader(1);
            out.packMapHeader(2).packString("statement_id").packInt(0).packString("error").packString(message);
            return this;
        }

        void pack(Object value) throws IOException {
            if (value == null) {
                out.packNil();
            } else if (value instanceof Instant time) {
                byte[] payload = ByteBuffer.allocate(12).putLong(time.getEpochSecond()).putInt(time.getNano()).array();
                out.packExtensionTypeHeader((byte) 5, 12).addPayload(payload);
            } else if (value instanceof String text) {
                out.packString(text);
            } else if (value instanceof Long number) {
                out.packLong(number);
            } else if (value instanceof BigInteger number) {
                out.packBigInteger(number);
            } else if (value instanceof Double number) {
                out.packDouble(number);
            } else if (value instanceof Boolean flag) {
                out.packBoolean(flag);
            } else {
                throw new IllegalArgumentException(value.getClass().getName());
            }
        }

        byte[] bytes() throws IOException {
            out.close();
            return out.toByteArray();
        }
    }

    static Object[] row(int i) {
        return new Object[] {Instant.parse("2016-06-11T00:00:0" + (i % 10) + ".000000001Z"), (long) i, "h " + i, null, null, i + 0.5};
    }

    static List<String> pages(Answer answer, int pageSize) throws IOException {
        List<String> pages = new ArrayList<>();
        try (MessagePackPages reader = new MessagePackPages(new ByteArrayInputStream(answer.bytes()), "m", SCHEMA, pageSize)) {
            while (reader.hasNext()) {
                pages.add(new String(reader.next(), StandardCharsets.UTF_8));
            }
        }
        return pages;
    }

    @Test
    void pagesHoldExactlyPageSizeRecordsWhateverTheChunks() throws IOException {
        Answer answer = new Answer().chunk(true, row(0), row(1), row(2)).chunk(true, row(3)).chunk(false, row(4), row(5), row(6));
        List<String> pages = pages(answer, 2);
        assertEquals(List.of(2, 2, 2, 1), pages.stream().map(p -> (int) p.lines().count()).toList());
        assertEquals("{\"measurement\":\"m\",\"time\":\"2016-06-11T00:00:00.000000001Z\",\"tags\":{\"host\":\"h 0\"},"
                + "\"fields\":{\"count\":0,\"value\":0.5}}", pages.get(0).lines().findFirst().orElseThrow());
        assertEquals("{\"measurement\":\"m\",\"time\":\"2016-06-11T00:00:06.000000001Z\",\"tags\":{\"host\":\"h 6\"},"
                + "\"fields\":{\"count\":6,\"value\":6.5}}", pages.get(3).strip());
    }

    @Test
    void typesSurvive() throws IOException {
        Answer answer = new Answer().chunk(false,
                new Object[] {Instant.parse("2016-06-11T00:00:00Z"), Long.MIN_VALUE, "a", "say \"hi\" ünïcode", true, 2.0},
                new Object[] {Instant.parse("2016-06-11T00:00:01.5Z"), 3L, "b", "", false, 1.0000000000000002},
                new Object[] {Instant.parse("1969-12-31T23:59:59.999999999Z"), new BigInteger("18446744073709551615"), "", null, null, -0.0});
        List<String> lines = pages(answer, 1000).get(0).lines().toList();
        assertEquals("{\"measurement\":\"m\",\"time\":\"2016-06-11T00:00:00Z\",\"tags\":{\"host\":\"a\"},"
                + "\"fields\":{\"count\":-9223372036854775808,\"note\":\"say \\\"hi\\\" ünïcode\",\"ok\":true,\"value\":2.0}}", lines.get(0));
        assertEquals("{\"measurement\":\"m\",\"time\":\"2016-06-11T00:00:01.5Z\",\"tags\":{\"host\":\"b\"},"
                + "\"fields\":{\"count\":3,\"note\":\"\",\"ok\":false,\"value\":1.0000000000000002}}", lines.get(1));
        assertEquals("{\"measurement\":\"m\",\"time\":\"1969-12-31T23:59:59.999999999Z\",\"tags\":{},"
                + "\"fields\":{\"count\":18446744073709551615,\"value\":-0.0}}", lines.get(2));
    }

    @Test
    void theLastTimeIsTheLastRecordsAtFullPrecision() throws IOException {
        Answer answer = new Answer().chunk(false, row(0), new Object[] {Instant.parse("2016-06-11T23:59:59.999999999Z"), 1L, "h", null, null, 1.0});
        try (MessagePackPages reader = new MessagePackPages(new ByteArrayInputStream(answer.bytes()), "m", SCHEMA, 1000)) {
            reader.next();
            assertEquals("2016-06-11T23:59:59.999999999Z", reader.lastTime());
            assertEquals(2, reader.records());
        }
    }

    @Test
    void anEmptyAnswerHasNoPage() throws IOException {
        Answer answer = new Answer();
        answer.out.packMapHeader(1).packString("results").packArrayHeader(1).packMapHeader(1).packString("statement_id").packInt(0);
        assertTrue(pages(answer, 1000).isEmpty());
    }

    @Test
    void anErrorMidwayFailsNamingThePage() throws IOException {
        Answer answer = new Answer().chunk(true, row(0), row(1)).error("shard 7 vanished");
        InfluxException e = assertThrows(InfluxException.class, () -> pages(answer, 1));
        assertEquals("InfluxDB failed on page 3 of m: shard 7 vanished", e.getMessage());
    }

    @Test
    void anAnswerThatEndsWhilePartialIsAnError() throws IOException {
        Answer answer = new Answer().chunk(true, row(0), row(1));
        InfluxException e = assertThrows(InfluxException.class, () -> pages(answer, 1000));
        assertTrue(e.getMessage().startsWith("InfluxDB's answer for m ended while still partial"), e.getMessage());
    }

    @Test
    void timesAreWrittenAsInfluxDbWritesThem() {
        MessagePackPages.RfcTime time = new MessagePackPages.RfcTime();
        for (String text : List.of("2016-06-11T00:00:00Z", "2016-06-11T00:00:00.1Z", "2016-06-11T13:14:15.000000001Z",
                "2016-06-11T23:59:59.123456789Z", "1677-09-21T00:12:43.145224192Z", "2262-04-11T23:47:16.854775807Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.99Z")) {
            Instant instant = Instant.parse(text);
            assertEquals(text, time.format(instant.getEpochSecond(), instant.getNano()));
        }
    }

    @Test
    void aTimeSharedByManySeriesIsWrittenRightWhateverCameBefore() {
        MessagePackPages.RfcTime time = new MessagePackPages.RfcTime();
        for (String text : List.of("2016-06-11T00:00:05.5Z", "2016-06-11T00:00:05.5Z", "2016-06-11T00:00:05Z",
                "2016-06-11T00:00:05.123456789Z", "2016-06-11T00:00:05.1Z", "2016-06-11T00:00:06.1Z", "2016-06-12T00:00:06.1Z",
                "2016-06-12T00:00:06Z", "2016-06-11T00:00:05.5Z")) {
            Instant instant = Instant.parse(text);
            assertEquals(text, time.format(instant.getEpochSecond(), instant.getNano()));
        }
    }

    @Test
    void stringsAreEscapedAsJsonRequires() throws IOException {
        String awkward = "line\nbreak\ttab\r\b\f\u0001\u001f quote\" back\\slash /é€😀";
        Answer answer = new Answer().chunk(false, new Object[] {Instant.parse("2016-06-11T00:00:00Z"), 1L, awkward, awkward, null, 1e21});
        String line = pages(answer, 1000).get(0).strip();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var record = json.readTree(line);
        assertEquals(awkward, record.path("tags").path("host").asText());
        assertEquals(awkward, record.path("fields").path("note").asText());
        assertEquals(1e21, record.path("fields").path("value").asDouble());
        assertTrue(record.path("fields").path("value").isDouble());
        assertEquals(json.writeValueAsString(awkward), line.substring(line.indexOf("\"host\":") + 7, line.indexOf("},\"fields\"")));
    }
}
