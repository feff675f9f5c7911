package io.auspex.jobs.anomaly;

import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.models.scoring.AnomalyScorer;
import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scores windows with a Smile model artifact (see docs/models.md). The artifact's bytes travel
 * with the job graph and the model is rebuilt once per parallel instance in {@link #open()}.
 */
public final class ModelWindowScorer implements WindowScorer {
    private static final long serialVersionUID = 1L;
    /** The default artifact bundled in the models jar (trained on the simulator's normal traffic). */
    public static final String DEFAULT_RESOURCE = "/models/default.model";

    private final byte[] artifact;
    private transient AnomalyScorer scorer;

    public ModelWindowScorer(byte[] artifact) {
        this.artifact = artifact.clone();
    }

    /** The value of {@code auspex.model.file} that runs without a model. */
    public static final String NONE = "none";

    /**
     * The configured artifact, else the bundled default, else null (no model); null too when the
     * option is {@value #NONE}. Validates it now.
     */
    public static ModelWindowScorer fromConfig(PipelineConfig cfg) {
        try {
            byte[] bytes;
            if (NONE.equals(cfg.get(AuspexOptions.MODEL_FILE))) {
                return null;
            }
            if (cfg.get(AuspexOptions.MODEL_FILE) != null) {
                bytes = Files.readAllBytes(Path.of(cfg.get(AuspexOptions.MODEL_FILE)));
            } else {
                try (InputStream in = ModelWindowScorer.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                    if (in == null) {
                        return null;
                    }
                    bytes = in.readAllBytes();
                }
            }
            ModelWindowScorer s = new ModelWindowScorer(bytes);
            s.open();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model artifact: " + e.getMessage(), e);
        }
    }

    @Override
    public void open() throws IOException {
        if (scorer == null) {
            scorer = AnomalyScorer.fromBytes(artifact);
        }
    }

    @Override
    public double score(ServiceSignals signals) {
        return scorer.score(signals);
    }

    @Override
    public boolean isAnomalous(double score) {
        return scorer.isAnomalous(score);
    }

    @Override
    public String modelVersion() {
        return scorer.modelName() + ":" + scorer.modelVersion();
    }
}
