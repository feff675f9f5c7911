package io.auspex.models.features;

import java.util.Arrays;

/** Median and median absolute deviation, the robust center and spread used by {@link Normalization}. */
public final class RobustStats {

    /**
     * Factor that turns the MAD of normally distributed data into an estimate of its standard
     * deviation (1 / Phi^-1(3/4)), so a normalized value reads like a z-score.
     */
    public static final double MAD_TO_SIGMA = 1.4826;

    private RobustStats() {}

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
