package io.influxswiftbackup.dump;

import io.influxswiftbackup.influx.InfluxException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Pages of JSON Lines read from one streamed, chunked {@code /query} answer in MessagePack
 * ({@code Accept: application/x-msgpack}). InfluxDB encodes that answer with half the CPU it spends
 * on JSON, and it keeps what JSON loses: an integer stays an integer and a float a float (a whole
 * float is written {@code 2.0}), and the time is the exact nanosecond. InfluxDB cuts its chunks at
 * {@code chunk_size} rows and at series boundaries, so a page is made of exactly {@code pageSize}
 * records (the last one fewer) whatever the chunks were; each record is written as it is read, so
 * memory stays flat. An {@code "error"} in any chunk, or an answer that ends while it still says
 * {@code "partial"}, fails the dump: neither is data.
 */
public class MessagePackPages implements Closeable {

    /** MessagePack extension type of InfluxDB's times: 8 bytes of seconds, 4 of nanoseconds, big-endian. */
    private static final byte TIME_EXTENSION = 5;
    private static final byte[] TAGS = "\",\"tags\":{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FIELDS = "},\"fields\":{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "}}\n".getBytes(StandardCharsets.US_ASCII);

    private enum Kind { NULL, STRING, LONG, BIG, DOUBLE, TRUE, FALSE }

    private final InputStream stream;
    private final MessageUnpacker in;
    private final String measurement;
    private final Schema schema;
    private final int pageSize;
    private final long startNanos = System.nanoTime();
    private final RfcTime time = new RfcTime();
    private final byte[] timePayload = new byte[12];
    private final JsonLineBuffer page;
    /** {@code {"measurement":"<name>","time":"}, the start of every line. */
    private final byte[] lineStart;

    /** Where the reader stands in InfluxDB's nesting: entries left at each level. */
    private int chunkKeysLeft;
    private int resultsLeft;
    private int resultKeysLeft;
    private int seriesLeft;
    private int seriesKeysLeft;
    private int rowsLeft;
    private boolean lastChunkPartial;

    private String[] names = new String[0];
    /** Each column's {@code "<name>":}. */
    private byte[][] keys = new byte[0][];
    private boolean[] isTag = new boolean[0];
    /** The current row, in reused buffers: no object per value. */
    private Kind[] kinds = new Kind[0];
    private long[] longs = new long[0];
    private double[] doubles = new double[0];
    private byte[][] strings = new byte[0][];
    private int[] lengths = new int[0];
    private BigInteger[] bigs = new BigInteger[0];
    private int columnsInRow;
    private long lastSeconds;
    private int lastNanos;
    private boolean anyRecord;

    private long records;
    private int pages;
    private long elapsedNanos;

    public MessagePackPages(InputStream stream, String measurement, Schema schema, int pageSize) {
        this.stream = stream;
        this.in = MessagePack.newDefaultUnpacker(stream);
        this.measurement = measurement;
        this.schema = schema;
        this.pageSize = pageSize;
        this.page = new JsonLineBuffer(pageSize * 200);
        this.lineStart = new JsonLineBuffer(64).text("{\"measurement\":").string(measurement).text(",\"time\":\"").toByteArray();
    }

    public boolean hasNext() throws IOException {
        return advanceToRow();
    }

    /** The next page: up to pageSize records, one JSON object per line, UTF-8. */
    public byte[] next() throws IOException {
        page.clear();
        int n = 0;
        while (n < pageSize && advanceToRow()) {
            readRow();
            writeRecord();
            n++;
        }
        records += n;
        pages++;
        return page.toByteArray();
    }

    public long records() {
        return records;
    }

    public int pages() {
        return pages;
    }

    /** The time of the last record written, or null when there was none. */
    public String lastTime() {
        return anyRecord ? time.format(lastSeconds, lastNanos) : null;
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

    /**
     * Moves to the next row of values (its array header not yet read); false at the end of the
     * answer. Each chunk is {@code {results: [{statement_id, series: [{name, columns, values,
     * partial}], partial, error}]}}; anything else is skipped.
     */
    private boolean advanceToRow() throws IOException {
        while (true) {
            if (rowsLeft > 0) {
                return true;
            } else if (seriesKeysLeft > 0) {
                seriesKeysLeft--;
                switch (in.unpackString()) {
                    case "columns" -> readColumns();
                    case "values" -> rowsLeft = arrayOrNil();
                    case "partial" -> lastChunkPartial |= booleanOrSkip();
                    default -> in.skipValue();
                }
            } else if (seriesLeft > 0) {
                seriesLeft--;
                seriesKeysLeft = in.unpackMapHeader();
            } else if (resultKeysLeft > 0) {
                resultKeysLeft--;
                switch (in.unpackString()) {
                    case "series" -> seriesLeft = arrayOrNil();
                    case "error" -> throw failure(in.unpackValue().toString());
                    case "partial" -> lastChunkPartial |= booleanOrSkip();
                    default -> in.skipValue();
                }
            } else if (resultsLeft > 0) {
                resultsLeft--;
                resultKeysLeft = in.unpackMapHeader();
            } else if (chunkKeysLeft > 0) {
                chunkKeysLeft--;
                switch (in.unpackString()) {
                    case "results" -> resultsLeft = arrayOrNil();
                    case "error" -> throw failure(in.unpackValue().toString());
                    default -> in.skipValue();
                }
            } else if (in.hasNext()) {
                lastChunkPartial = false;
                chunkKeysLeft = in.unpackMapHeader();
            } else {
                if (lastChunkPartial) {
                    throw new InfluxException("InfluxDB's answer for " + measurement + " ended while still partial, after "
                            + records + " records (page " + (pages + 1) + ")");
                }
                return false;
            }
        }
    }

    private InfluxException failure(String message) {
        return new InfluxException("InfluxDB failed on page " + (pages + 1) + " of " + measurement + ": " + message);
    }

    private int arrayOrNil() throws IOException {
        if (in.tryUnpackNil()) {
            return 0;
        }
        return in.unpackArrayHeader();
    }

    private boolean booleanOrSkip() throws IOException {
        if (in.getNextFormat().getValueType() == ValueType.BOOLEAN) {
            return in.unpackBoolean();
        }
        in.skipValue();
        return false;
    }

    private void readColumns() throws IOException {
        int count = arrayOrNil();
        names = new String[count];
        keys = new byte[count][];
        isTag = new boolean[count];
        for (int i = 0; i < count; i++) {
            String column = in.unpackString();
            names[i] = column;
            keys[i] = new JsonLineBuffer(column.length() + 8).string(column).raw(':').toByteArray();
            isTag[i] = schema.tagKeys().contains(column);
        }
        if (kinds.length < count) {
            kinds = new Kind[count];
            longs = new long[count];
            doubles = new double[count];
            strings = new byte[count][64];
            lengths = new int[count];
            bigs = new BigInteger[count];
        }
    }

    /** Reads one row: its time first, then each column's value by its MessagePack type. */
    private void readRow() throws IOException {
        rowsLeft--;
        int count = in.unpackArrayHeader();
        if (count != names.length || count == 0) {
            throw new InfluxException("InfluxDB sent a row of " + count + " values for " + names.length + " columns ("
                    + measurement + ", page " + (pages + 1) + ")");
        }
        readTime();
        for (int i = 1; i < count; i++) {
            readValue(i);
        }
        columnsInRow = count;
    }

    private void readTime() throws IOException {
        MessageFormat format = in.getNextFormat();
        if (format.getValueType() == ValueType.EXTENSION) {
            var header = in.unpackExtensionTypeHeader();
            if (header.getType() == TIME_EXTENSION && header.getLength() == 12) {
                byte[] payload = timePayload;
                in.readPayload(payload, 0, 12);
                lastSeconds = ((long) (payload[0] & 0xff) << 56) | ((long) (payload[1] & 0xff) << 48)
                        | ((long) (payload[2] & 0xff) << 40) | ((long) (payload[3] & 0xff) << 32)
                        | ((long) (payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16)
                        | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                lastNanos = ((payload[8] & 0xff) << 24) | ((payload[9] & 0xff) << 16) | ((payload[10] & 0xff) << 8)
                        | (payload[11] & 0xff);
                anyRecord = true;
                return;
            }
        }
        throw new InfluxException("InfluxDB sent a time that is not its MessagePack time (" + format + ") for "
                + measurement + ", page " + (pages + 1));
    }

    private void readValue(int i) throws IOException {
        MessageFormat format = in.getNextFormat();
        switch (format.getValueType()) {
            case NIL -> {
                in.unpackNil();
                kinds[i] = Kind.NULL;
            }
            case BOOLEAN -> kinds[i] = in.unpackBoolean() ? Kind.TRUE : Kind.FALSE;
            case INTEGER -> {
                if (format == MessageFormat.UINT64) {
                    BigInteger value = in.unpackBigInteger();
                    if (value.bitLength() < 64) {
                        longs[i] = value.longValue();
                        kinds[i] = Kind.LONG;
                    } else {
                        bigs[i] = value;
                        kinds[i] = Kind.BIG;
                    }
                } else {
                    longs[i] = in.unpackLong();
                    kinds[i] = Kind.LONG;
                }
            }
            case FLOAT -> {
                doubles[i] = in.unpackDouble();
                kinds[i] = Kind.DOUBLE;
            }
            case STRING -> {
                int length = in.unpackRawStringHeader();
                if (strings[i].length < length) {
                    strings[i] = new byte[Math.max(length, strings[i].length * 2)];
                }
                in.readPayload(strings[i], 0, length);
                lengths[i] = length;
                kinds[i] = Kind.STRING;
            }
            default -> throw new InfluxException("InfluxDB sent a " + format + " value in column " + names[i]
                    + " of " + measurement + ", page " + (pages + 1));
        }
    }

    private void writeRecord() {
        page.raw(lineStart).raw(time.formatUtf8(lastSeconds, lastNanos), time.length()).raw(TAGS);
        boolean first = true;
        for (int i = 1; i < columnsInRow; i++) {
            if (isTag[i] && kinds[i] == Kind.STRING && lengths[i] > 0) {
                if (!first) {
                    page.raw(',');
                }
                page.raw(keys[i]).string(strings[i], lengths[i]);
                first = false;
            }
        }
        page.raw(FIELDS);
        first = true;
        for (int i = 1; i < columnsInRow; i++) {
            if (!isTag[i] && kinds[i] != Kind.NULL) {
                if (!first) {
                    page.raw(',');
                }
                page.raw(keys[i]);
                writeField(i);
                first = false;
            }
        }
        page.raw(END);
    }

    private void writeField(int i) {
        switch (kinds[i]) {
            case LONG -> page.number(longs[i]);
            case BIG -> page.text(bigs[i].toString());
            case DOUBLE -> page.number(doubles[i]);
            case TRUE -> page.text("true");
            case FALSE -> page.text("false");
            case STRING -> page.string(strings[i], lengths[i]);
            default -> throw new IllegalStateException(kinds[i].name());
        }
    }

    @Override
    public void close() throws IOException {
        elapsedNanos = System.nanoTime() - startNanos;
        try {
            in.close();
        } finally {
            stream.close();
        }
    }

    /**
     * Times as InfluxDB writes them in JSON (Go's RFC 3339 with nanoseconds, trailing zeros cut), in
     * UTC. Many series share each timestamp, so the text of the last one is kept and only what
     * changed is written again.
     */
    static final class RfcTime {
        private final byte[] text = new byte[40];
        private long cachedDay = Long.MIN_VALUE;
        private int length;

        private long cachedSeconds = Long.MIN_VALUE;
        private int cachedNanos = -1;

        /** The UTF-8 bytes, valid up to {@link #length()} until the next call. */
        byte[] formatUtf8(long seconds, int nanos) {
            if (seconds == cachedSeconds) {
                if (nanos != cachedNanos) {
                    fraction(nanos);
                }
                return text;
            }
            long day = Math.floorDiv(seconds, 86_400L);
            if (day != cachedDay) {
                byte[] date = java.time.LocalDate.ofEpochDay(day).toString().getBytes(StandardCharsets.US_ASCII);
                if (date.length != 10) {
                    throw new InfluxException("a time outside years 0000-9999: " + seconds + " s");
                }
                System.arraycopy(date, 0, text, 0, 10);
                text[10] = 'T';
                cachedDay = day;
            }
            int second = (int) Math.floorMod(seconds, 86_400L);
            two(11, second / 3600);
            text[13] = ':';
            two(14, second / 60 % 60);
            text[16] = ':';
            two(17, second % 60);
            cachedSeconds = seconds;
            fraction(nanos);
            return text;
        }

        private void fraction(int nanos) {
            int at = 19;
            if (nanos != 0) {
                text[at++] = '.';
                int digits = 9;
                int value = nanos;
                while (value % 10 == 0) {
                    value /= 10;
                    digits--;
                }
                for (int d = digits - 1; d >= 0; d--) {
                    text[at + d] = (byte) ('0' + value % 10);
                    value /= 10;
                }
                at += digits;
            }
            text[at++] = 'Z';
            length = at;
            cachedNanos = nanos;
        }

        int length() {
            return length;
        }

        String format(long seconds, int nanos) {
            byte[] bytes = formatUtf8(seconds, nanos);
            return new String(bytes, 0, length, StandardCharsets.US_ASCII);
        }

        private void two(int at, int value) {
            text[at] = (byte) ('0' + value / 10);
            text[at + 1] = (byte) ('0' + value % 10);
        }
    }
}
