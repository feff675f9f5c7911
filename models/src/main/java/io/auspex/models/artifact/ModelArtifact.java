package io.auspex.models.artifact;

import io.auspex.models.features.Normalization;
import java.util.Objects;
import smile.anomaly.IsolationForest;

/**
 * A trained model in memory, with everything needed to score and to explain where it came
 * from: the live Smile forest, the per-service normalization and the metadata.
 *
 * <p>This is the live form; {@link ModelArtifactIO} maps it to and from its saved form (one
 * zip file with {@code metadata.json} and the serialized forest).
 */
public final class ModelArtifact {

    private final ModelMetadata metadata;
    private final Normalization normalization;
    private final IsolationForest forest;

    public ModelArtifact(ModelMetadata metadata, Normalization normalization,
            IsolationForest forest) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        this.forest = Objects.requireNonNull(forest, "forest");
        if (normalization.global().size() != metadata.featureNames().size()) {
            throw new IllegalArgumentException("normalization has "
                    + normalization.global().size() + " features but metadata names "
                    + metadata.featureNames().size());
        }
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The Smile model; it scores normalized vectors. */
    public IsolationForest forest() {
        return forest;
    }

    @Override
    public String toString() {
        return "ModelArtifact[" + metadata.modelName() + " " + metadata.modelVersion() + "]";
    }
}
