package io.influxswiftbackup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Numbers as the dump writes them: the same text as Jackson's Schubfach writer gives, whatever the path taken. */
class JsonLineBufferTest {

    private static String written(double value) {
        return new String(new JsonLineBuffer(8).number(value).toByteArray(), StandardCharsets.US_ASCII);
    }

    @Test
    void wholeFloatsKeepTheirPointZeroAndTurnToExponentsWhereJavaDoes() {
        double[] values = {1, -1, 2, 42, 9_999_999, -9_999_999, 10_000_000, -10_000_000, 1e15, 0.0, -0.0, 0.5, -2.5,
            1e-3, 9.99e-4, 123456.75, Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_NORMAL, 4503599627370496.0,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double value : values) {
            assertEquals(NumberOutput.toString(value, true), written(value), "value " + value);
        }
        assertEquals("42.0", written(42));
        assertEquals("1.0E7", written(1e7));
        assertEquals("-0.0", written(-0.0));
    }

    @Test
    void anyDoubleReadsAsSchubfachWritesIt() {
        SplittableRandom random = new SplittableRandom(20161125);
        for (int i = 0; i < 200_000; i++) {
            double value = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextInt(-20_000_000, 20_000_000);
                case 2 -> random.nextInt(-20_000_000, 20_000_000) / 2.0;
                default -> random.nextDouble() * Math.pow(10, random.nextInt(-5, 12));
            };
            assertEquals(NumberOutput.toString(value, true), written(value), "bits " + Double.doubleToRawLongBits(value));
        }
    }
}
