package io.auspex.models.features;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Robust center and scale of every feature for one service (or for all services pooled):
 * {@code z = (raw - center) / scale}.
 *
 * @param center per-feature median, in {@link FeatureVector} order
 * @param scale per-feature {@code max(RobustStats.spread, minScale)}, always &gt; 0
 */
public record FeatureScale(double[] center, double[] scale) implements Serializable {

    @Serial private static final long serialVersionUID = 1L;

    public FeatureScale {
        if (center.length != scale.length) {
            throw new IllegalArgumentException("center has " + center.length
                    + " values but scale has " + scale.length);
        }
        for (int i = 0; i < scale.length; i++) {
            if (!Double.isFinite(center[i]) || !(scale[i] > 0) || !Double.isFinite(scale[i])) {
                throw new IllegalArgumentException("feature " + i + ": center " + center[i]
                        + " must be finite and scale " + scale[i] + " finite and > 0");
            }
        }
        center = center.clone();
        scale = scale.clone();
    }

    /**
     * Fits the median and {@link RobustStats#spread} per feature over the given raw vectors
     * (rows), flooring each scale at {@code minScales[i]}.
     */
    public static FeatureScale fit(double[][] rows, double[] minScales) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a scale on no rows");
        }
        int d = minScales.length;
        double[] center = new double[d];
        double[] scale = new double[d];
        double[] column = new double[rows.length];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < rows.length; i++) {
                column[i] = rows[i][j];
            }
            center[j] = RobustStats.median(column);
            scale[j] = Math.max(RobustStats.spread(column, center[j]), minScales[j]);
        }
        return new FeatureScale(center, scale);
    }

    @Override
    public double[] center() {
        return center.clone();
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    /** Number of features. */
    public int size() {
        return center.length;
    }

    /** {@code (raw - center) / scale}, element-wise, into a new array. */
    public double[] apply(double[] raw) {
        if (raw.length != center.length) {
            throw new IllegalArgumentException("expected " + center.length
                    + " features, got " + raw.length);
        }
        double[] z = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            z[i] = (raw[i] - center[i]) / scale[i];
        }
        return z;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureScale other
                && Arrays.equals(center, other.center)
                && Arrays.equals(scale, other.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(center) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "FeatureScale[center=" + Arrays.toString(center)
                + ", scale=" + Arrays.toString(scale) + "]";
    }
}
