package io.influxswiftbackup.dump;

import java.util.Set;

/** A measurement's tag keys; every other column of its answer but time is a field. */
public record Schema(Set<String> tagKeys) {
}
