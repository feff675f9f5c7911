package io.auspex.models.detector;

import smile.math.special.Erf;

/**
 * One component's anomaly likelihood: the running mean and variance of {@code log(1 + residual)}
 * over about {@code calibrationRows} rows give a Gaussian tail probability (Smile's {@code erfc}).
 * Once warm, the first {@value #CLIPPED_OUTLIERS_IN_A_ROW} outliers in a row (more than
 * {@value #CLIP} standard deviations) are learned as {@value #CLIP}-sigma values, so a spike or a
 * pair of spikes does not widen what is normal; from the next one on, the run is a new regime and
 * is learned in full.
 *
 * <p>State: {@code calibrationMean[c]}, {@code calibrationVar[c]}, {@code calibrationCount[c]} and
 * {@code calibrationOutlierRun[c]} of {@link DetectorState} (see {@link Mapper}).
 */
final class Calibration {

    /** Largest value, in standard deviations above the mean, a calibration learns from one row. */
    static final double CLIP = 3.0;
    /** Outliers in a row learned as {@link #CLIP} values; from the next one on, in full. */
    static final int CLIPPED_OUTLIERS_IN_A_ROW = 2;
    /** Smallest standard deviation of log(1 + residual) the calibration trusts. */
    static final double MIN_SD = 0.1;
    private static final double SQRT2 = Math.sqrt(2.0);

    private double mean;
    private double var;
    private long count;
    private int outlierRun;

    /** Rows learned so far. */
    long count() {
        return count;
    }

    /** Tail probability of {@code u} under the running distribution (1 for the first row), then learns {@code u}. */
    double tailThenLearn(double u, int warmupRows, int calibrationRows) {
        long n = ++count;
        double tail = 1.0;
        if (n > 1) {
            double z = (u - mean) / sd();
            tail = 0.5 * Erf.erfc(z / SQRT2);
        }
        double a = Math.max(1.0 / n, 1.0 / calibrationRows);
        double cap = mean + CLIP * sd();
        double learned = u;
        boolean outlier = n > warmupRows && u > cap;
        if (outlier && outlierRun < CLIPPED_OUTLIERS_IN_A_ROW) {
            learned = cap;
        }
        outlierRun = outlier ? Math.min(outlierRun + 1, CLIPPED_OUTLIERS_IN_A_ROW) : 0;
        double delta = learned - mean;
        mean += a * delta;
        var = (1 - a) * (var + a * delta * delta);
        return tail;
    }

    private double sd() {
        return Math.max(Math.sqrt(var), MIN_SD);
    }

    /** Between a calibration and its slot {@code c} of a current-layout {@link DetectorState}. */
    static final class Mapper {

        private Mapper() {
        }

        static void toState(Calibration model, DetectorState s, int c) {
            s.calibrationMean[c] = model.mean;
            s.calibrationVar[c] = model.var;
            s.calibrationCount[c] = model.count;
            s.calibrationOutlier[c] = model.outlierRun > 0;
            s.calibrationOutlierRun[c] = model.outlierRun;
        }

        static Calibration toModel(DetectorState s, int c) {
            int run = s.calibrationOutlierRun[c];
            if (run < 0 || run > CLIPPED_OUTLIERS_IN_A_ROW) {
                throw new IllegalArgumentException("detector state field calibrationOutlierRun has " + run
                        + ", expected 0 to " + CLIPPED_OUTLIERS_IN_A_ROW);
            }
            Calibration model = new Calibration();
            model.mean = s.calibrationMean[c];
            model.var = s.calibrationVar[c];
            model.count = s.calibrationCount[c];
            model.outlierRun = run;
            return model;
        }
    }
}
