package io.auspex.models.training;

import io.auspex.models.artifact.ModelArtifact;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.artifact.ModelMetadata;
import io.auspex.models.artifact.TrainerParameters;
import io.auspex.models.features.FeatureVector;
import io.auspex.models.features.Normalization;
import io.auspex.models.features.RobustStats;
import io.auspex.schemas.ServiceSignals;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;

/**
 * Trains a Smile {@link IsolationForest} on the normalized feature vectors of many services
 * and packages it as a {@link ModelArtifact} with its threshold and metadata.
 *
 * <p>The trees are built here with Smile's public {@link IsolationTree} constructor rather
 * than {@code IsolationForest.fit}: in Smile 3.1.1 {@code fit} accepts a sampling rate but
 * builds every tree on all rows (and sizes the path-length normalization on all rows), which
 * makes models large (16 MB for 10 K rows) and slow, and its parallel tree building is not
 * reproducible from a seed. Here each tree gets {@code subsample} rows drawn without
 * replacement, a depth limit of {@code ceil(log2(subsample))}, and the forest normalizes path
 * lengths by {@code c(subsample)}, all as in Liu et al. (2008). Cuts are oblique by default
 * (extended isolation forest, see {@link TrainerConfig#extensionLevel()} for why). Trees are
 * built one after the other on the calling thread, after {@code MathEx.setSeed(seed)} (which
 * reseeds Smile's random generator of that thread, a side effect on the caller's thread).
 *
 * <p>The threshold is the nearest-rank {@code thresholdQuantile} of the scores of all
 * training rows.
 */
public final class IsolationForestTrainer {

    /** Fewest usable rows the trainer accepts. */
    public static final int MIN_ROWS = 10;

    private final TrainerConfig config;
    private final Clock clock;

    public IsolationForestTrainer(TrainerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** With a clock for the artifact's {@code created_at} (tests pin it). */
    public IsolationForestTrainer(TrainerConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public TrainerConfig config() {
        return config;
    }

    /** Trains on records in memory. */
    public ModelArtifact train(String modelName, String modelVersion,
            List<ServiceSignals> signals) {
        return train(modelName, modelVersion, TrainingSet.of(signals));
    }

    /**
     * Trains on a prepared training set.
     *
     * @throws IllegalArgumentException when the set has fewer than {@link #MIN_ROWS} usable rows
     *     or name/version are blank
     */
    public ModelArtifact train(String modelName, String modelVersion, TrainingSet data) {
        if (data.size() < MIN_ROWS) {
            throw new IllegalArgumentException("need at least " + MIN_ROWS
                    + " usable training rows, got " + data.size()
                    + (data.range().skippedRows() > 0
                            ? " (" + data.range().skippedRows() + " skipped as invalid)" : ""));
        }
        double[][] raw = data.rows();
        Normalization normalization = Normalization.fit(data.services(), raw,
                FeatureVector.minScales(), config.minServiceRows());
        double[][] z = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            z[i] = normalization.apply(data.services().get(i), raw[i]);
        }

        int subsample = Math.min(config.subsample(), z.length);
        int maxDepth = Math.max(1, ceilLog2(subsample));
        IsolationForest forest = buildForest(z, subsample, maxDepth);

        double[] scores = forest.score(z);
        Arrays.sort(scores);
        double threshold = quantile(scores, config.thresholdQuantile());
        Map<String, Double> quantiles = new LinkedHashMap<>();
        quantiles.put("p50", quantile(scores, 0.5));
        quantiles.put("p90", quantile(scores, 0.9));
        quantiles.put("p99", quantile(scores, 0.99));
        quantiles.put("p99.9", quantile(scores, 0.999));
        quantiles.put("max", scores[scores.length - 1]);

        TrainerParameters params = new TrainerParameters(config.trees(), config.subsample(),
                subsample, maxDepth, config.extensionLevel(), config.thresholdQuantile(),
                config.minServiceRows(), config.seed());
        ModelMetadata metadata = new ModelMetadata(ModelArtifactIO.FORMAT_VERSION, modelName,
                modelVersion, IsolationForest.class.getName(), FeatureVector.names(), threshold,
                quantiles, data.range(), clock.instant().truncatedTo(ChronoUnit.MILLIS), params);
        return new ModelArtifact(metadata, normalization, forest);
    }

    private IsolationForest buildForest(double[][] z, int subsample, int maxDepth) {
        MathEx.setSeed(config.seed());
        SplittableRandom sampling = new SplittableRandom(config.seed());
        int[] index = new int[z.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        IsolationTree[] trees = new IsolationTree[config.trees()];
        for (int t = 0; t < trees.length; t++) {
            List<double[]> sample = new ArrayList<>(subsample);
            // Partial Fisher-Yates: the first `subsample` positions become a uniform sample
            // without replacement. `index` stays a permutation, so no reset between trees.
            for (int i = 0; i < subsample; i++) {
                int j = i + sampling.nextInt(index.length - i);
                int tmp = index[i];
                index[i] = index[j];
                index[j] = tmp;
                sample.add(z[index[i]]);
            }
            trees[t] = new IsolationTree(sample, maxDepth, config.extensionLevel());
        }
        // Smile's constructor takes the sample size for c(n), then the extension level.
        return new IsolationForest(subsample, config.extensionLevel(), trees);
    }

    /** Nearest-rank quantile, see {@link RobustStats#quantileOfSorted}. */
    static double quantile(double[] sorted, double q) {
        return RobustStats.quantileOfSorted(sorted, q);
    }

    static int ceilLog2(int n) {
        return 32 - Integer.numberOfLeadingZeros(n - 1);
    }
}
