package io.influxswiftbackup.influx;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * The restore's questions to the InfluxDB it restores into (its {@link InfluxTarget}):
 * does it answer (after a start), and does the restored database exist and hold data.
 */
public class InfluxChecks {

    private static final String SHOW_DATABASES = "SHOW DATABASES";
    private static final Duration ASK_AGAIN = Duration.ofMillis(200);

    private final long timeoutMs;

    public InfluxChecks(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /** Waits until the InfluxDB answers, at most the configured time. */
    public void awaitAnswer(InfluxTarget target) throws InterruptedException {
        target.influx().awaitAnswer(Duration.ofMillis(timeoutMs));
    }

    /** The restored database must be there. */
    public void requireDatabase(InfluxTarget target) {
        String database = target.database();
        if (!databaseExists(target.influx(), database)) {
            throw new InfluxException("database " + database + " does not exist after the restore");
        }
    }

    /**
     * The restored database must hold at least one point. After an online restore InfluxDB can answer
     * for a moment as if it held none (its shards' files are on disk, but not yet open), so it is
     * asked again until the configured time is up.
     */
    public void requireData(InfluxTarget target) throws InterruptedException {
        InfluxClient influx = target.influx();
        String database = target.database();
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        while (!hasSeries(firstPoint(influx, database))) {
            if (System.nanoTime() - deadline >= 0) {
                throw new InfluxException("database " + database + " holds no point after the restore");
            }
            Thread.sleep(ASK_AGAIN.toMillis());
        }
    }

    /** Whether {@code SHOW DATABASES} lists the database. */
    public static boolean databaseExists(InfluxClient influx, String database) {
        return listsDatabase(influx.query(null, SHOW_DATABASES), database);
    }

    /** One point of any measurement of the database (an answer without series when it holds none). */
    public static JsonNode firstPoint(InfluxClient influx, String database) {
        return influx.query(database, "SELECT * FROM /.*/ LIMIT 1");
    }

    private static boolean listsDatabase(JsonNode showDatabases, String database) {
        for (JsonNode row : showDatabases.path("series").path(0).path("values")) {
            if (database.equals(row.path(0).asText())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a SELECT answer holds any series. */
    public static boolean hasSeries(JsonNode result) {
        return !result.path("series").isEmpty();
    }
}
