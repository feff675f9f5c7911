package io.auspex.jobs.signals;

import java.io.Serializable;
import java.util.Set;

/**
 * Which metrics feed which golden signal, and how long a gauge sample stays valid.
 *
 * @param saturationGauges gauges (ratios in [0, 1], or percent in (1, 100]) whose max is the
 *     saturation signal
 * @param latencyHistograms request-duration histograms that give a service traffic, errors and
 *     latency quantiles when it sends no spans
 * @param gaugeStalenessMs a gauge with no sample in a window carries its last value for this long
 */
public record MetricSignals(Set<String> saturationGauges, Set<String> latencyHistograms, long gaugeStalenessMs)
        implements Serializable {

    /** The semantic conventions' utilization gauges (process, system, container, k8s, connection pools). */
    public static final Set<String> DEFAULT_SATURATION = SaturationGauges.DEFAULT;
    /** The semantic conventions' server duration histograms, current and pre-1.22 names. */
    public static final Set<String> DEFAULT_LATENCY = Set.of("http.server.request.duration",
            "rpc.server.call.duration", "http.server.duration", "rpc.server.duration");
    public static final long DEFAULT_STALENESS_MS = 5 * 60_000L;
    public static final MetricSignals DEFAULTS = new MetricSignals(DEFAULT_SATURATION, DEFAULT_LATENCY,
            DEFAULT_STALENESS_MS);

    public MetricSignals {
        saturationGauges = Set.copyOf(saturationGauges);
        latencyHistograms = Set.copyOf(latencyHistograms);
        if (gaugeStalenessMs < 0) {
            throw new IllegalArgumentException("gauge staleness must be >= 0, was " + gaugeStalenessMs);
        }
    }

    /** A saturation gauge's value as a ratio: values in (1, 100] are read as percent. */
    static double ratio(double v) {
        return v > 1.0 && v <= 100.0 ? v / 100.0 : v;
    }

    /** Milliseconds per unit of a duration histogram ({@code s}, {@code ms}, {@code us}, {@code ns}); seconds when unknown, ms for the pre-1.22 names. */
    static double msPerUnit(String unit, String metric) {
        return switch (unit) {
            case "ms" -> 1.0;
            case "s" -> 1000.0;
            case "us" -> 0.001;
            case "ns" -> 0.000001;
            default -> metric.equals("http.server.duration") || metric.equals("rpc.server.duration") ? 1.0 : 1000.0;
        };
    }
}
