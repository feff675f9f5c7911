package io.auspex.jobs.anomaly;

import java.util.Arrays;

/**
 * Anomaly evidence of one service in one window: how strongly its signals moved, which ones,
 * the model's score, and pointers for a human (failing trace ids, newest error templates).
 */
public class ServiceEvidence {
    public String service;
    public long windowEndMs;
    /** Max per-signal score, in [0, 1]. */
    public double strength;
    /** Model anomaly score in [0, 1] (NaN when no model is loaded). */
    public double modelScore;
    public boolean modelAnomalous;
    public String[] movedSignals = new String[0];
    /** Signals whose move began in this window, per the streaming detector (docs/detector.md). */
    public String[] onsetSignals = new String[0];
    public String[] exemplarTraceIds = new String[0];
    public String[] errorLogTemplates = new String[0];

    public ServiceEvidence() {}

    @Override
    public String toString() {
        return service + "@" + windowEndMs + " strength=" + strength + " model=" + modelScore + " moved="
                + Arrays.toString(movedSignals) + " onset=" + Arrays.toString(onsetSignals);
    }
}
