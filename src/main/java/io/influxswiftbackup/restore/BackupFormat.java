package io.influxswiftbackup.restore;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The two file layouts of {@code influxd backup}, told apart by their names. Legacy (the runbook's):
 * {@code meta.00} and {@code <db>.<rp>.<shard>.00}. Portable ({@code -portable}):
 * {@code <time>.meta}, {@code <time>.manifest}, {@code <time>.s<shard>.tar.gz}.
 */
public enum BackupFormat {
    LEGACY, PORTABLE;

    private static final Pattern LEGACY_SHARD = Pattern.compile(".+\\..+\\.\\d+\\.\\d+");
    private static final Pattern PORTABLE_FILE = Pattern.compile("\\d{8}T\\d{6}Z\\.(meta|manifest|s\\d+\\.tar\\.gz)");

    /** The format of a backup, from its file names; unrecognised or mixed names are refused. */
    public static BackupFormat of(Collection<String> fileNames) {
        boolean legacy = fileNames.contains("meta.00")
                && fileNames.stream().allMatch(n -> n.equals("meta.00") || LEGACY_SHARD.matcher(n).matches());
        boolean portable = fileNames.stream().anyMatch(n -> n.endsWith(".manifest"))
                && fileNames.stream().allMatch(n -> PORTABLE_FILE.matcher(n).matches());
        if (legacy) {
            return LEGACY;
        }
        if (portable) {
            return PORTABLE;
        }
        throw new RestoreException("the backup's files are neither the legacy format (meta.00, <db>.<rp>.<shard>.00)"
                + " nor the portable one (<time>.manifest, .meta, .s<shard>.tar.gz): " + fileNames);
    }

    public static boolean isLegacyShard(String fileName) {
        return !fileName.equals("meta.00") && LEGACY_SHARD.matcher(fileName).matches();
    }

    public String flag() {
        return this == PORTABLE ? "-portable" : "-online";
    }
}
