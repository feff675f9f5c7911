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
    /** Accumulated count-aware evidence ({@link io.auspex.models.evidence.CountEvidence}), in -log10 units; 0 when off. */
    public double countEvidence;
    /** {@link #countEvidence} over its bar, capped at 1: 1 means the service is abnormal by its counts. */
    public double countLevel;
    /** The count test that judged the window most surprising (errors, error_logs, latency_over_Nms), or "". */
    public String countSignal = "";
    /** End of the first window of the current count-evidence accumulation (0 when there is none). */
    public long countOnsetMs;
    /** Largest score of the service's followed metrics ({@link MetricEvidence}), in [0, 1]; 0 when off. */
    public double metricStrength;
    /**
     * The metrics that moved (score at or above the signal threshold), strongest first, each
     * {@code metric:<name>}. Root-cause ranking only, unless {@code auspex.anomaly.metric-evidence.alerts}
     * puts them among {@link #movedSignals} too.
     */
    public String[] metricSignals = new String[0];
    /** Metrics of the window the include list admits but the per-service bound leaves unfollowed. */
    public int metricsUnfollowed;
    public String[] exemplarTraceIds = new String[0];
    public String[] errorLogTemplates = new String[0];

    public ServiceEvidence() {}

    @Override
    public String toString() {
        return service + "@" + windowEndMs + " strength=" + strength + " model=" + modelScore + " moved="
                + Arrays.toString(movedSignals) + " onset=" + Arrays.toString(onsetSignals)
                + " count=" + countEvidence + (countSignal.isEmpty() ? "" : "(" + countSignal + ")")
                + (metricStrength > 0 ? " metric=" + metricStrength + Arrays.toString(metricSignals) : "");
    }
}
