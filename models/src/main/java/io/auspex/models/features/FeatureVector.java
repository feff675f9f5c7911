package io.auspex.models.features;

import io.auspex.schemas.ServiceSignals;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The multivariate feature vector of one service in one window: the one place that defines
 * the feature names, their order and how each is computed from {@link ServiceSignals}.
 *
 * <p>Every model artifact stores {@link #names()} in its metadata and refuses to load when
 * they differ from this class, so changing a feature here requires retraining.
 *
 * <p>Design choices (see docs/models.md for the full table):
 *
 * <ul>
 *   <li>Quantities that span orders of magnitude across services and within a day (traffic,
 *       latencies, log rates) enter as {@code log1p}, so that "5x slower" is the same distance
 *       for a 2 ms and a 2 s service after per-service normalization.
 *   <li>The error ratio enters as {@code ln(error_ratio + 0.001)}: what matters is the
 *       relative change (0.2 % to 2 % is as alarming as 1 % to 10 %), and the 0.1 % floor keeps
 *       a service with no errors finite.
 *   <li>Saturation, a ratio in [0, 1] whose absolute level matters, enters as it is.
 *   <li>Counts become rates per second of window, so the features do not depend on the
 *       window length.
 *   <li>The count is even (8) on purpose: Smile's Gaussian sampler caches every second
 *       draw in a JVM-wide singleton, and with an even dimension each tree node consumes
 *       whole pairs, which keeps seeded training reproducible within one JVM.
 * </ul>
 *
 * <p>The raw features are then normalized per service by {@link Normalization}.
 */
public final class FeatureVector {

    /** One feature: its name, how it is computed, and the smallest scale normalization may use. */
    public enum Feature {
        LOG_TRAFFIC_RPS("log1p_traffic_rps", 0.05,
                s -> Math.log1p(s.getTrafficRps())),
        LOG_ERROR_RATIO("log_error_ratio", 0.1,
                s -> Math.log(s.getErrorRatio() + ERROR_RATIO_FLOOR)),
        LOG_LATENCY_P50("log1p_latency_p50_ms", 0.05,
                s -> Math.log1p(s.getLatencyP50Ms())),
        LOG_LATENCY_P90("log1p_latency_p90_ms", 0.05,
                s -> Math.log1p(s.getLatencyP90Ms())),
        LOG_LATENCY_P99("log1p_latency_p99_ms", 0.05,
                s -> Math.log1p(s.getLatencyP99Ms())),
        LOG_LATENCY_MAX("log1p_latency_max_ms", 0.05,
                s -> Math.log1p(s.getLatencyMaxMs())),
        SATURATION("saturation", 0.02,
                ServiceSignals::getSaturation),
        LOG_ERROR_LOG_RATE("log1p_error_logs_per_s", 0.05,
                s -> Math.log1p(s.getErrorLogCount() / windowSeconds(s)));

        private final String featureName;
        private final double minScale;
        private final ToDoubleFunction<ServiceSignals> extractor;

        Feature(String featureName, double minScale, ToDoubleFunction<ServiceSignals> extractor) {
            this.featureName = featureName;
            this.minScale = minScale;
            this.extractor = extractor;
        }

        /** The name stored in model metadata. */
        public String featureName() {
            return featureName;
        }

        /**
         * The floor of the robust scale for this feature, in the feature's own units: a service
         * whose signal never moves in training (an error ratio of exactly 0) would otherwise get
         * a scale of 0 and turn the first tiny change into an infinite z-score.
         */
        public double minScale() {
            return minScale;
        }

        double extract(ServiceSignals s) {
            return extractor.applyAsDouble(s);
        }
    }

    /**
     * Added to the error ratio before the log: 0.1 %, below which error ratios are treated as
     * "no errors", so a service at exactly 0 does not sit at minus infinity.
     */
    public static final double ERROR_RATIO_FLOOR = 0.001;

    private static final Feature[] FEATURES = Feature.values();
    private static final List<String> NAMES =
            Arrays.stream(FEATURES).map(Feature::featureName).toList();
    private static final double[] MIN_SCALES =
            Arrays.stream(FEATURES).mapToDouble(Feature::minScale).toArray();

    /** Number of features. */
    public static final int SIZE = FEATURES.length;

    private FeatureVector() {}

    /** Feature names in vector order (unmodifiable). */
    public static List<String> names() {
        return NAMES;
    }

    /** Per-feature floors of the normalization scale, in vector order (a copy). */
    public static double[] minScales() {
        return MIN_SCALES.clone();
    }

    /**
     * The raw (not yet normalized) feature vector of one window. The result may contain NaN or
     * infinities when the record does (the schema does not forbid them); callers decide what to
     * do with such rows, see {@link #isValid(double[])}.
     */
    public static double[] extract(ServiceSignals s) {
        double[] v = new double[SIZE];
        for (int i = 0; i < SIZE; i++) {
            v[i] = FEATURES[i].extract(s);
        }
        return v;
    }

    /** True when every value is finite, i.e. the vector can be used for training or scoring. */
    public static boolean isValid(double[] features) {
        if (features.length != SIZE) {
            return false;
        }
        for (double f : features) {
            if (!Double.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    /** Window length in seconds; a non-positive length (bad record) counts as 1 s. */
    static double windowSeconds(ServiceSignals s) {
        long ms = s.getWindowEndMs() - s.getWindowStartMs();
        return ms > 0 ? ms / 1000.0 : 1.0;
    }
}
