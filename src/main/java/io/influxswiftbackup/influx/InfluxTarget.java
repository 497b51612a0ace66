package io.influxswiftbackup.influx;

/** The InfluxDB a run works on, and its database: what {@link InfluxChecks} asks about. */
public interface InfluxTarget {

    InfluxClient influx();

    String database();
}
