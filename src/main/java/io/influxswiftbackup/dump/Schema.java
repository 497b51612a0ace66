package io.influxswiftbackup.dump;

import java.util.Map;
import java.util.Set;

/** A measurement's tag keys and field types ({@code float}, {@code integer}, {@code string}, {@code boolean}). */
public record Schema(Set<String> tagKeys, Map<String, String> fieldTypes) {
}
