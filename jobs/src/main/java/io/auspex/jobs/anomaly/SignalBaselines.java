package io.auspex.jobs.anomaly;

import io.auspex.schemas.ServiceSignals;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming per-signal baselines of one service: for each golden signal an exponentially
 * weighted mean and mean absolute deviation. A window's value is scored by how many deviations it
 * lies from the baseline, in the signal's bad direction, mapped to [0, 1]:
 * {@code score = clamp((z - Z_LOW) / (Z_HIGH - Z_LOW), 0, 1)}.
 *
 * <p>Floors keep quiet signals from scoring on noise: the deviation is at least
 * {@link #RELATIVE_FLOOR} of the mean, and for the error ratio at least the binomial standard
 * error {@code sqrt(max(p, 0.001) / n)}. While a value scores, the baseline adapts slowly
 * (weight {@link #ALPHA_ANOMALOUS}) so an incident is not absorbed within minutes; an enduring
 * level shift is absorbed over about an hour.
 */
public final class SignalBaselines {
    /** The signals, in state order. */
    public static final String[] SIGNALS = {
        "traffic_rps", "error_ratio", "latency_p50_ms", "latency_p99_ms", "saturation", "error_log_count"
    };
    /** +1: only a rise is bad; 0: both directions. */
    private static final int[] DIRECTION = {0, 1, 1, 1, 1, 1};
    public static final double ALPHA = 0.02;
    public static final double ALPHA_ANOMALOUS = 0.002;
    public static final double RELATIVE_FLOOR = 0.10;
    public static final double Z_LOW = 4.0;
    public static final double Z_HIGH = 8.0;
    /** Windows seen before any score is given. */
    public static final int WARM_UP = 30;

    private SignalBaselines() {}

    static double value(ServiceSignals s, int i) {
        return switch (i) {
            case 0 -> s.getTrafficRps();
            case 1 -> s.getErrorRatio();
            case 2 -> s.getLatencyP50Ms();
            case 3 -> s.getLatencyP99Ms();
            case 4 -> s.getSaturation();
            default -> s.getErrorLogCount();
        };
    }

    /** Whether signal {@code i} has a value in {@code s}: error ratio and latency need a request. */
    static boolean measured(ServiceSignals s, int i) {
        return s.getRequestCount() > 0 || (i != 1 && i != 2 && i != 3);
    }

    /** Scores {@code s} against {@code state}, then folds it into the state. Returns per-signal scores. */
    public static double[] scoreAndUpdate(BaselineState state, ServiceSignals s) {
        int n = SIGNALS.length;
        if (state.mean == null) {
            state.mean = new double[n];
            state.dev = new double[n];
        }
        double[] scores = new double[n];
        boolean warm = state.count >= WARM_UP;
        for (int i = 0; i < n; i++) {
            if (!measured(s, i)) {
                // a window without requests has no error ratio or latency: 0 is not a value to learn
                continue;
            }
            double x = value(s, i);
            if (state.count == 0) {
                state.mean[i] = x;
                state.dev[i] = 0;
                continue;
            }
            double m = state.mean[i];
            double floor = Math.abs(m) * RELATIVE_FLOOR;
            if (i == 1) {
                floor = Math.max(floor, Math.sqrt(Math.max(m, 0.001) / Math.max(1, s.getRequestCount())));
            }
            if (i == 4) {
                floor = Math.max(floor, 0.02);
            }
            if (i == 5) {
                floor = Math.max(floor, 1.0);
            }
            double scale = Math.max(state.dev[i] * 1.25, floor);
            double z = (x - m) / (scale > 0 ? scale : 1e-9);
            if (DIRECTION[i] == 0) {
                z = Math.abs(z);
            }
            double score = warm ? clamp((z - Z_LOW) / (Z_HIGH - Z_LOW)) : 0.0;
            scores[i] = score;
            double a = score > 0 ? ALPHA_ANOMALOUS : (warm ? ALPHA : Math.max(ALPHA, 1.0 / (state.count + 1)));
            state.mean[i] = m + a * (x - m);
            state.dev[i] = state.dev[i] + a * (Math.abs(x - m) - state.dev[i]);
        }
        state.count++;
        return scores;
    }

    /** Names of the signals whose score is at or above {@code threshold}, strongest first. */
    public static List<String> moved(double[] scores, double threshold) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= threshold) {
                idx.add(i);
            }
        }
        idx.sort((a, b) -> Double.compare(scores[b], scores[a]));
        List<String> names = new ArrayList<>(idx.size());
        for (int i : idx) {
            names.add(SIGNALS[i]);
        }
        return names;
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    /** Flink POJO state of the baselines of one service. */
    public static class BaselineState {
        public long count;
        public double[] mean;
        public double[] dev;
        public long lastWindowEndMs;
        /**
         * Until savepoints of the byte form are read: the versioned bytes of the {@link OnsetDetectors}
         * state of each signal, in {@link #SIGNALS} order. The job now keeps the detectors in their own
         * typed state ({@link OnsetDetectors#descriptor()}); a value found here is moved there on the
         * service's first window after a restore and set to null.
         */
        public byte[][] detectors;

        public BaselineState() {}
    }
}
