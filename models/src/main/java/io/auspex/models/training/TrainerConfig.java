package io.auspex.models.training;

import io.auspex.models.features.FeatureVector;

/**
 * Parameters of {@link IsolationForestTrainer}.
 *
 * @param trees number of isolation trees (default 100)
 * @param subsample rows drawn without replacement for each tree (default 256, as in Liu et
 *     al., "Isolation Forest", 2008); capped at the number of training rows
 * @param thresholdQuantile quantile of the training scores used as the anomaly threshold,
 *     in (0, 1] (default 0.999: about 1 window in 1000 of the training data is above it)
 * @param seed seed of row sampling and split choices (default 42)
 * @param minServiceRows windows a service needs in the training data to get a normalization
 *     of its own (default 30, i.e. 5 minutes of 10 s windows); fewer use the global one
 * @param extensionLevel Smile's extended-isolation-forest level, 0 to {@code features - 1}
 *     (default {@code features - 1}, fully extended). With level 0 (the classic forest, cuts
 *     parallel to one feature axis) a window far outside the training range in ONE feature
 *     (10x the error ratio, all else normal) follows the same path as the most extreme
 *     training window in that feature and scores no higher than it: measured on 5 synthetic
 *     services, level 0 missed 395 of 400 such windows at the 0.999 threshold. Oblique cuts
 *     (Hariri et al., "Extended Isolation Forest", 2019) keep raising the score with the
 *     distance: level 7 missed none, at a held-out false positive rate of 0.04-0.12 %.
 */
public record TrainerConfig(int trees, int subsample, double thresholdQuantile, long seed,
        int minServiceRows, int extensionLevel) {

    public static final int DEFAULT_TREES = 100;
    public static final int DEFAULT_SUBSAMPLE = 256;
    public static final double DEFAULT_THRESHOLD_QUANTILE = 0.999;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_MIN_SERVICE_ROWS = 30;
    /** Fully extended: cuts along random oblique hyperplanes, see the class comment. */
    public static final int DEFAULT_EXTENSION_LEVEL = FeatureVector.SIZE - 1;

    public TrainerConfig {
        if (trees < 1 || trees > 10_000) {
            throw new IllegalArgumentException("trees must be in [1, 10000], got " + trees);
        }
        if (subsample < 2) {
            throw new IllegalArgumentException("subsample must be >= 2, got " + subsample);
        }
        if (!(thresholdQuantile > 0.0 && thresholdQuantile <= 1.0)) {
            throw new IllegalArgumentException(
                    "threshold quantile must be in (0, 1], got " + thresholdQuantile);
        }
        if (extensionLevel < 0 || extensionLevel >= FeatureVector.SIZE) {
            throw new IllegalArgumentException("extension level must be in [0, "
                    + (FeatureVector.SIZE - 1) + "], got " + extensionLevel);
        }
        if (minServiceRows < 1) {
            throw new IllegalArgumentException(
                    "minServiceRows must be >= 1, got " + minServiceRows);
        }
    }

    /** The defaults listed above. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(DEFAULT_TREES, DEFAULT_SUBSAMPLE, DEFAULT_THRESHOLD_QUANTILE,
                DEFAULT_SEED, DEFAULT_MIN_SERVICE_ROWS, DEFAULT_EXTENSION_LEVEL);
    }

    public TrainerConfig withTrees(int n) {
        return new TrainerConfig(n, subsample, thresholdQuantile, seed, minServiceRows, extensionLevel);
    }

    public TrainerConfig withSubsample(int n) {
        return new TrainerConfig(trees, n, thresholdQuantile, seed, minServiceRows, extensionLevel);
    }

    public TrainerConfig withThresholdQuantile(double q) {
        return new TrainerConfig(trees, subsample, q, seed, minServiceRows, extensionLevel);
    }

    public TrainerConfig withSeed(long s) {
        return new TrainerConfig(trees, subsample, thresholdQuantile, s, minServiceRows, extensionLevel);
    }

    public TrainerConfig withExtensionLevel(int level) {
        return new TrainerConfig(trees, subsample, thresholdQuantile, seed, minServiceRows, level);
    }

    public TrainerConfig withMinServiceRows(int n) {
        return new TrainerConfig(trees, subsample, thresholdQuantile, seed, n, extensionLevel);
    }
}
