package io.auspex.jobs.slo;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One validated SLO of the SLO file. Immutable. Built only by {@link SloSetParser}.
 *
 * @param name unique name of the SLO in the file
 * @param service service the SLO is about
 * @param description free text, may be empty
 * @param runbookUrl may be empty
 * @param labels extra labels copied onto every alert of the SLO
 * @param objective target in percent, e.g. 99.9
 * @param errorBudget 1 - objective/100, computed exactly from the decimal objective (99.9 gives 0.001)
 * @param periodMs rolling compliance period, whole days from 1d to 90d
 * @param sli availability or latency
 * @param thresholdMs latency threshold (latency SLI only; 0 for availability)
 * @param groupBy {@code operation} for one instance per span name, or empty for one instance for the whole service
 * @param maxInstances limit of instances of a grouped SLO; values beyond it are dropped and counted
 * @param minEvents a rule may fire only when its long window holds at least this many events
 * @param minBadEvents a rule may fire only when its long window holds at least this many bad events
 * @param keepFiringForMs a firing alert whose condition clears is resolved only if it stays clear this long
 * @param rules burn-rate rules, at least one, unique tiers
 * @param identity what the counts of an instance mean: SLI type, threshold and grouping; the
 *     history of an instance survives a reload only when this is unchanged
 * @param windowsMs every alerting window of every rule plus 1h (for the time to exhaustion), ascending
 * @param minuteBuckets minute buckets kept: the longest window under a day, in minutes, plus 2
 *     (the partly covered oldest bucket and the one before it)
 * @param hourBuckets hour buckets kept: the period or the longest window of a day or more, in hours, plus 2
 */
public record SloDefinition(
        String name,
        String service,
        String description,
        String runbookUrl,
        SortedMap<String, String> labels,
        double objective,
        double errorBudget,
        long periodMs,
        SliType sli,
        long thresholdMs,
        String groupBy,
        int maxInstances,
        long minEvents,
        long minBadEvents,
        long keepFiringForMs,
        List<BurnRule> rules,
        String identity,
        List<Long> windowsMs,
        int minuteBuckets,
        int hourBuckets) implements Serializable {

    /** Windows of one day or more are summed from hour buckets, shorter ones from minute buckets. */
    public static final long HOUR_RESOLUTION_FROM_MS = Durations.DAY_MS;

    public boolean grouped() {
        return !groupBy.isEmpty();
    }

    /** Builds a definition and its derived fields (identity, windows, ring sizes). */
    static SloDefinition create(String name, String service, String description, String runbookUrl,
            SortedMap<String, String> labels, double objective, double errorBudget, long periodMs, SliType sli,
            long thresholdMs, String groupBy, int maxInstances, long minEvents, long minBadEvents, long keepFiringForMs,
            List<BurnRule> rules) {
        String identity = (sli == SliType.LATENCY ? "latency:" + thresholdMs : "availability") + "|" + groupBy;
        SortedSet<Long> w = new TreeSet<>();
        w.add(Durations.HOUR_MS);
        for (BurnRule r : rules) {
            w.add(r.longWindowMs());
            w.add(r.shortWindowMs());
        }
        long shortest = 0;
        long longest = periodMs;
        for (long x : w) {
            if (x < HOUR_RESOLUTION_FROM_MS) {
                shortest = Math.max(shortest, x);
            }
            longest = Math.max(longest, x);
        }
        int minutes = (int) ((shortest + Durations.MINUTE_MS - 1) / Durations.MINUTE_MS) + 2;
        int hours = (int) ((longest + Durations.HOUR_MS - 1) / Durations.HOUR_MS) + 2;
        return new SloDefinition(name, service, description, runbookUrl,
                Collections.unmodifiableSortedMap(new TreeMap<>(labels)), objective, errorBudget, periodMs, sli,
                thresholdMs, groupBy, maxInstances, minEvents, minBadEvents, keepFiringForMs, List.copyOf(rules), identity,
                List.copyOf(w), minutes, hours);
    }

    /** Heap bytes of the count rings of one instance (two long arrays per ring); the rest of an instance is under 200 bytes. */
    public long ringBytes() {
        return 16L * (minuteBuckets() + hourBuckets());
    }
}
