package io.auspex.models.training;

import io.auspex.models.artifact.TrainingDataRange;
import io.auspex.models.features.FeatureVector;
import io.auspex.schemas.ServiceSignals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Training rows reduced to what the trainer needs: service name and raw feature vector per
 * window, plus the data range. About 100 bytes per row instead of a full {@link ServiceSignals},
 * so a week of signals of dozens of services fits in memory.
 *
 * <p>Rows whose features are not all finite (NaN or infinite values, negative traffic) are
 * skipped and counted, never trained on.
 */
public final class TrainingSet {

    private final List<String> services;
    private final double[][] rows;
    private final TrainingDataRange range;

    private TrainingSet(List<String> services, double[][] rows, TrainingDataRange range) {
        this.services = List.copyOf(services);
        this.rows = rows;
        this.range = range;
    }

    /** Builds a training set from records in memory. */
    public static TrainingSet of(Collection<ServiceSignals> signals) {
        Builder b = builder();
        signals.forEach(b::add);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Service name of each row (unmodifiable). */
    public List<String> services() {
        return services;
    }

    /** Raw feature vectors, one per row. The arrays are shared: do not modify them. */
    double[][] rows() {
        return rows;
    }

    /** Number of usable rows. */
    public int size() {
        return rows.length;
    }

    public TrainingDataRange range() {
        return range;
    }

    /** Accumulates rows one record at a time, e.g. while streaming a signals file. */
    public static final class Builder {
        private final List<String> services = new ArrayList<>();
        private final List<double[]> rows = new ArrayList<>();
        private final Map<String, String> interned = new HashMap<>();
        private long skipped;
        private long minStart = Long.MAX_VALUE;
        private long maxEnd = Long.MIN_VALUE;

        private Builder() {}

        /** Adds one window; returns false (and counts it) when its features are unusable. */
        public boolean add(ServiceSignals s) {
            double[] f = FeatureVector.extract(s);
            String service = s.getServiceName() == null ? null : s.getServiceName().toString();
            if (service == null || service.isEmpty() || !FeatureVector.isValid(f)) {
                skipped++;
                return false;
            }
            services.add(interned.computeIfAbsent(service, k -> k));
            rows.add(f);
            minStart = Math.min(minStart, s.getWindowStartMs());
            maxEnd = Math.max(maxEnd, s.getWindowEndMs());
            return true;
        }

        /** Number of rows added so far (skipped ones excluded). */
        public int size() {
            return rows.size();
        }

        public TrainingSet build() {
            TrainingDataRange range = rows.isEmpty()
                    ? new TrainingDataRange(0, skipped, 0L, 0L, List.of())
                    : new TrainingDataRange(rows.size(), skipped, minStart, maxEnd,
                            List.copyOf(new TreeSet<>(interned.keySet())));
            return new TrainingSet(services, rows.toArray(double[][]::new), range);
        }
    }
}
