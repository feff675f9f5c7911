package io.auspex.models.detector;

import smile.math.special.Erf;

/**
 * A streaming univariate anomaly detector: one value at a time, bounded state, no look-ahead.
 *
 * <p>Two components measure how far the new value is from what they expect, in units of their
 * own robust residual scale (an exponentially weighted mean absolute residual, with residuals
 * clipped at five scales so an outlier does not inflate it):
 * <ul>
 *   <li><b>point</b>: distance from a short-term exponentially weighted level (spikes, steps);</li>
 *   <li><b>season</b>: distance from a time-of-day profile learned online (broken daily patterns).</li>
 * </ul>
 * Each component's residual goes through its own anomaly-likelihood calibration: the running
 * distribution of {@code log(1 + residual)} over about {@code calibrationRows} rows gives a
 * Gaussian tail probability (Smile's {@code erfc}), so a residual is judged against what is usual
 * for this series. A third component, <b>density</b>, watches how often rows are unusual (their
 * corrected probability under {@value #UNUSUAL_P}): when the rate over the last {@code densityRows}
 * rows exceeds its long-run rate, its probability is the Chernoff bound
 * {@code exp(-densityRows * KL(recent || long-run))} (spikes that come more often, a burst of
 * volatility). The smallest probability, Bonferroni-corrected for the number of components,
 * becomes a surprise {@code s = -log10(p)}.
 *
 * <p>The score is the <em>novelty</em> of that surprise: how far it exceeds a peak that remembers
 * the largest recent surprises and decays by a factor {@code exp(-elapsed / noveltyDays)} with the
 * time elapsed since the previous row (so the memory is the same at every cadence, and a gap in the
 * data lets it decay). A row that exceeds
 * the peak raises it by half the excess; other rows let it decay. So the first row of an anomaly
 * scores, the rows that follow (no more surprising) score 0, a level shift scores once and is then
 * absorbed by the level, and a series whose ordinary noise is spiky learns a high bar. The score
 * is {@code e / (e + halfScoreSurprise)} for an excess {@code e} in decades of probability: in
 * [0, 1), 0.5 meaning "a hundred times less likely than anything recently seen" with the default
 * {@code halfScoreSurprise} of 2, on every series. Beside the peak, an <b>aftershock bar</b> holds
 * the whole surprise of the last scoring row, decaying by e per {@code aftershockHours}, so the
 * rows that follow one event do not score again.
 *
 * <p><b>Records</b> give a second, scale-free reading: the value, or the mean of the last three
 * values, beyond the range of the last {@code recordDays} days (daily buckets) by more than
 * {@code recordTolerance} of that range's width scores {@code f / (f + 2 * recordTolerance)},
 * {@code f} being the distance beyond the range in range widths, when the row is also improbable
 * among the range's rows ({@code p * rows <= 1}, so plain noise's ever rarer new extremes do not
 * count), the range has held for {@value #RECORD_SETTLE_ROWS} rows and covers a day. In a spiky
 * series an incident is often no more surprising than ordinary spikes, yet further out than
 * anything in a month. The score is the larger of the two readings.
 *
 * <p>The first {@code warmupRows} rows score 0 and do not touch the peak (their calibration is
 * immature). Not thread-safe; one instance per series. The saved form is {@link DetectorState}.
 */
public final class StreamingDetector {

    private static final int COMPONENTS = 2;
    private static final int POINT = 0;
    private static final int SEASON = 1;
    /** Residuals larger than this many scales update the scale as if they were this large. */
    private static final double SCALE_CLIP = 5.0;
    /** Largest value, in standard deviations above the mean, a calibration learns from one row. */
    private static final double CALIBRATION_CLIP = 3.0;
    /**
     * Outliers of a calibration in a row that are learned as {@link #CALIBRATION_CLIP} values; from
     * the next one on, a run of outliers is a new regime and is learned in full.
     */
    static final int CLIPPED_OUTLIERS_IN_A_ROW = 2;
    /** Smallest standard deviation of log(1 + residual) the calibration trusts. */
    private static final double MIN_CALIBRATION_SD = 0.1;
    /** A daily-profile bucket predicts once it has seen this many rows. */
    private static final int SEASON_READY_ROWS = 3;
    /**
     * A row is unusual, for the density component, when the point and season components'
     * corrected tail probability is below this (about three standard deviations); it is also the
     * smallest long-run rate the density component assumes.
     */
    static final double UNUSUAL_P = 0.003;
    private static final double MAX_SURPRISE = 300.0;
    private static final double MAX_MAGNITUDE = 1e150;
    /**
     * When a row's surprise exceeds the peak, the peak rises by this fraction of the excess: an
     * anomaly raises the bar for the next one, but only halfway, so a second anomaly as strong as
     * the first still scores.
     */
    private static final double PEAK_ABSORPTION = 0.5;
    private static final double SQRT2 = Math.sqrt(2.0);
    private static final int SECONDS_PER_DAY = 86_400;
    /** Record views: the value itself, and the mean of the last {@link #RECORD_MEAN_ROWS} values. */
    static final int RECORD_VIEWS = 2;
    private static final int VALUE_VIEW = 0;
    private static final int MEAN_VIEW = 1;
    /** Rows in the short average whose records count too (a rise over a few rows, not one spike). */
    static final int RECORD_MEAN_ROWS = 3;
    /**
     * A record scores only when the range it breaks has not widened for this many rows: new extremes
     * that follow each other closely are one excursion (or a new regime) and score once at most.
     */
    static final int RECORD_SETTLE_ROWS = 20;
    /**
     * A record scores 0.5 when it lies this many tolerances beyond the range (so one just past the
     * tolerance scores 1/3).
     */
    static final double RECORD_HALF_SCORE_TOLERANCES = 2.0;
    /**
     * Days the record range must cover before the sustained-level view speaks: over a day or two,
     * the lows of plain noise still set new highs now and then.
     */
    static final int SUSTAINED_MIN_DAYS = 3;
    /** The day of a daily record bucket that holds nothing. */
    static final int EMPTY_DAY = Integer.MIN_VALUE;
    /** {@code rowsSinceWidening} before any row (and its cap). */
    static final long NO_RECORD_YET = Long.MAX_VALUE / 2;

    private final DetectorConfig config;

    private long rows;
    private double level;
    private double levelScale;
    private double longMean;
    private double longAbsDev;
    private double seasonScale;
    private final double[] seasonMean;
    private final int[] seasonCount;
    private final double[] calibrationMean = new double[COMPONENTS];
    private final double[] calibrationVar = new double[COMPONENTS];
    private final long[] calibrationCount = new long[COMPONENTS];
    /** Per component: how many rows in a row, up to {@link #CLIPPED_OUTLIERS_IN_A_ROW}, were outliers. */
    private final int[] calibrationOutlierRun = new int[COMPONENTS];
    private double unusualShortRate;
    private double unusualLongRate;
    private long unusualCount;
    private double peakSurprise;
    /** The previous row's time, or {@link DetectorState#NO_TIME} before the first row. */
    private long lastEpochSecond = DetectorState.NO_TIME;
    private final double noveltySeconds;
    private final double aftershockSeconds;
    /** The whole surprise of the last scoring row, decaying by e per {@code aftershockHours}. */
    private double aftershockBar;
    /** Records: rows seen, rows since a range last widened, the previous values (newest first), the latest day. */
    private long recordRows;
    private long rowsSinceWidening = NO_RECORD_YET;
    private final double[] recentValues = new double[RECORD_MEAN_ROWS - 1];
    private int recordLatestDay = EMPTY_DAY;
    /**
     * When the current record range began (its first row's time): records score only once it
     * covers a day, so a daily wave's first day is not a string of records.
     */
    private long recordSince = DetectorState.NO_TIME;
    /** Per daily bucket: its day (epoch day, or {@link #EMPTY_DAY}) and the range of each record view. */
    private final int[] recordDay;
    private final double[][] recordMin = new double[RECORD_VIEWS][];
    private final double[][] recordMax = new double[RECORD_VIEWS][];
    /** Per daily bucket: rows in it. */
    private final int[] recordCount;
    /**
     * Sustained-level view of the records: the last {@code sustainedRows} values (newest first), how
     * many of them are filled, and rows since its range last widened.
     */
    private final double[] sustainedValues;
    /** The scores of the last {@code sustainedRows} rows, newest first. */
    private final double[] recentScores;
    private int sustainedCount;
    private long sustainedSinceWidening = NO_RECORD_YET;
    /**
     * Per daily bucket: the highest low and the lowest high of the last {@code sustainedRows} values
     * (NaN when the bucket has none).
     */
    private final double[] recordLowMax;
    private final double[] recordHighMin;
    /** The sustained level's distance beyond its range, in widths of the value range (not state). */
    private double sustainedExcess;
    /** Rows since the sustained range widened, before the current row (not state). */
    private long sustainedSinceWideningBefore;
    /** Rows in the record range the current row was compared with (not state: recomputed each row). */
    private long recordRangeRows;
    /** Each view's range over the last {@code recordDays} days before the current row (not state). */
    private final double[] rangeLo = new double[RECORD_VIEWS];
    private final double[] rangeHi = new double[RECORD_VIEWS];
    /** Rows since a range widened, before the current row (not state). */
    private long rowsSinceWideningBefore;

    private final double[] residual = new double[COMPONENTS];
    private final boolean[] active = new boolean[COMPONENTS];

    public StreamingDetector() {
        this(DetectorConfig.DEFAULTS);
    }

    public StreamingDetector(DetectorConfig config) {
        this.config = config;
        this.seasonMean = new double[config.seasonBuckets()];
        this.seasonCount = new int[config.seasonBuckets()];
        this.noveltySeconds = config.noveltyDays() * SECONDS_PER_DAY;
        this.aftershockSeconds = config.aftershockHours() * 3600.0;
        this.recordDay = new int[config.recordDays()];
        this.recordCount = new int[config.recordDays()];
        java.util.Arrays.fill(recordDay, EMPTY_DAY);
        this.sustainedValues = new double[config.sustainedRows()];
        this.recentScores = new double[config.sustainedRows()];
        this.recordLowMax = new double[config.recordDays()];
        this.recordHighMin = new double[config.recordDays()];
        java.util.Arrays.fill(recordLowMax, Double.NaN);
        java.util.Arrays.fill(recordHighMin, Double.NaN);
        for (int v = 0; v < RECORD_VIEWS; v++) {
            recordMin[v] = new double[config.recordDays()];
            recordMax[v] = new double[config.recordDays()];
        }
    }

    public DetectorConfig config() {
        return config;
    }

    /** Rows seen so far. */
    public long rows() {
        return rows;
    }

    /**
     * Learns the value and returns its anomaly score in [0, 1), computed only from this and
     * earlier values.
     *
     * @param epochSecond the row's time, seconds since the epoch (UTC); used for the daily profile,
     *     the record days and the decays; a time earlier than the previous row's is taken as the
     *     previous row's (time never runs backwards inside the detector)
     * @param rawValue the row's value, finite; magnitudes above 1e150 are treated as 1e150
     */
    public double score(long epochSecond, double rawValue) {
        if (!Double.isFinite(rawValue)) {
            throw new IllegalArgumentException("value must be finite, got " + rawValue);
        }
        // keep differences of values finite; no telemetry value comes near this
        double value = Math.max(-MAX_MAGNITUDE, Math.min(MAX_MAGNITUDE, rawValue));
        rows++;
        // Time never runs backwards inside the detector: a row stamped earlier than the latest row
        // (a clock step back, rows out of order) is taken at the latest time; it decays nothing and
        // lands in the latest time-of-day bucket and record day.
        if (lastEpochSecond != DetectorState.NO_TIME && epochSecond < lastEpochSecond) {
            epochSecond = lastEpochSecond;
        }
        long elapsed = lastEpochSecond == DetectorState.NO_TIME ? 0 : epochSecond - lastEpochSecond;
        lastEpochSecond = epochSecond;
        double record = record(epochSecond, value);
        if (rows == 1) {
            level = value;
            longMean = value;
            updateSeason(epochSecond, value);
            return 0.0;
        }
        double floor = 1e-9 * (1.0 + Math.abs(longMean)) + 1e-3 * longAbsDev;
        boolean warm = rows > config.warmupRows();

        // The point component works on the deseasonalized value: the daily profile's deviation
        // from its own mean is taken out, so a regular daily jump is not a point anomaly.
        double prediction = seasonPrediction(epochSecond);
        double deseasonalized = Double.isNaN(prediction)
                ? value
                : value - (prediction - seasonProfileMean());

        // point: distance from the short-term level
        double pointError = Math.abs(deseasonalized - level);
        residual[POINT] = pointError / (levelScale + floor);
        active[POINT] = true;
        levelScale = updateScale(levelScale, pointError, config.scaleAlpha(), floor, rows - 1);
        level += config.levelAlpha() * (deseasonalized - level);

        // season: distance from the time-of-day profile
        active[SEASON] = !Double.isNaN(prediction);
        if (active[SEASON]) {
            double seasonError = Math.abs(value - prediction);
            residual[SEASON] = seasonError / (seasonScale + floor);
            seasonScale = updateScale(seasonScale, seasonError, config.scaleAlpha(), floor,
                    calibrationCount[SEASON] + 1);
        }
        updateSeason(epochSecond, value);

        // long-term level and spread: they set the floor under the residual scales
        longAbsDev = updateScale(longAbsDev, Math.abs(value - longMean), config.longAlpha(), floor,
                rows - 1);
        longMean += config.longAlpha() * (value - longMean);

        double minTail = 1.0;
        int activeCount = 0;
        for (int c = 0; c < COMPONENTS; c++) {
            if (active[c]) {
                activeCount++;
                minTail = Math.min(minTail, calibrate(c, Math.log1p(residual[c])));
            }
        }
        double p = Math.min(1.0, minTail * activeCount);
        double pointSeasonP = p;

        // density: the recent rate of unusual rows (this one included) against the long-run rate
        double unusual = p < UNUSUAL_P ? 1.0 : 0.0;
        unusualShortRate += (unusual - unusualShortRate) / config.densityRows();
        long densityCount = ++unusualCount;
        if (densityCount > config.warmupRows()) {
            double densityTail = densityTail(unusualShortRate, Math.max(unusualLongRate, UNUSUAL_P),
                    config.densityRows());
            activeCount++;
            p = Math.min(1.0, Math.min(minTail, densityTail) * activeCount);
        }
        unusualLongRate += Math.max(1.0 / densityCount, 1.0 / config.calibrationRows())
                * (unusual - unusualLongRate);
        double surprise = p <= 0 ? MAX_SURPRISE : Math.min(MAX_SURPRISE, -Math.log10(p));
        if (!warm) {
            // the calibration is still immature: its surprises must not raise the bar for later rows
            return 0.0;
        }
        double previousPeak = peakSurprise;
        double excess = Math.max(0.0, surprise - Math.max(previousPeak, aftershockBar));
        aftershockBar *= Math.exp(-elapsed / aftershockSeconds);
        if (excess > 0) {
            peakSurprise = previousPeak + PEAK_ABSORPTION * excess;
            aftershockBar = Math.max(aftershockBar, surprise);
        } else {
            peakSurprise = Math.max(surprise, previousPeak * Math.exp(-elapsed / noveltySeconds));
        }
        double novelty = excess / (excess + config.halfScoreSurprise());

        // a record with every ambiguity resolved scores too (see recordIsNews)
        double recordScore = 0.0;
        if (record > 0 && recordIsNews(epochSecond, pointSeasonP)) {
            recordScore = record / (record + RECORD_HALF_SCORE_TOLERANCES * config.recordTolerance());
        }
        double sustainedScore = 0.0;
        if (sustainedExcess > 0 && sustainedIsNews(epochSecond)) {
            sustainedScore = sustainedExcess
                    / (sustainedExcess + RECORD_HALF_SCORE_TOLERANCES * config.recordTolerance());
            // an event that already scored as much in the last sustainedRows rows is not news again
            for (double earlier : recentScores) {
                if (earlier >= sustainedScore) {
                    sustainedScore = 0.0;
                    break;
                }
            }
        }
        double score = Math.max(novelty, Math.max(recordScore, sustainedScore));
        if (recentScores.length > 0) {
            System.arraycopy(recentScores, 0, recentScores, 1, recentScores.length - 1);
            recentScores[0] = score;
        }
        return score;
    }


    /**
     * Whether a sustained-level record on this row is news: its range has not widened for
     * {@link #RECORD_SETTLE_ROWS} rows (by any amount, as for the other record views), and the record range has seen {@code warmupRows} rows and
     * {@value #SUSTAINED_MIN_DAYS} days. No probability gate: the level has already held for
     * {@code sustainedRows} rows, which plain noise seldom does beyond a range of several days.
     */
    private boolean sustainedIsNews(long epochSecond) {
        return sustainedSinceWideningBefore >= RECORD_SETTLE_ROWS && recordRows > config.warmupRows()
                && epochSecond - recordSince >= SUSTAINED_MIN_DAYS * SECONDS_PER_DAY;
    }

    /**
     * Whether a record on this row is news rather than noise: the range it breaks has held for
     * {@link #RECORD_SETTLE_ROWS} rows (a range still widening row after row is one excursion, or a
     * new regime, whose start the novelty score marks), has seen {@code warmupRows} rows and a day,
     * and the row is also unlikely among the rows of that range ({@code p * rows <= 1}), so the ever
     * rarer new extremes of plain noise do not count.
     */
    private boolean recordIsNews(long epochSecond, double p) {
        return rowsSinceWideningBefore >= RECORD_SETTLE_ROWS && recordRows > config.warmupRows()
                && epochSecond - recordSince >= SECONDS_PER_DAY && p * recordRangeRows <= 1.0;
    }

    /**
     * How far the value, or the mean of the last {@link #RECORD_MEAN_ROWS} values, lies beyond the
     * range of its view over the last {@code recordDays} days, in widths of that range (0 when
     * within the range widened by {@code recordTolerance} on each side, or while the range has no
     * width); then adds them to today's bucket. The largest of the views counts.
     */
    private double record(long epochSecond, double value) {
        recordRows++;
        // epoch day, clamped to int (a timestamp beyond year 5,000,000 is the caller's bug, not a crash)
        long epochDay = Math.floorDiv(epochSecond, (long) SECONDS_PER_DAY);
        int day = (int) Math.max(recordLatestDay,
                Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, epochDay)));
        recordLatestDay = day;
        double mean = Double.NaN;
        if (recordRows >= RECORD_MEAN_ROWS) {
            double sum = value;
            for (double v : recentValues) {
                sum += v;
            }
            mean = sum / RECORD_MEAN_ROWS;
        }
        System.arraycopy(recentValues, 0, recentValues, 1, recentValues.length - 1);
        recentValues[0] = value;
        // the sustained view: the lowest and highest of the last sustainedRows values, once there are as many
        double sustainedLow = Double.NaN;
        double sustainedHigh = Double.NaN;
        int k = sustainedValues.length;
        if (k > 0) {
            System.arraycopy(sustainedValues, 0, sustainedValues, 1, k - 1);
            sustainedValues[0] = value;
            sustainedCount = Math.min(sustainedCount + 1, k);
            if (sustainedCount == k) {
                sustainedLow = Double.POSITIVE_INFINITY;
                sustainedHigh = Double.NEGATIVE_INFINITY;
                for (double v : sustainedValues) {
                    sustainedLow = Math.min(sustainedLow, v);
                    sustainedHigh = Math.max(sustainedHigh, v);
                }
            }
        }
        double highestLow = Double.NEGATIVE_INFINITY;
        double lowestHigh = Double.POSITIVE_INFINITY;
        // one pass over the buckets of the last recordDays days: rows, and each view's range
        long rangeRows = 0;
        for (int v = 0; v < RECORD_VIEWS; v++) {
            rangeLo[v] = Double.POSITIVE_INFINITY;
            rangeHi[v] = Double.NEGATIVE_INFINITY;
        }
        for (int b = 0; b < recordDay.length; b++) {
            if (recordDay[b] != EMPTY_DAY && recordDay[b] > day - recordDay.length) {
                rangeRows += recordCount[b];
                for (int v = 0; v < RECORD_VIEWS; v++) {
                    if (!Double.isNaN(recordMin[v][b])) {
                        rangeLo[v] = Math.min(rangeLo[v], recordMin[v][b]);
                        rangeHi[v] = Math.max(rangeHi[v], recordMax[v][b]);
                    }
                }
                if (!Double.isNaN(recordLowMax[b])) {
                    highestLow = Math.max(highestLow, recordLowMax[b]);
                    lowestHigh = Math.min(lowestHigh, recordHighMin[b]);
                }
            }
        }
        recordRangeRows = rangeRows;
        if (rangeRows == 0) {
            recordSince = epochSecond;
        }
        boolean widened = widens(VALUE_VIEW, value);
        double beyond = recordExcess(VALUE_VIEW, value);
        if (!Double.isNaN(mean)) {
            widened |= widens(MEAN_VIEW, mean);
            beyond = Math.max(beyond, recordExcess(MEAN_VIEW, mean));
        }
        rowsSinceWideningBefore = rowsSinceWidening;
        rowsSinceWidening = widened ? 0 : Math.min(rowsSinceWidening + 1, NO_RECORD_YET);
        sustainedExcess = 0.0;
        sustainedSinceWideningBefore = 0;
        if (!Double.isNaN(sustainedLow)) {
            // a low above every low of the range (a level that rose and stayed), or a high below every high
            double width = rangeHi[VALUE_VIEW] - rangeLo[VALUE_VIEW];
            if (width > 0 && highestLow > Double.NEGATIVE_INFINITY) {
                double margin = config.recordTolerance() * width;
                if (sustainedLow > highestLow + margin) {
                    sustainedExcess = (sustainedLow - highestLow) / width;
                }
                if (sustainedHigh < lowestHigh - margin) {
                    sustainedExcess = Math.max(sustainedExcess, (lowestHigh - sustainedHigh) / width);
                }
            }
            sustainedSinceWideningBefore = sustainedSinceWidening;
            boolean sustainedWidened = sustainedLow > highestLow || sustainedHigh < lowestHigh;
            sustainedSinceWidening = sustainedWidened ? 0 : Math.min(sustainedSinceWidening + 1, NO_RECORD_YET);
        }
        int b = Math.floorMod(day, recordDay.length);
        if (recordDay[b] != day) {
            recordDay[b] = day;
            recordCount[b] = 0;
            for (int v = 0; v < RECORD_VIEWS; v++) {
                recordMin[v][b] = Double.NaN;
                recordMax[v][b] = Double.NaN;
            }
            recordLowMax[b] = Double.NaN;
            recordHighMin[b] = Double.NaN;
        }
        recordCount[b]++;
        addToBucket(VALUE_VIEW, b, value);
        if (!Double.isNaN(mean)) {
            addToBucket(MEAN_VIEW, b, mean);
        }
        if (!Double.isNaN(sustainedLow)) {
            boolean empty = Double.isNaN(recordLowMax[b]);
            recordLowMax[b] = empty ? sustainedLow : Math.max(recordLowMax[b], sustainedLow);
            recordHighMin[b] = empty ? sustainedHigh : Math.min(recordHighMin[b], sustainedHigh);
        }
        return beyond;
    }

    /** Whether {@code x} lies outside its view's current range (by any amount). */
    private boolean widens(int view, double x) {
        return x > rangeHi[view] || x < rangeLo[view];
    }

    /**
     * How far {@code x} lies beyond its view's current range, in widths of the range; 0 within the
     * range widened by {@code recordTolerance} on each side, or while the range has no width.
     */
    private double recordExcess(int view, double x) {
        double lo = rangeLo[view];
        double hi = rangeHi[view];
        if (!(hi > lo)) {
            return 0.0;
        }
        double width = hi - lo;
        double margin = config.recordTolerance() * width;
        if (x > hi + margin) {
            return (x - hi) / width;
        }
        if (x < lo - margin) {
            return (lo - x) / width;
        }
        return 0.0;
    }

    private void addToBucket(int view, int b, double x) {
        if (Double.isNaN(recordMin[view][b])) {
            recordMin[view][b] = x;
            recordMax[view][b] = x;
        } else {
            recordMin[view][b] = Math.min(recordMin[view][b], x);
            recordMax[view][b] = Math.max(recordMax[view][b], x);
        }
    }

    /**
     * Chernoff bound on the probability that {@code rows} rows, each unusual with probability
     * {@code longRate}, show a rate of at least {@code recentRate}: {@code exp(-rows * KL)}, with
     * KL the relative entropy of the two Bernoulli rates; 1 when the recent rate is not higher.
     */
    static double densityTail(double recentRate, double longRate, int rows) {
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

    /** Tail probability of {@code u} under component {@code c}'s running distribution, then learns {@code u}. */
    private double calibrate(int c, double u) {
        long n = ++calibrationCount[c];
        double tail = 1.0;
        if (n > 1) {
            double z = (u - calibrationMean[c]) / sd(c);
            tail = 0.5 * Erf.erfc(z / SQRT2);
        }
        double a = Math.max(1.0 / n, 1.0 / config.calibrationRows());
        // Once warm, an isolated outlier (or a pair) is learned as a three-sigma value so that it
        // does not widen what is normal; a third outlier in a row is learned in full (a new regime).
        double cap = calibrationMean[c] + CALIBRATION_CLIP * sd(c);
        double learned = u;
        boolean outlier = n > config.warmupRows() && u > cap;
        if (outlier && calibrationOutlierRun[c] < CLIPPED_OUTLIERS_IN_A_ROW) {
            learned = cap;
        }
        calibrationOutlierRun[c] = outlier ? Math.min(calibrationOutlierRun[c] + 1, CLIPPED_OUTLIERS_IN_A_ROW) : 0;
        double delta = learned - calibrationMean[c];
        calibrationMean[c] += a * delta;
        calibrationVar[c] = (1 - a) * (calibrationVar[c] + a * delta * delta);
        return tail;
    }

    private double sd(int c) {
        return Math.max(Math.sqrt(calibrationVar[c]), MIN_CALIBRATION_SD);
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

    /** A copy of everything this detector has learned, with its configuration. */
    public DetectorState snapshot() {
        DetectorState s = new DetectorState();
        s.version = DetectorState.CURRENT_VERSION;
        s.warmupRows = config.warmupRows();
        s.levelAlpha = config.levelAlpha();
        s.scaleAlpha = config.scaleAlpha();
        s.longAlpha = config.longAlpha();
        s.seasonBuckets = config.seasonBuckets();
        s.seasonAlpha = config.seasonAlpha();
        s.calibrationRows = config.calibrationRows();
        s.densityRows = config.densityRows();
        s.noveltyDays = config.noveltyDays();
        s.halfScoreSurprise = config.halfScoreSurprise();
        s.rows = rows;
        s.level = level;
        s.levelScale = levelScale;
        s.longMean = longMean;
        s.longAbsDev = longAbsDev;
        s.seasonScale = seasonScale;
        s.seasonMean = seasonMean.clone();
        s.seasonCount = seasonCount.clone();
        s.calibrationMean = calibrationMean.clone();
        s.calibrationVar = calibrationVar.clone();
        s.calibrationCount = calibrationCount.clone();
        s.calibrationOutlier = new boolean[COMPONENTS];
        for (int c = 0; c < COMPONENTS; c++) {
            s.calibrationOutlier[c] = calibrationOutlierRun[c] > 0;
        }
        s.calibrationOutlierRun = calibrationOutlierRun.clone();
        s.peakSurprise = peakSurprise;
        s.lastEpochSecond = lastEpochSecond;
        s.unusualShortRate = unusualShortRate;
        s.unusualLongRate = unusualLongRate;
        s.unusualCount = unusualCount;
        s.aftershockHours = config.aftershockHours();
        s.recordDays = config.recordDays();
        s.recordTolerance = config.recordTolerance();
        s.aftershockBar = aftershockBar;
        s.recordRows = recordRows;
        s.rowsSinceWidening = rowsSinceWidening;
        s.recentValues = recentValues.clone();
        s.recordLatestDay = recordLatestDay;
        s.recordSince = recordSince;
        s.recordDay = recordDay.clone();
        s.recordCount = recordCount.clone();
        s.recordValueMin = recordMin[VALUE_VIEW].clone();
        s.recordValueMax = recordMax[VALUE_VIEW].clone();
        s.recordMeanMin = recordMin[MEAN_VIEW].clone();
        s.recordMeanMax = recordMax[MEAN_VIEW].clone();
        s.sustainedRows = config.sustainedRows();
        s.sustainedValues = sustainedValues.clone();
        s.recentScores = recentScores.clone();
        s.sustainedCount = sustainedCount;
        s.sustainedSinceWidening = sustainedSinceWidening;
        s.recordLowMax = recordLowMax.clone();
        s.recordHighMin = recordHighMin.clone();
        return s;
    }

    /**
     * A detector that continues exactly where the one that wrote {@code state} stopped.
     *
     * <p>Accepts every version {@link DetectorState} knows; fields a version lacks start empty
     * (version 1 has no {@code calibrationOutlier}: no row counts as an outlier yet; versions 2 to 4
     * only flag whether the previous row was an outlier, which becomes a run of one). Versions 1 and
     * 2 counted the novelty memory in rows: it becomes {@link DetectorState#legacyNoveltyDays(int)},
     * and the first row after the restore does not decay the peak (the previous row's time is
     * unknown). Versions 1 to 3 had no density component: it gets
     * {@link DetectorState#LEGACY_DENSITY_ROWS} and learns the rates of unusual rows afresh (it
     * is silent for {@code warmupRows} rows). Versions 1 to 5 have no record ranges and versions 1
     * to 6 no sustained-level view: they start empty with the default parameters.
     *
     * @throws IllegalArgumentException if the state's version is unknown or its arrays do not
     *     match its configuration
     */
    public static StreamingDetector restore(DetectorState state) {
        DetectorState.requireKnownVersion(state.version);
        DetectorState records = state;
        if (state.version < 6) {
            records = new DetectorState();
            DetectorState.fillEmptyVersionSixFields(records);
        }
        DetectorState sustained = state;
        if (state.version < 7) {
            sustained = new DetectorState();
            sustained.recordDays = records.recordDays;
            DetectorState.fillEmptyVersionSevenFields(sustained);
        }
        DetectorConfig config = new DetectorConfig(state.warmupRows, state.levelAlpha, state.scaleAlpha,
                state.longAlpha, state.seasonBuckets, state.seasonAlpha, state.calibrationRows,
                state.version < 4 ? DetectorState.LEGACY_DENSITY_ROWS : state.densityRows,
                state.version < 3 ? DetectorState.legacyNoveltyDays(state.noveltyRows) : state.noveltyDays,
                state.halfScoreSurprise, records.aftershockHours, records.recordDays, records.recordTolerance,
                sustained.sustainedRows);
        requireLength("seasonMean", state.seasonMean, config.seasonBuckets());
        requireLength("seasonCount", state.seasonCount == null ? null : new double[state.seasonCount.length],
                config.seasonBuckets());
        requireLength("calibrationMean", state.calibrationMean, COMPONENTS);
        requireLength("calibrationVar", state.calibrationVar, COMPONENTS);
        requireLength("calibrationCount", state.calibrationCount == null ? null
                : new double[state.calibrationCount.length], COMPONENTS);
        if (state.rows < 0 || !(state.peakSurprise >= 0)) {
            throw new IllegalArgumentException("detector state has a negative row count or peak surprise");
        }
        StreamingDetector d = new StreamingDetector(config);
        d.rows = state.rows;
        d.level = state.level;
        d.levelScale = state.levelScale;
        d.longMean = state.longMean;
        d.longAbsDev = state.longAbsDev;
        d.seasonScale = state.seasonScale;
        System.arraycopy(state.seasonMean, 0, d.seasonMean, 0, d.seasonMean.length);
        System.arraycopy(state.seasonCount, 0, d.seasonCount, 0, d.seasonCount.length);
        System.arraycopy(state.calibrationMean, 0, d.calibrationMean, 0, COMPONENTS);
        System.arraycopy(state.calibrationVar, 0, d.calibrationVar, 0, COMPONENTS);
        System.arraycopy(state.calibrationCount, 0, d.calibrationCount, 0, COMPONENTS);
        if (state.version >= 5) {
            if (state.calibrationOutlierRun == null || state.calibrationOutlierRun.length != COMPONENTS) {
                throw new IllegalArgumentException("detector state field calibrationOutlierRun has length "
                        + (state.calibrationOutlierRun == null ? "null" : state.calibrationOutlierRun.length)
                        + ", expected " + COMPONENTS);
            }
            for (int c = 0; c < COMPONENTS; c++) {
                int run = state.calibrationOutlierRun[c];
                if (run < 0 || run > CLIPPED_OUTLIERS_IN_A_ROW) {
                    throw new IllegalArgumentException("detector state field calibrationOutlierRun has " + run
                            + ", expected 0 to " + CLIPPED_OUTLIERS_IN_A_ROW);
                }
                d.calibrationOutlierRun[c] = run;
            }
        } else if (state.calibrationOutlier != null) {
            if (state.calibrationOutlier.length != COMPONENTS) {
                throw new IllegalArgumentException("detector state field calibrationOutlier has length "
                        + state.calibrationOutlier.length + ", expected " + COMPONENTS);
            }
            for (int c = 0; c < COMPONENTS; c++) {
                d.calibrationOutlierRun[c] = state.calibrationOutlier[c] ? 1 : 0;
            }
        }
        d.peakSurprise = state.peakSurprise;
        d.lastEpochSecond = state.version < 3 ? DetectorState.NO_TIME : state.lastEpochSecond;
        if (state.version >= 4) {
            if (state.unusualCount < 0 || !(state.unusualShortRate >= 0 && state.unusualShortRate <= 1)
                    || !(state.unusualLongRate >= 0 && state.unusualLongRate <= 1)) {
                throw new IllegalArgumentException("detector state has a negative count or a rate outside [0, 1]");
            }
            d.unusualShortRate = state.unusualShortRate;
            d.unusualLongRate = state.unusualLongRate;
            d.unusualCount = state.unusualCount;
        }
        requireLength("recentValues", records.recentValues, RECORD_MEAN_ROWS - 1);
        requireLength("recordDay", records.recordDay == null ? null : new double[records.recordDay.length],
                config.recordDays());
        requireLength("recordCount", records.recordCount == null ? null
                : new double[records.recordCount.length], config.recordDays());
        for (int c : records.recordCount) {
            if (c < 0) {
                throw new IllegalArgumentException("detector state field recordCount has a negative count " + c);
            }
        }
        requireLength("recordValueMin", records.recordValueMin, config.recordDays());
        requireLength("recordValueMax", records.recordValueMax, config.recordDays());
        requireLength("recordMeanMin", records.recordMeanMin, config.recordDays());
        requireLength("recordMeanMax", records.recordMeanMax, config.recordDays());
        if (records.recordRows < 0 || records.rowsSinceWidening < 0 || !(records.aftershockBar >= 0)) {
            throw new IllegalArgumentException(
                    "detector state has a negative record count, rows since a widening or aftershock bar");
        }
        d.aftershockBar = records.aftershockBar;
        d.recordRows = records.recordRows;
        d.rowsSinceWidening = records.rowsSinceWidening;
        System.arraycopy(records.recentValues, 0, d.recentValues, 0, d.recentValues.length);
        d.recordLatestDay = records.recordLatestDay;
        d.recordSince = records.recordSince;
        System.arraycopy(records.recordDay, 0, d.recordDay, 0, d.recordDay.length);
        System.arraycopy(records.recordCount, 0, d.recordCount, 0, d.recordCount.length);
        System.arraycopy(records.recordValueMin, 0, d.recordMin[VALUE_VIEW], 0, d.recordDay.length);
        System.arraycopy(records.recordValueMax, 0, d.recordMax[VALUE_VIEW], 0, d.recordDay.length);
        System.arraycopy(records.recordMeanMin, 0, d.recordMin[MEAN_VIEW], 0, d.recordDay.length);
        System.arraycopy(records.recordMeanMax, 0, d.recordMax[MEAN_VIEW], 0, d.recordDay.length);
        requireLength("sustainedValues", sustained.sustainedValues, config.sustainedRows());
        requireLength("recentScores", sustained.recentScores, config.sustainedRows());
        requireLength("recordLowMax", sustained.recordLowMax, config.recordDays());
        requireLength("recordHighMin", sustained.recordHighMin, config.recordDays());
        if (sustained.sustainedCount < 0 || sustained.sustainedCount > config.sustainedRows()
                || sustained.sustainedSinceWidening < 0) {
            throw new IllegalArgumentException("detector state has a sustained count outside [0, sustainedRows]"
                    + " or negative rows since a widening");
        }
        System.arraycopy(sustained.sustainedValues, 0, d.sustainedValues, 0, d.sustainedValues.length);
        System.arraycopy(sustained.recentScores, 0, d.recentScores, 0, d.recentScores.length);
        d.sustainedCount = sustained.sustainedCount;
        d.sustainedSinceWidening = sustained.sustainedSinceWidening;
        System.arraycopy(sustained.recordLowMax, 0, d.recordLowMax, 0, d.recordLowMax.length);
        System.arraycopy(sustained.recordHighMin, 0, d.recordHighMin, 0, d.recordHighMin.length);
        return d;
    }

    private static void requireLength(String name, double[] array, int expected) {
        if (array == null || array.length != expected) {
            throw new IllegalArgumentException("detector state field " + name + " has length "
                    + (array == null ? "null" : array.length) + ", expected " + expected);
        }
    }
}
