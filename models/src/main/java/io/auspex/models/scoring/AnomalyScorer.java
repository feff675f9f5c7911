package io.auspex.models.scoring;

import io.auspex.models.artifact.ModelArtifact;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.features.FeatureVector;
import io.auspex.models.features.Normalization;
import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;
import smile.anomaly.IsolationForest;

/**
 * Scores windows of {@link ServiceSignals} with one model artifact.
 *
 * <p>{@link #score(ServiceSignals)} extracts the {@link FeatureVector}, normalizes it with the
 * service's training-time center and scale, and returns the raw Isolation Forest score
 * {@code 2^(-E[h(x)] / c(psi))}, in (0, 1]: about 0.5 or below for ordinary windows, towards 1
 * for windows that are isolated quickly. {@link #isAnomalous(double)} compares it with the
 * artifact's threshold (a high quantile of the training scores). Scores are comparable only
 * within one model version.
 *
 * <p>Immutable and thread-safe. It is {@link Serializable} (Flink can ship it inside a
 * function), and cheap to rebuild from artifact bytes with {@link #fromBytes(byte[])} when a
 * new model version arrives at run time.
 */
public final class AnomalyScorer implements Serializable {

    @Serial private static final long serialVersionUID = 1L;

    private final String modelName;
    private final String modelVersion;
    private final double threshold;
    private final Normalization normalization;
    private final IsolationForest forest;

    private AnomalyScorer(String modelName, String modelVersion, double threshold,
            Normalization normalization, IsolationForest forest) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.threshold = threshold;
        this.normalization = normalization;
        this.forest = forest;
    }

    /** A scorer for an artifact in memory (e.g. one just trained). */
    public static AnomalyScorer of(ModelArtifact artifact) {
        Objects.requireNonNull(artifact, "artifact");
        return new AnomalyScorer(artifact.metadata().modelName(),
                artifact.metadata().modelVersion(), artifact.metadata().threshold(),
                artifact.normalization(), artifact.forest());
    }

    /** Loads and validates an artifact file. */
    public static AnomalyScorer load(Path file) throws IOException {
        return of(ModelArtifactIO.read(file));
    }

    /** Loads and validates an artifact from the bytes of its file (e.g. from a Kafka record). */
    public static AnomalyScorer fromBytes(byte[] artifactBytes) throws IOException {
        return of(ModelArtifactIO.fromBytes(artifactBytes));
    }

    /**
     * Raw Isolation Forest score of one window, or NaN when the record has a non-finite
     * feature (bad data is a value here, not an exception; {@link #isAnomalous} is false for
     * NaN).
     */
    public double score(ServiceSignals s) {
        return score(s.getServiceName().toString(), FeatureVector.extract(s));
    }

    /** Score of a raw (not normalized) feature vector of the given service; NaN if not finite. */
    public double score(String service, double[] rawFeatures) {
        if (!FeatureVector.isValid(rawFeatures)) {
            return Double.NaN;
        }
        return forest.score(normalization.apply(service, rawFeatures));
    }

    /**
     * The normalized features of one window: how many robust standard deviations each feature
     * is from the service's training median. Tells which signals moved.
     */
    public double[] zScores(ServiceSignals s) {
        return normalization.apply(s.getServiceName().toString(), FeatureVector.extract(s));
    }

    /** True when {@code score >= threshold}; false for NaN. */
    public boolean isAnomalous(double score) {
        return score >= threshold;
    }

    public double threshold() {
        return threshold;
    }

    public String modelName() {
        return modelName;
    }

    public String modelVersion() {
        return modelVersion;
    }

    /**
     * True when the service had its own normalization in training; otherwise its windows are
     * normalized with the pooled global scale and its scores are less reliable.
     */
    public boolean knowsService(String service) {
        return normalization.knows(service);
    }

    @Override
    public String toString() {
        return "AnomalyScorer[" + modelName + " " + modelVersion + ", threshold " + threshold + "]";
    }
}
