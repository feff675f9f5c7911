package io.auspex.jobs.anomaly;

import io.auspex.schemas.ServiceSignals;
import java.io.Serializable;

/** A multivariate model that scores one service window (see {@link ModelWindowScorer}). */
public interface WindowScorer extends Serializable {
    /** Called once per parallel instance before the first score. */
    void open() throws Exception;

    /** Score in [0, 1]. */
    double score(ServiceSignals signals);

    /** Is this score above the model's threshold? */
    boolean isAnomalous(double score);

    /** Version of the loaded model, for alert annotations. */
    String modelVersion();
}
