package io.auspex.models.detector;

import java.util.Arrays;

/**
 * The record component: the range of the last {@code recordDays} days (one bucket per UTC
 * calendar day, by the rows' timestamps) of three views, and how far a row lies beyond it.
 * <ul>
 *   <li><b>value</b> and <b>3-row mean</b>: beyond the range by more than {@code recordTolerance}
 *       of its width; news only when the row is also improbable among the range's rows
 *       ({@code p * rows <= 1}), the range has not widened for {@value #SETTLE_ROWS} rows, and it
 *       has seen {@code warmupRows} rows and covers a day;</li>
 *   <li><b>sustained level</b>: the low of the last {@code sustainedRows} values above every such
 *       low of the range (or their high below every such high) by more than {@code recordTolerance}
 *       of the value range's width; news when its range has not widened for {@value #SETTLE_ROWS}
 *       rows, the record range covers {@value #SUSTAINED_MIN_DAYS} days, and no row among the last
 *       {@code sustainedRows} scored as much.</li>
 * </ul>
 * A record at {@code f} range widths beyond scores {@code f / (f + 2 * recordTolerance)}.
 *
 * <p>State: the record and sustained fields of {@link DetectorState} (version 6 and 7; see
 * {@link Mapper}).
 */
final class RecordRange {

    /** Record views kept per day as a minimum and a maximum: the value and the short mean. */
    static final int VIEWS = 2;
    static final int VALUE_VIEW = 0;
    static final int MEAN_VIEW = 1;
    /** Rows in the short average whose records count too (a rise over a few rows, not one spike). */
    static final int MEAN_ROWS = 3;
    /**
     * A record scores only when the range it breaks has not widened for this many rows: new extremes
     * that follow each other closely are one excursion (or a new regime) and score once at most.
     */
    static final int SETTLE_ROWS = 20;
    /** A record scores 0.5 when it lies this many tolerances beyond the range (one just past it scores 1/3). */
    static final double HALF_SCORE_TOLERANCES = 2.0;
    /**
     * Days the record range must cover before the sustained-level view speaks: over a day or two,
     * the lows of plain noise still set new highs now and then.
     */
    static final int SUSTAINED_MIN_DAYS = 3;
    /** The day of a daily bucket that holds nothing. */
    static final int EMPTY_DAY = Integer.MIN_VALUE;
    /** {@code rowsSinceWidening} before any row (and its cap). */
    static final long NO_RECORD_YET = Long.MAX_VALUE / 2;
    private static final int SECONDS_PER_DAY = 86_400;

    private final DetectorConfig config;
    private long rows;
    private long rowsSinceWidening = NO_RECORD_YET;
    /** The values before the current one, newest first (for the short mean). */
    private final double[] recentValues = new double[MEAN_ROWS - 1];
    private int latestDay = EMPTY_DAY;
    /** When the current range began (its first row's time). */
    private long since = DetectorState.NO_TIME;
    /** Per daily bucket: its day (epoch day, or {@link #EMPTY_DAY}), rows, and each view's range. */
    private final int[] day;
    private final int[] count;
    private final double[][] min = new double[VIEWS][];
    private final double[][] max = new double[VIEWS][];
    /** Sustained view: the last {@code sustainedRows} values (newest first) and how many are filled. */
    private final double[] sustainedValues;
    private int sustainedCount;
    private long sustainedSinceWidening = NO_RECORD_YET;
    /** Per daily bucket: the highest low and the lowest high of the last {@code sustainedRows} values. */
    private final double[] lowMax;
    private final double[] highMin;
    /** The scores of the last {@code sustainedRows} rows, newest first. */
    private final double[] recentScores;

    // per row, not state
    private long rangeRows;
    private final double[] rangeLo = new double[VIEWS];
    private final double[] rangeHi = new double[VIEWS];
    private long rowsSinceWideningBefore;
    private double excess;
    private double sustainedExcess;
    private long sustainedSinceWideningBefore;

    RecordRange(DetectorConfig config) {
        this.config = config;
        int days = config.recordDays();
        this.day = new int[days];
        this.count = new int[days];
        Arrays.fill(day, EMPTY_DAY);
        for (int v = 0; v < VIEWS; v++) {
            min[v] = new double[days];
            max[v] = new double[days];
        }
        this.sustainedValues = new double[config.sustainedRows()];
        this.recentScores = new double[config.sustainedRows()];
        this.lowMax = new double[days];
        this.highMin = new double[days];
        Arrays.fill(lowMax, Double.NaN);
        Arrays.fill(highMin, Double.NaN);
    }

    /**
     * Compares the row with the range of the days before it (setting what {@link #recordScore} and
     * {@link #sustainedScore} read), then adds it to its day.
     */
    void observe(long epochSecond, double value) {
        rows++;
        // epoch day, clamped to int (a timestamp beyond year 5,000,000 is the caller's bug, not a crash)
        long epochDay = Math.floorDiv(epochSecond, (long) SECONDS_PER_DAY);
        int today = (int) Math.max(latestDay, Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, epochDay)));
        latestDay = today;
        double mean = Double.NaN;
        if (rows >= MEAN_ROWS) {
            double sum = value;
            for (double v : recentValues) {
                sum += v;
            }
            mean = sum / MEAN_ROWS;
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
        long inRange = 0;
        for (int v = 0; v < VIEWS; v++) {
            rangeLo[v] = Double.POSITIVE_INFINITY;
            rangeHi[v] = Double.NEGATIVE_INFINITY;
        }
        for (int b = 0; b < day.length; b++) {
            if (day[b] != EMPTY_DAY && day[b] > today - day.length) {
                inRange += count[b];
                for (int v = 0; v < VIEWS; v++) {
                    if (!Double.isNaN(min[v][b])) {
                        rangeLo[v] = Math.min(rangeLo[v], min[v][b]);
                        rangeHi[v] = Math.max(rangeHi[v], max[v][b]);
                    }
                }
                if (!Double.isNaN(lowMax[b])) {
                    highestLow = Math.max(highestLow, lowMax[b]);
                    lowestHigh = Math.min(lowestHigh, highMin[b]);
                }
            }
        }
        rangeRows = inRange;
        if (inRange == 0) {
            since = epochSecond;
        }
        boolean widened = widens(VALUE_VIEW, value);
        double beyond = excess(VALUE_VIEW, value);
        if (!Double.isNaN(mean)) {
            widened |= widens(MEAN_VIEW, mean);
            beyond = Math.max(beyond, excess(MEAN_VIEW, mean));
        }
        excess = beyond;
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
        int b = Math.floorMod(today, day.length);
        if (day[b] != today) {
            day[b] = today;
            count[b] = 0;
            for (int v = 0; v < VIEWS; v++) {
                min[v][b] = Double.NaN;
                max[v][b] = Double.NaN;
            }
            lowMax[b] = Double.NaN;
            highMin[b] = Double.NaN;
        }
        count[b]++;
        addToBucket(VALUE_VIEW, b, value);
        if (!Double.isNaN(mean)) {
            addToBucket(MEAN_VIEW, b, mean);
        }
        if (!Double.isNaN(sustainedLow)) {
            boolean empty = Double.isNaN(lowMax[b]);
            lowMax[b] = empty ? sustainedLow : Math.max(lowMax[b], sustainedLow);
            highMin[b] = empty ? sustainedHigh : Math.min(highMin[b], sustainedHigh);
        }
    }

    /**
     * The value and mean views' score of the row last observed, whose corrected point/season tail
     * probability is {@code p}: 0 unless it is beyond the range and news (see the class comment).
     */
    double recordScore(long epochSecond, double p) {
        if (excess > 0 && rowsSinceWideningBefore >= SETTLE_ROWS && rows > config.warmupRows()
                && epochSecond - since >= SECONDS_PER_DAY && p * rangeRows <= 1.0) {
            return excess / (excess + HALF_SCORE_TOLERANCES * config.recordTolerance());
        }
        return 0.0;
    }

    /** The sustained view's score of the row last observed: 0 unless it is beyond its range and news. */
    double sustainedScore(long epochSecond) {
        if (!(sustainedExcess > 0 && sustainedSinceWideningBefore >= SETTLE_ROWS && rows > config.warmupRows()
                && epochSecond - since >= SUSTAINED_MIN_DAYS * SECONDS_PER_DAY)) {
            return 0.0;
        }
        double score = sustainedExcess / (sustainedExcess + HALF_SCORE_TOLERANCES * config.recordTolerance());
        // an event that already scored as much in the last sustainedRows rows is not news again
        for (double earlier : recentScores) {
            if (earlier >= score) {
                return 0.0;
            }
        }
        return score;
    }

    /** Remembers the detector's final score of the row (for the sustained view's repeat rule). */
    void noteScore(double score) {
        if (recentScores.length > 0) {
            System.arraycopy(recentScores, 0, recentScores, 1, recentScores.length - 1);
            recentScores[0] = score;
        }
    }

    /** Whether {@code x} lies outside its view's current range (by any amount). */
    private boolean widens(int view, double x) {
        return x > rangeHi[view] || x < rangeLo[view];
    }

    /**
     * How far {@code x} lies beyond its view's current range, in widths of the range; 0 within the
     * range widened by {@code recordTolerance} on each side, or while the range has no width.
     */
    private double excess(int view, double x) {
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
        if (Double.isNaN(min[view][b])) {
            min[view][b] = x;
            max[view][b] = x;
        } else {
            min[view][b] = Math.min(min[view][b], x);
            max[view][b] = Math.max(max[view][b], x);
        }
    }

    /** Between the record component and a current-layout {@link DetectorState}. */
    static final class Mapper {

        private Mapper() {
        }

        static void toState(RecordRange model, DetectorState s) {
            s.recordRows = model.rows;
            s.rowsSinceWidening = model.rowsSinceWidening;
            s.recentValues = model.recentValues.clone();
            s.recordLatestDay = model.latestDay;
            s.recordSince = model.since;
            s.recordDay = model.day.clone();
            s.recordCount = model.count.clone();
            s.recordValueMin = model.min[VALUE_VIEW].clone();
            s.recordValueMax = model.max[VALUE_VIEW].clone();
            s.recordMeanMin = model.min[MEAN_VIEW].clone();
            s.recordMeanMax = model.max[MEAN_VIEW].clone();
            s.sustainedValues = model.sustainedValues.clone();
            s.recentScores = model.recentScores.clone();
            s.sustainedCount = model.sustainedCount;
            s.sustainedSinceWidening = model.sustainedSinceWidening;
            s.recordLowMax = model.lowMax.clone();
            s.recordHighMin = model.highMin.clone();
        }

        static RecordRange toModel(DetectorState s, DetectorConfig config) {
            int days = config.recordDays();
            int k = config.sustainedRows();
            StreamingDetector.requireLength("recentValues", length(s.recentValues), MEAN_ROWS - 1);
            StreamingDetector.requireLength("recordDay", s.recordDay == null ? -1 : s.recordDay.length, days);
            StreamingDetector.requireLength("recordCount", s.recordCount == null ? -1 : s.recordCount.length, days);
            StreamingDetector.requireLength("recordValueMin", length(s.recordValueMin), days);
            StreamingDetector.requireLength("recordValueMax", length(s.recordValueMax), days);
            StreamingDetector.requireLength("recordMeanMin", length(s.recordMeanMin), days);
            StreamingDetector.requireLength("recordMeanMax", length(s.recordMeanMax), days);
            StreamingDetector.requireLength("sustainedValues", length(s.sustainedValues), k);
            StreamingDetector.requireLength("recentScores", length(s.recentScores), k);
            StreamingDetector.requireLength("recordLowMax", length(s.recordLowMax), days);
            StreamingDetector.requireLength("recordHighMin", length(s.recordHighMin), days);
            for (int c : s.recordCount) {
                if (c < 0) {
                    throw new IllegalArgumentException("detector state field recordCount has a negative count " + c);
                }
            }
            if (s.recordRows < 0 || s.rowsSinceWidening < 0) {
                throw new IllegalArgumentException("detector state has a negative record count or rows since a widening");
            }
            if (s.sustainedCount < 0 || s.sustainedCount > k || s.sustainedSinceWidening < 0) {
                throw new IllegalArgumentException("detector state has a sustained count outside [0, sustainedRows]"
                        + " or negative rows since a widening");
            }
            RecordRange model = new RecordRange(config);
            model.rows = s.recordRows;
            model.rowsSinceWidening = s.rowsSinceWidening;
            System.arraycopy(s.recentValues, 0, model.recentValues, 0, model.recentValues.length);
            model.latestDay = s.recordLatestDay;
            model.since = s.recordSince;
            System.arraycopy(s.recordDay, 0, model.day, 0, days);
            System.arraycopy(s.recordCount, 0, model.count, 0, days);
            System.arraycopy(s.recordValueMin, 0, model.min[VALUE_VIEW], 0, days);
            System.arraycopy(s.recordValueMax, 0, model.max[VALUE_VIEW], 0, days);
            System.arraycopy(s.recordMeanMin, 0, model.min[MEAN_VIEW], 0, days);
            System.arraycopy(s.recordMeanMax, 0, model.max[MEAN_VIEW], 0, days);
            System.arraycopy(s.sustainedValues, 0, model.sustainedValues, 0, k);
            System.arraycopy(s.recentScores, 0, model.recentScores, 0, k);
            model.sustainedCount = s.sustainedCount;
            model.sustainedSinceWidening = s.sustainedSinceWidening;
            System.arraycopy(s.recordLowMax, 0, model.lowMax, 0, days);
            System.arraycopy(s.recordHighMin, 0, model.highMin, 0, days);
            return model;
        }

        private static int length(double[] a) {
            return a == null ? -1 : a.length;
        }
    }
}
