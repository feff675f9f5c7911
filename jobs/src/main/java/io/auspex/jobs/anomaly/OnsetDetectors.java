package io.auspex.jobs.anomaly;

import io.auspex.models.detector.DetectorState;
import io.auspex.models.detector.StreamingDetector;
import io.auspex.schemas.ServiceSignals;

/**
 * Runs the project's streaming univariate detector ({@link StreamingDetector}, docs/detector.md,
 * the one {@code score-series} runs) on every golden signal of a service. It scores the
 * <em>onset</em> of a move sharply and then goes quiet, which says which signals moved first;
 * {@link SignalBaselines} says how strongly and for how long they stay moved.
 *
 * <p>Each detector's state is kept as its versioned bytes ({@link DetectorState#toBytes()}) in the
 * service's {@link SignalBaselines.BaselineState}, so a detector state upgrade is read, not lost.
 */
public final class OnsetDetectors {
    private OnsetDetectors() {}

    /** Scores {@code s} with the service's detectors (created on first use) and updates their state. */
    public static double[] scoreAndUpdate(SignalBaselines.BaselineState state, ServiceSignals s) {
        int n = SignalBaselines.SIGNALS.length;
        if (state.detectors == null || state.detectors.length != n) {
            state.detectors = new byte[n][];
        }
        long second = s.getWindowEndMs() / 1000;
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            StreamingDetector d = state.detectors[i] == null ? new StreamingDetector()
                    : StreamingDetector.restore(DetectorState.fromBytes(state.detectors[i]));
            scores[i] = d.score(second, SignalBaselines.value(s, i));
            state.detectors[i] = d.snapshot().toBytes();
        }
        return scores;
    }
}
