package io.auspex.models.features;

import java.util.Arrays;

/** Median and median absolute deviation, the robust center and spread used by {@link Normalization}. */
public final class RobustStats {

    /**
     * Factor that turns the MAD of normally distributed data into an estimate of its standard
     * deviation (1 / Phi^-1(3/4)), so a normalized value reads like a z-score.
     */
    public static final double MAD_TO_SIGMA = 1.4826;

    /** Quantile whose span to its mirror ({@code 1 - TAIL_QUANTILE}) gives the tail scale. */
    public static final double TAIL_QUANTILE = 0.995;

    /** Standard normal quantile of {@link #TAIL_QUANTILE}: Phi^-1(0.995). */
    public static final double TAIL_Z = 2.5758;

    /**
     * Fewest values for which the tail scale is used: below 200 the 0.5 % and 99.5 %
     * nearest-rank quantiles are the minimum and maximum, and a single outlier would set the
     * scale.
     */
    public static final int TAIL_MIN_ROWS = 200;

    private RobustStats() {}

    /**
     * Nearest-rank quantile of sorted values: {@code sorted[ceil(q * n) - 1]}, the smallest
     * value with at least {@code q * n} values at or below it.
     */
    public static double quantileOfSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("quantile of no values");
        }
        // The small epsilon keeps q * n = 999.0000000000001 from rounding up to the next rank.
        int rank = (int) Math.ceil(q * sorted.length - 1e-9);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    /**
     * Robust spread in standard-deviation units: the larger of {@code 1.4826 * MAD} and, with
     * at least {@link #TAIL_MIN_ROWS} values, the central 99 % span
     * {@code (q99.5 - q0.5) / (2 * 2.5758)}. Both estimate sigma for normal data. For
     * heavy-tailed data (tail latency of a 10 s window, sporadic errors) MAD only sees the
     * core, and ordinary tail windows would land 15-25 "sigmas" out; the span makes their
     * 0.5 % tails land at about 2.6, like a normal distribution's.
     */
    public static double spread(double[] values, double center) {
        double mad = MAD_TO_SIGMA * mad(values, center);
        if (values.length < TAIL_MIN_ROWS) {
            return mad;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double span = quantileOfSorted(sorted, TAIL_QUANTILE)
                - quantileOfSorted(sorted, 1.0 - TAIL_QUANTILE);
        return Math.max(mad, span / (2 * TAIL_Z));
    }

    /** Median of the values; the mean of the two middle values for an even count. */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /** Median absolute deviation from {@code center}: median(|x - center|). */
    public static double mad(double[] values, double center) {
        double[] dev = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            dev[i] = Math.abs(values[i] - center);
        }
        return median(dev);
    }
}
