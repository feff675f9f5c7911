package io.auspex.models.detector;

/**
 * The density component: the rate of unusual rows over about {@code densityRows} rows against its
 * long-run rate (over about {@code calibrationRows} rows, at least {@link #UNUSUAL_P}); when the
 * recent rate is higher, its probability is the Chernoff bound
 * {@code exp(-densityRows * KL(recent || long-run))}. Silent for its first {@code warmupRows} rows.
 *
 * <p>State: {@code densityRows}, {@code unusualShortRate}, {@code unusualLongRate} and
 * {@code unusualCount} of {@link DetectorState} (see {@link Mapper}).
 */
final class DensityRate {

    /**
     * A row is unusual when the point and season components' corrected tail probability is below
     * this (about three standard deviations); it is also the smallest long-run rate assumed.
     */
    static final double UNUSUAL_P = 0.003;

    private double shortRate;
    private double longRate;
    private long count;

    /**
     * Learns whether this row is unusual (corrected point/season probability {@code p}) and returns
     * the component's tail probability for it, or NaN while it is silent.
     */
    double observe(double p, DetectorConfig config) {
        double unusual = p < UNUSUAL_P ? 1.0 : 0.0;
        shortRate += (unusual - shortRate) / config.densityRows();
        long n = ++count;
        double tail = Double.NaN;
        if (n > config.warmupRows()) {
            tail = tail(shortRate, Math.max(longRate, UNUSUAL_P), config.densityRows());
        }
        longRate += Math.max(1.0 / n, 1.0 / config.calibrationRows()) * (unusual - longRate);
        return tail;
    }

    /**
     * Chernoff bound on the probability that {@code rows} rows, each unusual with probability
     * {@code longRate}, show a rate of at least {@code recentRate}: {@code exp(-rows * KL)}, with
     * KL the relative entropy of the two Bernoulli rates; 1 when the recent rate is not higher.
     */
    static double tail(double recentRate, double longRate, int rows) {
        if (!(recentRate > longRate)) {
            return 1.0;
        }
        double q = Math.min(recentRate, 1.0);
        double kl = q * Math.log(q / longRate);
        if (q < 1.0) {
            // the term vanishes at q = 1
            kl += (1 - q) * Math.log((1 - q) / (1 - longRate));
        }
        return Math.exp(-rows * kl);
    }

    /** Between the density component and a current-layout {@link DetectorState}. */
    static final class Mapper {

        private Mapper() {
        }

        static void toState(DensityRate model, DetectorState s) {
            s.unusualShortRate = model.shortRate;
            s.unusualLongRate = model.longRate;
            s.unusualCount = model.count;
        }

        static DensityRate toModel(DetectorState s) {
            if (s.unusualCount < 0 || !(s.unusualShortRate >= 0 && s.unusualShortRate <= 1)
                    || !(s.unusualLongRate >= 0 && s.unusualLongRate <= 1)) {
                throw new IllegalArgumentException("detector state has a negative count or a rate outside [0, 1]");
            }
            DensityRate model = new DensityRate();
            model.shortRate = s.unusualShortRate;
            model.longRate = s.unusualLongRate;
            model.count = s.unusualCount;
            return model;
        }
    }
}
