package io.influxswiftbackup.monitor;

import java.util.Locale;

/** Sizes and transfer rates as an operator reads them in a log line. */
public final class Rates {

    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

    private Rates() {
    }

    /** 1234567 → "1.2 MB" (decimal units, as Swift and InfluxDB report sizes). */
    public static String size(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** Bytes over nanoseconds → "12.3 MB/s". */
    public static String perSecond(long bytes, long nanos) {
        return size(nanos <= 0 ? bytes : (long) (bytes * 1e9 / nanos)) + "/s";
    }
}
