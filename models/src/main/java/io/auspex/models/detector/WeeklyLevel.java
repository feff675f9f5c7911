package io.auspex.models.detector;

/**
 * The weekly level (since state version 9): a profile of the week (one exponentially weighted mean
 * per hour of the UTC week, {@value #BUCKETS} buckets, smoothed like the daily profile by
 * {@code seasonAlpha}), and a sustained-level view, as {@link RecordRange}'s, of the value minus
 * that profile: the low of the last {@code sustainedRows} such differences above every earlier such
 * low of the last {@code recordDays} days (or their high below every earlier high) is a level that
 * moved, for this hour of this weekday, and stayed. It measures rows once the series spans
 * {@value #READY_WEEKS} weeks, and speaks once it spans {@value #SPEAK_WEEKS} (its range then holds
 * two weeks of differences: over fewer days the lows of plain noise still set new highs now and then).
 *
 * <p>Why: in a series with a weekly rhythm (taxi demand, office traffic) a holiday or a storm looks
 * like an ordinary day of another weekday, so it is no record of the value and no surprise against
 * the daily profile; against the same hour of the same weekday it is a level that fell and stayed.
 * A series without a weekly rhythm has the daily profile in every weekday's buckets, and the view
 * then sees what the sustained view of the value sees.
 *
 * <p>State: {@code weeklyMean}, {@code weeklyCount}, {@code weeklySince} and the {@code weekly*}
 * fields of the record range of {@link DetectorState} (see {@link Mapper}).
 */
final class WeeklyLevel {

    /** Buckets of the week's profile: one per hour. */
    static final int BUCKETS = 168;
    /** Weeks the series must span before the view measures rows (the profile has seen every hour of the week thrice). */
    static final int READY_WEEKS = 3;
    /** Weeks the series must span before the view speaks. */
    static final int SPEAK_WEEKS = 5;
    private static final long BUCKET_SECONDS = 3600;
    private static final long SECONDS_PER_WEEK = BUCKETS * BUCKET_SECONDS;

    private final DetectorConfig config;
    private final double[] mean = new double[BUCKETS];
    private final int[] count = new int[BUCKETS];
    /** The first row's time ({@link DetectorState#NO_TIME} before it). */
    private long since = DetectorState.NO_TIME;
    /** The record range of the value minus the weekly profile (only its sustained view is read). */
    private final RecordRange range;

    // per row, not state
    private boolean measured;
    private boolean speaks;

    WeeklyLevel(DetectorConfig config) {
        this(config, new RecordRange(config));
    }

    private WeeklyLevel(DetectorConfig config, RecordRange range) {
        this.config = config;
        this.range = range;
    }

    /** Compares the row with its hour of the week (once the series spans {@link #READY_WEEKS} weeks), then learns it. */
    void observe(long epochSecond, double value) {
        if (since == DetectorState.NO_TIME) {
            since = epochSecond;
        }
        int b = bucket(epochSecond);
        measured = count[b] > 0 && epochSecond - since >= READY_WEEKS * SECONDS_PER_WEEK;
        speaks = measured && epochSecond - since >= SPEAK_WEEKS * SECONDS_PER_WEEK;
        if (measured) {
            range.observe(epochSecond, value - mean[b]);
        }
        count[b] = Math.min(Integer.MAX_VALUE - 1, count[b]) + 1;
        mean[b] += Math.max(config.seasonAlpha(), 1.0 / count[b]) * (value - mean[b]);
    }

    /** The sustained-level score of the row {@link #observe} just measured (0 when it did not, or before {@link #SPEAK_WEEKS}). */
    double score(long epochSecond) {
        return speaks ? range.sustainedScore(epochSecond) : 0.0;
    }

    /** Remembers the detector's score of the row (the view's repeat rule, as in {@link RecordRange}). */
    void noteScore(double score) {
        range.noteScore(score);
    }

    private static int bucket(long epochSecond) {
        return (int) (Math.floorMod(epochSecond, SECONDS_PER_WEEK) / BUCKET_SECONDS);
    }

    /** Between the weekly level and a current-layout {@link DetectorState}. */
    static final class Mapper {

        private Mapper() {
        }

        static void toState(WeeklyLevel model, DetectorState s) {
            s.weeklyMean = model.mean.clone();
            s.weeklyCount = model.count.clone();
            s.weeklySince = model.since;
            DetectorState r = new DetectorState();
            RecordRange.Mapper.toState(model.range, r);
            s.weeklyRecordRows = r.recordRows;
            s.weeklyRowsSinceWidening = r.rowsSinceWidening;
            s.weeklyRecentValues = r.recentValues;
            s.weeklyRecordLatestDay = r.recordLatestDay;
            s.weeklyRecordSince = r.recordSince;
            s.weeklyRecordDay = r.recordDay;
            s.weeklyRecordCount = r.recordCount;
            s.weeklyRecordValueMin = r.recordValueMin;
            s.weeklyRecordValueMax = r.recordValueMax;
            s.weeklyRecordMeanMin = r.recordMeanMin;
            s.weeklyRecordMeanMax = r.recordMeanMax;
            s.weeklySustainedValues = r.sustainedValues;
            s.weeklyRecentScores = r.recentScores;
            s.weeklySustainedCount = r.sustainedCount;
            s.weeklySustainedSinceWidening = r.sustainedSinceWidening;
            s.weeklyRecordLowMax = r.recordLowMax;
            s.weeklyRecordHighMin = r.recordHighMin;
        }

        static WeeklyLevel toModel(DetectorState s, DetectorConfig config) {
            StreamingDetector.requireLength("weeklyMean", s.weeklyMean == null ? -1 : s.weeklyMean.length, BUCKETS);
            StreamingDetector.requireLength("weeklyCount", s.weeklyCount == null ? -1 : s.weeklyCount.length, BUCKETS);
            for (int c : s.weeklyCount) {
                if (c < 0) {
                    throw new IllegalArgumentException("detector state field weeklyCount has a negative count " + c);
                }
            }
            DetectorState r = new DetectorState();
            r.recordRows = s.weeklyRecordRows;
            r.rowsSinceWidening = s.weeklyRowsSinceWidening;
            r.recentValues = s.weeklyRecentValues;
            r.recordLatestDay = s.weeklyRecordLatestDay;
            r.recordSince = s.weeklyRecordSince;
            r.recordDay = s.weeklyRecordDay;
            r.recordCount = s.weeklyRecordCount;
            r.recordValueMin = s.weeklyRecordValueMin;
            r.recordValueMax = s.weeklyRecordValueMax;
            r.recordMeanMin = s.weeklyRecordMeanMin;
            r.recordMeanMax = s.weeklyRecordMeanMax;
            r.sustainedValues = s.weeklySustainedValues;
            r.recentScores = s.weeklyRecentScores;
            r.sustainedCount = s.weeklySustainedCount;
            r.sustainedSinceWidening = s.weeklySustainedSinceWidening;
            r.recordLowMax = s.weeklyRecordLowMax;
            r.recordHighMin = s.weeklyRecordHighMin;
            WeeklyLevel model = new WeeklyLevel(config, RecordRange.Mapper.toModel(r, config));
            System.arraycopy(s.weeklyMean, 0, model.mean, 0, BUCKETS);
            System.arraycopy(s.weeklyCount, 0, model.count, 0, BUCKETS);
            model.since = s.weeklySince;
            return model;
        }

        /**
         * Sets the fields version 9 added as a state of an earlier version gets them: an empty
         * weekly level, for {@code s}'s {@code recordDays} and {@code sustainedRows}.
         */
        static void toEmptyState(DetectorState s) {
            toState(new WeeklyLevel(emptyConfig(s.recordDays, s.sustainedRows)), s);
        }

        /** A configuration with these record parameters (the only ones an empty weekly level's layout depends on). */
        private static DetectorConfig emptyConfig(int recordDays, int sustainedRows) {
            DetectorConfig d = DetectorConfig.DEFAULTS;
            return new DetectorConfig(d.warmupRows(), d.levelAlpha(), d.scaleAlpha(), d.longAlpha(), d.seasonBuckets(),
                    d.seasonAlpha(), d.calibrationRows(), d.densityRows(), d.noveltyDays(), d.halfScoreSurprise(),
                    d.aftershockHours(), recordDays, d.recordTolerance(), sustainedRows);
        }
    }
}
