package io.auspex.models.features;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-service robust normalization of raw feature vectors, learned at training time.
 *
 * <p>One model is trained on many services at once, whose traffic, latency and error levels
 * differ by orders of magnitude. Scoring the raw features would make "big service" look
 * anomalous next to "small service". So every service gets its own median (center) and
 * robust spread (scale, {@link RobustStats#spread}: the larger of {@code 1.4826 * MAD} and
 * the central 99 % span over {@code 2 * 2.5758}) per feature, and the model sees z-scores:
 * "how far is this window from this service's usual behaviour, in units of its usual
 * spread". Median and MAD ignore the incidents a training set inevitably contains; the span
 * term keeps heavy-tailed features (tail latency, sporadic errors) from turning ordinary
 * tail windows into huge z-scores, and tolerates incidents in up to 0.5 % of the windows.
 *
 * <p>Services with fewer than the configured minimum of training rows, and services unknown
 * at training time, use the {@linkplain #global() global} scale: median/MAD over all training
 * rows pooled. It is a coarse fallback (see docs/models.md, limitations).
 */
public final class Normalization implements Serializable {

    @Serial private static final long serialVersionUID = 1L;

    private final Map<String, FeatureScale> perService;
    private final FeatureScale global;

    public Normalization(Map<String, FeatureScale> perService, FeatureScale global) {
        Objects.requireNonNull(global, "global");
        for (Map.Entry<String, FeatureScale> e : perService.entrySet()) {
            if (e.getValue().size() != global.size()) {
                throw new IllegalArgumentException("service " + e.getKey() + " has "
                        + e.getValue().size() + " features, global has " + global.size());
            }
        }
        this.perService = Collections.unmodifiableMap(new TreeMap<>(perService));
        this.global = global;
    }

    /**
     * Learns the normalization from raw training vectors.
     *
     * @param services service name of each row
     * @param rows raw feature vectors ({@link FeatureVector#extract}), all finite
     * @param minScales per-feature floor of the scale ({@link FeatureVector#minScales()})
     * @param minServiceRows a service with fewer rows gets no scale of its own
     */
    public static Normalization fit(List<String> services, double[][] rows, double[] minScales,
            int minServiceRows) {
        if (services.size() != rows.length) {
            throw new IllegalArgumentException(services.size() + " service names for "
                    + rows.length + " rows");
        }
        if (minServiceRows < 1) {
            throw new IllegalArgumentException("minServiceRows must be >= 1, got " + minServiceRows);
        }
        Map<String, List<double[]>> byService = new TreeMap<>();
        for (int i = 0; i < rows.length; i++) {
            byService.computeIfAbsent(services.get(i), k -> new ArrayList<>()).add(rows[i]);
        }
        Map<String, FeatureScale> perService = new TreeMap<>();
        for (Map.Entry<String, List<double[]>> e : byService.entrySet()) {
            if (e.getValue().size() >= minServiceRows) {
                perService.put(e.getKey(),
                        FeatureScale.fit(e.getValue().toArray(double[][]::new), minScales));
            }
        }
        return new Normalization(perService, FeatureScale.fit(rows, minScales));
    }

    /** Scales by service name, sorted by name (unmodifiable). */
    public Map<String, FeatureScale> perService() {
        return perService;
    }

    /** The pooled fallback scale. */
    public FeatureScale global() {
        return global;
    }

    /** True when the service has a scale of its own. */
    public boolean knows(String service) {
        return perService.containsKey(service);
    }

    /** The scale used for a service: its own, else the global one. */
    public FeatureScale scaleFor(String service) {
        FeatureScale s = perService.get(service);
        return s != null ? s : global;
    }

    /** Normalized copy of {@code raw} for the given service. */
    public double[] apply(String service, double[] raw) {
        return scaleFor(service).apply(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization other
                && perService.equals(other.perService)
                && global.equals(other.global);
    }

    @Override
    public int hashCode() {
        return 31 * perService.hashCode() + global.hashCode();
    }

    @Override
    public String toString() {
        return "Normalization[services=" + perService.keySet() + ", global=" + global + "]";
    }
}
