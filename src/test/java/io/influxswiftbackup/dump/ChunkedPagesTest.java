package io.influxswiftbackup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.influxswiftbackup.influx.InfluxException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pages made from InfluxDB's chunked answers, with the chunk shapes InfluxDB 1.x sends. */
class ChunkedPagesTest {

    static final Schema SCHEMA = new Schema(Set.of("host"),
            Map.of("value", "float", "count", "integer", "ok", "boolean", "note", "string"));

    static String chunk(boolean partial, String... rows) {
        return "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\",\"count\",\"host\",\"note\",\"ok\",\"value\"],"
                + "\"values\":[" + String.join(",", rows) + "]" + (partial ? ",\"partial\":true" : "") + "}]"
                + (partial ? ",\"partial\":true" : "") + "}]}\n";
    }

    static String row(int i) {
        return "[\"2016-06-11T00:00:0" + (i % 10) + ".000000001Z\"," + i + ",\"h " + i + "\",null,null," + i + ".5]";
    }

    static List<String> pages(String answer, int pageSize) throws IOException {
        List<String> pages = new ArrayList<>();
        try (ChunkedPages reader = new ChunkedPages(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)), "m", SCHEMA, pageSize)) {
            while (reader.hasNext()) {
                pages.add(new String(reader.next(), StandardCharsets.UTF_8));
            }
        }
        return pages;
    }

    @Test
    void pagesHoldExactlyPageSizeRecordsWhateverTheChunks() throws IOException {
        String answer = chunk(true, row(0), row(1), row(2)) + chunk(true, row(3)) + chunk(false, row(4), row(5), row(6));
        List<String> pages = pages(answer, 2);
        assertEquals(4, pages.size());
        assertEquals(List.of(2, 2, 2, 1), pages.stream().map(p -> (int) p.lines().count()).toList());
        assertEquals("{\"measurement\":\"m\",\"time\":\"2016-06-11T00:00:00.000000001Z\",\"tags\":{\"host\":\"h 0\"},"
                + "\"fields\":{\"count\":0,\"value\":0.5}}", pages.get(0).lines().findFirst().orElseThrow());
    }

    @Test
    void typesSurvive() throws IOException {
        String answer = chunk(false, "[\"2016-06-11T00:00:00Z\",-9223372036854775808,\"a\",\"say \\\"hi\\\"\",true,2]",
                "[\"2016-06-11T00:00:01Z\",3,\"b\",\"\",false,1.0000000000000002]");
        List<String> lines = pages(answer, 1000).get(0).lines().toList();
        assertEquals("{\"measurement\":\"m\",\"time\":\"2016-06-11T00:00:00Z\",\"tags\":{\"host\":\"a\"},"
                + "\"fields\":{\"count\":-9223372036854775808,\"note\":\"say \\\"hi\\\"\",\"ok\":true,\"value\":2.0}}", lines.get(0));
        assertEquals("{\"measurement\":\"m\",\"time\":\"2016-06-11T00:00:01Z\",\"tags\":{\"host\":\"b\"},"
                + "\"fields\":{\"count\":3,\"note\":\"\",\"ok\":false,\"value\":1.0000000000000002}}", lines.get(1));
    }

    @Test
    void anEmptyAnswerHasNoPage() throws IOException {
        assertTrue(pages("{\"results\":[{\"statement_id\":0}]}\n", 1000).isEmpty());
    }

    @Test
    void anErrorMidwayFailsNamingThePage() {
        String answer = chunk(true, row(0), row(1)) + "{\"results\":[{\"statement_id\":0,\"error\":\"shard 7 vanished\"}]}\n";
        InfluxException e = assertThrows(InfluxException.class, () -> pages(answer, 1));
        assertEquals("InfluxDB failed on page 3 of m: shard 7 vanished", e.getMessage());
    }

    @Test
    void anAnswerThatEndsWhilePartialIsAnError() {
        String answer = chunk(true, row(0), row(1));
        InfluxException e = assertThrows(InfluxException.class, () -> pages(answer, 1000));
        assertFalse(e.getMessage().isEmpty());
        assertTrue(e.getMessage().startsWith("InfluxDB's answer for m ended while still partial"), e.getMessage());
    }
}
