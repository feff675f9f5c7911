package io.auspex.jobs.signals;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import io.auspex.models.evidence.CountEvidence;
import java.util.HashMap;
import java.util.Map;

/**
 * The requests of a window slower than each step of {@link CountEvidence#DEFAULT_LADDER_MS}, read
 * once per window from its latency sketch: a bin counts above a step when its representative value
 * (within the sketch's 1 % relative accuracy) is above it. No per-record work.
 */
public final class LatencyLadder {
    /** The steps' keys in {@code latency_ladder_ms}: each step in ms as a decimal string. */
    private static final String[] KEYS = keys();

    private LatencyLadder() {}

    private static String[] keys() {
        long[] ladder = CountEvidence.DEFAULT_LADDER_MS;
        String[] k = new String[ladder.length];
        for (int i = 0; i < ladder.length; i++) {
            k[i] = Long.toString(ladder[i]);
        }
        return k;
    }

    /** Step in ms (decimal string) -> requests slower than it. */
    public static Map<String, Long> countsAbove(DDSketch sketch) {
        long[] ladder = CountEvidence.DEFAULT_LADDER_MS;
        double[] counts = new double[ladder.length];
        IndexMapping mapping = sketch.getIndexMapping();
        sketch.getPositiveValueStore().forEach((index, count) -> {
            double v = mapping.value(index);
            for (int i = 0; i < ladder.length && v > ladder[i]; i++) {
                counts[i] += count;
            }
        });
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < ladder.length; i++) {
            m.put(KEYS[i], Math.round(counts[i]));
        }
        return m;
    }

    /** The counts of {@code m} aligned with the ladder, or null when {@code m} has none (older records). */
    public static long[] aligned(Map<String, Long> m) {
        if (m == null || m.isEmpty()) {
            return null;
        }
        long[] out = new long[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            Long c = m.get(KEYS[i]);
            if (c == null) {
                return null;
            }
            out[i] = c;
        }
        return out;
    }
}
