package io.influxswiftbackup.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.influxswiftbackup.day.Day;
import io.influxswiftbackup.day.DayManifest;
import io.influxswiftbackup.day.DayStore;
import io.influxswiftbackup.swift.LargeObjects;
import io.influxswiftbackup.swift.Listed;
import io.influxswiftbackup.swift.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prune's sweep of the content store. Content is referenced by a day when the day's manifest
 * lists it, or a link of the day points at it (a backup in progress links before its manifest is
 * written; a killed one leaves links without manifest). Content no day references is recorded in
 * {@code <store>/unreferenced.json} with the time it was first found so, and deleted (with its
 * segments) only when it has stayed unreferenced for the grace period: a backup that stored content
 * and has not linked it yet keeps it, and content referenced again leaves the record.
 */
public class StoreSweep {

    static final String RECORD = "unreferenced.json";
    private static final Logger LOG = LoggerFactory.getLogger(StoreSweep.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore swift;
    private final DayStore days;
    private final String container;
    private final Duration grace;
    private final Clock clock;

    public StoreSweep(ObjectStore swift, DayStore days, String container, Duration grace, Clock clock) {
        this.swift = swift;
        this.days = days;
        this.container = container;
        this.grace = grace;
        this.clock = clock;
    }

    public String container() {
        return container;
    }

    /** One piece of content no day references: its objects in the store (the object, its segments), their bytes, since when. */
    public record Unreferenced(String name, List<String> objects, List<String> segments, long bytes, Instant since) {
    }

    /** What the sweep found: content referenced, content no day references (due: its grace is over). */
    public record Plan(int contents, long bytes, int referenced, List<Unreferenced> due, List<Unreferenced> waiting,
                       boolean recorded) {

        public long dueBytes() {
            return due.stream().mapToLong(Unreferenced::bytes).sum();
        }

        /** "store influx-swift-backup-store: 12 contents (1.2 GB), 10 referenced; 1 unreferenced past its grace (...) goes; 1 waits" */
        public String describe(String container, boolean dryRun) {
            StringBuilder text = new StringBuilder("store " + container + ": " + contents + " contents (" + bytes + " bytes), "
                    + referenced + " referenced by a day");
            if (!due.isEmpty()) {
                text.append("; ").append(due.size()).append(" unreferenced for longer than the grace, ").append(dueBytes())
                        .append(" bytes, ").append(dryRun ? "would go: " : "go: ")
                        .append(due.stream().map(Unreferenced::name).toList());
            }
            if (!waiting.isEmpty()) {
                text.append("; ").append(waiting.size()).append(" unreferenced within the grace, kept: ")
                        .append(waiting.stream().map(u -> u.name() + " (since " + u.since() + ")").toList());
            }
            return text.toString();
        }
    }

    /** The plan when only {@code keptDays} remain (the days the prune leaves), nothing changed. */
    public Plan plan(Collection<Day> keptDays) {
        Instant now = clock.instant();
        Set<String> referenced = references(keptDays);
        byte[] record = swift.readSmall(container, RECORD);
        Map<String, Instant> since = parse(record);
        Set<String> objects = new HashSet<>();
        Map<String, List<String>> segments = new TreeMap<>();
        Map<String, Long> bytes = new TreeMap<>();
        for (Map<String, Object> entry : swift.list(container, ContentStore.CONTENT_PREFIX)) {
            String name = Listed.name(entry);
            objects.add(name);
            bytes.merge(name, Listed.storedBytes(entry), Long::sum);
        }
        for (Map<String, Object> entry : swift.list(LargeObjects.segmentContainer(container), ContentStore.CONTENT_PREFIX)) {
            String name = Listed.name(entry);
            int slo = name.indexOf("/slo/");
            String owner = slo > 0 ? name.substring(0, slo) : name;
            segments.computeIfAbsent(owner, n -> new ArrayList<>()).add(name);
            bytes.merge(owner, Listed.storedBytes(entry), Long::sum);
        }
        List<Unreferenced> due = new ArrayList<>();
        List<Unreferenced> waiting = new ArrayList<>();
        int referencedCount = 0;
        for (String name : bytes.keySet()) {
            if (referenced.contains(name)) {
                referencedCount++;
                continue;
            }
            Unreferenced content = new Unreferenced(name, objects.contains(name) ? List.of(name) : List.of(),
                    segments.getOrDefault(name, List.of()), bytes.get(name), since.getOrDefault(name, now));
            (content.since().plus(grace).isAfter(now) ? waiting : due).add(content);
        }
        return new Plan(bytes.size(), bytes.values().stream().mapToLong(Long::longValue).sum(), referencedCount, due, waiting,
                record != null);
    }

    /** Deletes the content past its grace (object first, then its segments) and records the rest with since when. */
    public void apply(Plan plan) {
        for (Unreferenced content : plan.due()) {
            for (String object : content.objects()) {
                swift.delete(container, object);
            }
            for (String segment : content.segments()) {
                swift.delete(LargeObjects.segmentContainer(container), segment);
            }
            LOG.info("Deleted {} from container {} ({} bytes): no day has referenced it since {}", content.name(), container,
                    content.bytes(), content.since());
        }
        Map<String, String> record = new TreeMap<>();
        plan.waiting().forEach(content -> record.put(content.name(), content.since().toString()));
        if (!record.isEmpty() || plan.recorded()) {
            writeRecord(record);
        }
    }

    /** The store's content names referenced by the days: their manifests' contents and their links' targets. */
    Set<String> references(Collection<Day> keptDays) {
        Set<String> referenced = new HashSet<>();
        String ours = container + "/";
        for (Day day : keptDays) {
            Set<String> targets = new HashSet<>();
            DayManifest manifest = days.read(day);
            if (manifest != null) {
                targets.addAll(manifest.contents());
            }
            swift.list(day.container(), day.shardsPrefix()).forEach(entry -> {
                String target = Listed.linkTarget(entry);
                if (target != null) {
                    targets.add(target);
                }
            });
            targets.stream().filter(t -> t.startsWith(ours)).forEach(t -> referenced.add(t.substring(ours.length())));
        }
        return referenced;
    }

    /** Since when each piece of content has been unreferenced; an unreadable record starts every grace again. */
    private Map<String, Instant> parse(byte[] json) {
        Map<String, Instant> since = new TreeMap<>();
        if (json == null) {
            return since;
        }
        try {
            Map<String, String> record = JSON.readValue(json, new TypeReference<TreeMap<String, String>>() { });
            record.forEach((name, at) -> since.put(name, Instant.parse(at)));
            return since;
        } catch (IOException | DateTimeParseException e) {
            LOG.warn("{} in container {} is not readable ({}); the grace of unreferenced content starts again", RECORD,
                    container, e.getMessage());
            return new TreeMap<>();
        }
    }

    private void writeRecord(Map<String, String> record) {
        try {
            swift.writeSmall(container, RECORD, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record), "application/json");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
