package io.auspex.models.artifact;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything about a model artifact except the model itself and its normalization.
 *
 * @param formatVersion version of the artifact file format ({@link ModelArtifactIO#FORMAT_VERSION})
 * @param modelName logical name, e.g. {@code default}; the key on the models topic
 * @param modelVersion free-form version string, unique per model name
 * @param algorithm the model class, e.g. {@code smile.anomaly.IsolationForest}
 * @param featureNames feature names in vector order, as defined by the build that trained it
 * @param threshold raw score at or above which a window is anomalous
 * @param trainingScoreQuantiles quantiles of the scores of the training rows, keyed
 *     {@code p50}, {@code p90}, {@code p99}, {@code p99.9}, {@code max}; for orientation
 * @param trainingData what the model was trained on
 * @param createdAt when training finished
 * @param trainer training parameters, seed included
 */
public record ModelMetadata(int formatVersion, String modelName, String modelVersion,
        String algorithm, List<String> featureNames, double threshold,
        Map<String, Double> trainingScoreQuantiles, TrainingDataRange trainingData,
        Instant createdAt, TrainerParameters trainer) {

    public ModelMetadata {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(trainingData, "trainingData");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(trainer, "trainer");
        if (modelName.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        if (modelVersion.isBlank()) {
            throw new IllegalArgumentException("model version must not be blank");
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
        featureNames = List.copyOf(featureNames);
        trainingScoreQuantiles = Map.copyOf(trainingScoreQuantiles);
    }
}
