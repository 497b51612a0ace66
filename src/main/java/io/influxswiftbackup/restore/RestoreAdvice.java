package io.influxswiftbackup.restore;

import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.download.DownloadRun;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.ExchangeProperty;

/**
 * After fetch-shards: the restore sequence that is safe on InfluxDB 1.6.7 for the files fetched,
 * instead of the runbook's offline command (which loses every shard whose id ends in 0).
 */
public class RestoreAdvice {

    private final String database;

    public RestoreAdvice(String database) {
        this.database = database;
    }

    public String forFetchedShards(@ExchangeProperty(DownloadRun.PROPERTY) DownloadRun run) {
        Day day = run.day();
        List<DownloadRun.DownloadObject> objects = run.objects();
        Path dir = run.targetDir().resolve(day.container()).resolve("shards");
        BackupFormat format = BackupFormat.of(objects.stream().map(DownloadRun.DownloadObject::rest).toList());
        StringBuilder text = new StringBuilder("Fetched " + objects.size() + " objects of " + day.shardsPrefix() + " into "
                + dir + " (" + format.name().toLowerCase() + " format).\nTo restore them by hand (safe on InfluxDB 1.6.7):\n");
        if (format == BackupFormat.LEGACY) {
            text.append("  online, into a running InfluxDB whose ").append(database).append(" is missing (or use -newdb NAME):\n")
                    .append("    influxd restore -online -db ").append(database).append(" -host 127.0.0.1:8088 ").append(dir).append('\n')
                    .append("  or offline, InfluxDB stopped, its meta/data/wal directories moved aside:\n")
                    .append("    influxd restore -metadir /var/lib/influxdb/meta ").append(dir).append('\n')
                    .append("    for f in ").append(dir).append("/").append(database)
                    .append(".*.*.*; do tar -xf \"$f\" -C /var/lib/influxdb/data; done\n")
                    .append("    chown -R influxdb:influxdb /var/lib/influxdb; systemctl start influxdb\n")
                    .append("  Not the runbook's 'influxd restore -metadir … -datadir … -database …': on 1.6.7 it loses every\n")
                    .append("  shard whose id ends in 0. Or let the tool do it: restore --date ").append(day).append('\n');
        } else {
            text.append("  into a running InfluxDB whose ").append(database).append(" is missing (or use -newdb NAME):\n")
                    .append("    influxd restore -portable -db ").append(database).append(" -host 127.0.0.1:8088 ").append(dir).append('\n')
                    .append("  then wait until every shard directory has its .tsm files before any restart.\n")
                    .append("  Or let the tool do it: restore --date ").append(day).append('\n');
        }
        return text.toString();
    }
}
