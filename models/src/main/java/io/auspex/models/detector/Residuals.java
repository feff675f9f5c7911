package io.auspex.models.detector;

/**
 * The two residual components, each in units of its own robust scale (an exponentially weighted
 * mean absolute residual, residuals above {@value #SCALE_CLIP} scales clipped when the scale
 * learns):
 * <ul>
 *   <li><b>point</b>: distance of the deseasonalized value (the value minus the daily profile's
 *       deviation from its own mean) from a short-term exponentially weighted level;</li>
 *   <li><b>season</b>: distance from a time-of-day profile (one exponentially weighted mean per
 *       bucket of the UTC day, predicting once a bucket has seen {@value #SEASON_READY_ROWS} rows).</li>
 * </ul>
 * A long-term level and spread set a floor under both scales (flat series).
 *
 * <p>State: {@code level}, {@code levelScale}, {@code longMean}, {@code longAbsDev},
 * {@code seasonScale}, {@code seasonMean} and {@code seasonCount} of {@link DetectorState} (see
 * {@link Mapper}).
 */
final class Residuals {

    static final int POINT = 0;
    static final int SEASON = 1;
    static final int COMPONENTS = 2;
    /** Residuals larger than this many scales update the scale as if they were this large. */
    static final double SCALE_CLIP = 5.0;
    /** A daily-profile bucket predicts once it has seen this many rows. */
    static final int SEASON_READY_ROWS = 3;
    private static final int SECONDS_PER_DAY = 86_400;

    private final DetectorConfig config;
    private double level;
    private double levelScale;
    private double longMean;
    private double longAbsDev;
    private double seasonScale;
    private final double[] seasonMean;
    private final int[] seasonCount;

    /** This row's residual per component, in scales (valid where {@link #active} is set). */
    final double[] residual = new double[COMPONENTS];
    /** Whether the component measured this row (the season component waits for its bucket). */
    final boolean[] active = new boolean[COMPONENTS];

    Residuals(DetectorConfig config) {
        this.config = config;
        this.seasonMean = new double[config.seasonBuckets()];
        this.seasonCount = new int[config.seasonBuckets()];
    }

    /** The first row of a series: it starts the level and the long-term mean and measures nothing. */
    void first(long epochSecond, double value) {
        level = value;
        longMean = value;
        updateSeason(epochSecond, value);
    }

    /**
     * Measures and learns a later row: fills {@link #residual} and {@link #active}.
     *
     * @param rows rows seen, this one included
     * @param seasonCalibrated rows the season component's calibration has seen before this one
     */
    void observe(long epochSecond, double value, long rows, long seasonCalibrated) {
        double floor = 1e-9 * (1.0 + Math.abs(longMean)) + 1e-3 * longAbsDev;

        // the point component works on the deseasonalized value, so a regular daily jump is not a point anomaly
        double prediction = seasonPrediction(epochSecond);
        double deseasonalized = Double.isNaN(prediction)
                ? value
                : value - (prediction - seasonProfileMean());

        double pointError = Math.abs(deseasonalized - level);
        residual[POINT] = pointError / (levelScale + floor);
        active[POINT] = true;
        levelScale = updateScale(levelScale, pointError, config.scaleAlpha(), floor, rows - 1);
        level += config.levelAlpha() * (deseasonalized - level);

        active[SEASON] = !Double.isNaN(prediction);
        if (active[SEASON]) {
            double seasonError = Math.abs(value - prediction);
            residual[SEASON] = seasonError / (seasonScale + floor);
            seasonScale = updateScale(seasonScale, seasonError, config.scaleAlpha(), floor, seasonCalibrated + 1);
        }
        updateSeason(epochSecond, value);

        // long-term level and spread: they set the floor under the residual scales
        longAbsDev = updateScale(longAbsDev, Math.abs(value - longMean), config.longAlpha(), floor, rows - 1);
        longMean += config.longAlpha() * (value - longMean);
    }

    /**
     * Robust exponentially weighted mean absolute residual; a plain running mean over its first
     * {@code warmupRows} residuals. The clip is relative to the scale plus the floor, so a scale
     * that shrank to nothing on a flat stretch can still grow again.
     *
     * @param count how many residuals this scale has seen, this one included
     */
    private double updateScale(double scale, double error, double alpha, double floor, long count) {
        if (count <= config.warmupRows()) {
            double a = Math.max(alpha, 1.0 / count);
            return scale + a * (error - scale);
        }
        return scale + alpha * (Math.min(error, SCALE_CLIP * (scale + floor)) - scale);
    }

    /** The daily profile's value for this time of day, or NaN while its bucket has seen too few rows. */
    private double seasonPrediction(long epochSecond) {
        int bucket = seasonBucket(epochSecond);
        return seasonCount[bucket] < SEASON_READY_ROWS ? Double.NaN : seasonMean[bucket];
    }

    private void updateSeason(long epochSecond, double value) {
        int bucket = seasonBucket(epochSecond);
        int count = ++seasonCount[bucket];
        double a = Math.max(config.seasonAlpha(), 1.0 / count);
        seasonMean[bucket] += a * (value - seasonMean[bucket]);
    }

    /** Mean of the buckets that predict (at least one does when this is called). */
    private double seasonProfileMean() {
        double sum = 0;
        int ready = 0;
        for (int b = 0; b < seasonMean.length; b++) {
            if (seasonCount[b] >= SEASON_READY_ROWS) {
                sum += seasonMean[b];
                ready++;
            }
        }
        return sum / ready;
    }

    private int seasonBucket(long epochSecond) {
        return (int) (Math.floorMod(epochSecond, (long) SECONDS_PER_DAY) * seasonMean.length / SECONDS_PER_DAY);
    }

    /** Between the residual components and a current-layout {@link DetectorState}. */
    static final class Mapper {

        private Mapper() {
        }

        static void toState(Residuals model, DetectorState s) {
            s.level = model.level;
            s.levelScale = model.levelScale;
            s.longMean = model.longMean;
            s.longAbsDev = model.longAbsDev;
            s.seasonScale = model.seasonScale;
            s.seasonMean = model.seasonMean.clone();
            s.seasonCount = model.seasonCount.clone();
        }

        static Residuals toModel(DetectorState s, DetectorConfig config) {
            StreamingDetector.requireLength("seasonMean", s.seasonMean == null ? -1 : s.seasonMean.length,
                    config.seasonBuckets());
            StreamingDetector.requireLength("seasonCount", s.seasonCount == null ? -1 : s.seasonCount.length,
                    config.seasonBuckets());
            Residuals model = new Residuals(config);
            model.level = s.level;
            model.levelScale = s.levelScale;
            model.longMean = s.longMean;
            model.longAbsDev = s.longAbsDev;
            model.seasonScale = s.seasonScale;
            System.arraycopy(s.seasonMean, 0, model.seasonMean, 0, model.seasonMean.length);
            System.arraycopy(s.seasonCount, 0, model.seasonCount, 0, model.seasonCount.length);
            return model;
        }
    }
}
