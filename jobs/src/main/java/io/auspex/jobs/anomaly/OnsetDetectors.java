package io.auspex.jobs.anomaly;

import io.auspex.models.detector.DetectorState;
import io.auspex.models.detector.StreamingDetector;
import io.auspex.schemas.ServiceSignals;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * Runs the project's streaming univariate detector ({@link StreamingDetector}, docs/detector.md,
 * the one {@code score-series} runs) on every golden signal of a service. It scores the
 * <em>onset</em> of a move sharply and then goes quiet, which says which signals moved first;
 * {@link SignalBaselines} says how strongly and for how long they stay moved.
 *
 * <p>The detectors are kept as objects in the service's keyed state ({@link #descriptor()}, typed by
 * {@link OnsetDetectorsSerializer}, which writes each detector's versioned
 * {@link DetectorState#toBytes()} only when the backend serializes): a window scores them in place.
 * Savepoints of releases that kept the detectors as bytes in {@link SignalBaselines.BaselineState#detectors}
 * are still read: {@link #of(SignalBaselines.BaselineState)} moves them into the typed state on the
 * service's first window after the restore.
 */
public final class OnsetDetectors {
    /** Name of the keyed state holding a service's detectors. */
    public static final String STATE_NAME = "onset-detectors";

    private OnsetDetectors() {}

    /** The keyed state of a service's detectors, one per {@link SignalBaselines#SIGNALS} entry. */
    public static ValueStateDescriptor<StreamingDetector[]> descriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, OnsetDetectorsSerializer.INSTANCE);
    }

    /**
     * The service's detectors when its typed state is empty: those of an older savepoint's byte form
     * in {@code baselines.detectors} (then cleared there), else new ones.
     */
    public static StreamingDetector[] of(SignalBaselines.BaselineState baselines) {
        int n = SignalBaselines.SIGNALS.length;
        StreamingDetector[] detectors = new StreamingDetector[n];
        byte[][] legacy = baselines.detectors;
        for (int i = 0; i < n; i++) {
            detectors[i] = legacy != null && legacy.length == n && legacy[i] != null
                    ? StreamingDetector.restore(DetectorState.fromBytes(legacy[i]))
                    : new StreamingDetector();
        }
        baselines.detectors = null;
        return detectors;
    }

    /** Scores {@code s} with the service's detectors, which learn it in place. */
    public static double[] score(StreamingDetector[] detectors, ServiceSignals s) {
        long second = s.getWindowEndMs() / 1000;
        double[] scores = new double[detectors.length];
        for (int i = 0; i < detectors.length; i++) {
            // no request, no latency or error ratio: the detector neither scores nor learns a 0
            scores[i] = SignalBaselines.measured(s, i) ? detectors[i].score(second, SignalBaselines.value(s, i)) : 0.0;
        }
        return scores;
    }

    /**
     * The byte form of earlier releases, kept for the migration test and the pipeline benchmark:
     * restores each detector from {@code state.detectors}, scores, and writes the bytes back.
     */
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
