package io.auspex.models.detector;

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
 * count), the range has held for {@value RecordRange#SETTLE_ROWS} rows and covers a day. In a spiky
 * series an incident is often no more surprising than ordinary spikes, yet further out than
 * anything in a month. A third view, the <b>sustained level</b> (the low of the last
 * {@code sustainedRows} values above every such low of the range, or their high below every
 * such high), catches a level that moved and stayed inside a range an earlier spike widened.
 * The score is the largest of the readings, unless it <b>repeats</b> ({@link RepeatFilter}): a row
 * whose score is not above those of the previous {@value RepeatFilter#REFRACTORY_ROWS} rows, or
 * that comes at the time of day where rows scored as much on each of the previous
 * {@value RepeatFilter#RECURRENCE_DAYS} days (a daily job), scores 0. One more reading, the
 * <b>weekly level</b> ({@link WeeklyLevel}), is the sustained view of the value minus a profile of
 * the week (per hour of the UTC week): a holiday that looks like an ordinary day of another weekday.
 *
 * <p>The first {@code warmupRows} rows score 0 and do not touch the peak (their calibration is
 * immature). Not thread-safe; one instance per series. The saved form is {@link DetectorState}.
 *
 * <p>This class is the composition of the components, each a class with its own part of the state
 * and a {@code Mapper} between the model and that part of {@link DetectorState}:
 * {@link Residuals} (point and season residuals), one {@link Calibration} per residual component,
 * {@link DensityRate}, {@link NoveltyFilter}, {@link RecordRange} (value, mean and sustained
 * views), {@link WeeklyLevel} and {@link RepeatFilter}. {@link DetectorState#toBytes()} and {@link DetectorState#fromBytes(byte[])} are the one
 * serializer, with a reader for every earlier version.
 */
public final class StreamingDetector {

    /** @see Calibration#CLIPPED_OUTLIERS_IN_A_ROW */
    static final int CLIPPED_OUTLIERS_IN_A_ROW = Calibration.CLIPPED_OUTLIERS_IN_A_ROW;
    /** @see DensityRate#UNUSUAL_P */
    static final double UNUSUAL_P = DensityRate.UNUSUAL_P;
    /** @see RecordRange#MEAN_ROWS */
    static final int RECORD_MEAN_ROWS = RecordRange.MEAN_ROWS;
    /** @see RecordRange#EMPTY_DAY */
    static final int EMPTY_DAY = RecordRange.EMPTY_DAY;
    /** @see RecordRange#NO_RECORD_YET */
    static final long NO_RECORD_YET = RecordRange.NO_RECORD_YET;
    private static final double MAX_SURPRISE = 300.0;
    private static final double MAX_MAGNITUDE = 1e150;

    private final DetectorConfig config;
    private long rows;
    /** The previous row's time, or {@link DetectorState#NO_TIME} before the first row. */
    private long lastEpochSecond = DetectorState.NO_TIME;
    private final Residuals residuals;
    private final Calibration[] calibrations = new Calibration[Residuals.COMPONENTS];
    private final DensityRate density;
    private final NoveltyFilter novelty;
    private final RecordRange records;
    private final RepeatFilter repeats;
    private final WeeklyLevel weekly;

    public StreamingDetector() {
        this(DetectorConfig.DEFAULTS);
    }

    public StreamingDetector(DetectorConfig config) {
        this(config, new Residuals(config), new Calibration[] {new Calibration(), new Calibration()},
                new DensityRate(), new NoveltyFilter(config), new RecordRange(config), new RepeatFilter(),
                new WeeklyLevel(config));
    }

    private StreamingDetector(DetectorConfig config, Residuals residuals, Calibration[] calibrations,
                              DensityRate density, NoveltyFilter novelty, RecordRange records,
                              RepeatFilter repeats, WeeklyLevel weekly) {
        this.config = config;
        this.residuals = residuals;
        System.arraycopy(calibrations, 0, this.calibrations, 0, Residuals.COMPONENTS);
        this.density = density;
        this.novelty = novelty;
        this.records = records;
        this.repeats = repeats;
        this.weekly = weekly;
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
        records.observe(epochSecond, value);
        weekly.observe(epochSecond, value);
        if (rows == 1) {
            residuals.first(epochSecond, value);
            return 0.0;
        }
        residuals.observe(epochSecond, value, rows, calibrations[Residuals.SEASON].count());

        double minTail = 1.0;
        int activeCount = 0;
        for (int c = 0; c < Residuals.COMPONENTS; c++) {
            if (residuals.active[c]) {
                activeCount++;
                minTail = Math.min(minTail, calibrations[c].tailThenLearn(Math.log1p(residuals.residual[c]),
                        config.warmupRows(), config.calibrationRows()));
            }
        }
        double p = Math.min(1.0, minTail * activeCount);
        double pointSeasonP = p;
        // density: the recent rate of unusual rows (this one included) against the long-run rate
        double densityTail = density.observe(p, config);
        if (!Double.isNaN(densityTail)) {
            activeCount++;
            p = Math.min(1.0, Math.min(minTail, densityTail) * activeCount);
        }
        double surprise = p <= 0 ? MAX_SURPRISE : Math.min(MAX_SURPRISE, -Math.log10(p));
        if (rows <= config.warmupRows()) {
            // the calibration is still immature: its surprises must not raise the bar for later rows
            return 0.0;
        }
        double noveltyScore = novelty.score(surprise, elapsed);
        double score = Math.max(Math.max(noveltyScore, weekly.score(epochSecond)),
                Math.max(records.recordScore(epochSecond, pointSeasonP), records.sustainedScore(epochSecond)));
        records.noteScore(score);
        weekly.noteScore(score);
        return repeats.filter(epochSecond, score, surprise);
    }

    /** @see DensityRate#tail */
    static double densityTail(double recentRate, double longRate, int rows) {
        return DensityRate.tail(recentRate, longRate, rows);
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
        s.aftershockHours = config.aftershockHours();
        s.recordDays = config.recordDays();
        s.recordTolerance = config.recordTolerance();
        s.sustainedRows = config.sustainedRows();
        s.rows = rows;
        s.lastEpochSecond = lastEpochSecond;
        Residuals.Mapper.toState(residuals, s);
        s.calibrationMean = new double[Residuals.COMPONENTS];
        s.calibrationVar = new double[Residuals.COMPONENTS];
        s.calibrationCount = new long[Residuals.COMPONENTS];
        s.calibrationOutlier = new boolean[Residuals.COMPONENTS];
        s.calibrationOutlierRun = new int[Residuals.COMPONENTS];
        for (int c = 0; c < Residuals.COMPONENTS; c++) {
            Calibration.Mapper.toState(calibrations[c], s, c);
        }
        DensityRate.Mapper.toState(density, s);
        NoveltyFilter.Mapper.toState(novelty, s);
        RecordRange.Mapper.toState(records, s);
        RepeatFilter.Mapper.toState(repeats, s);
        WeeklyLevel.Mapper.toState(weekly, s);
        return s;
    }

    /**
     * A detector that continues exactly where the one that wrote {@code state} stopped.
     *
     * <p>Accepts every version {@link DetectorState} knows: a POJO of an earlier version is first
     * brought to the current layout by the serializer ({@code fromBytes(state.toBytes())}), which
     * gives each missing field what an old state gets (see {@link DetectorState#CURRENT_VERSION}):
     * versions 1 and 2 counted the novelty memory in rows ({@link DetectorState#legacyNoveltyDays(int)},
     * and the first row after the restore does not decay the peak); versions 1 to 3 have no density
     * component ({@link DetectorState#LEGACY_DENSITY_ROWS}, empty, silent for {@code warmupRows}
     * rows); versions 2 to 4 only flag whether the previous row was an outlier (a run of one);
     * versions 1 to 5 have no record ranges, versions 1 to 6 no sustained-level view (empty,
     * default parameters), versions 1 to 7 no repeat filter (empty: no refractory rows, no
     * occurrences of earlier days) and versions 1 to 8 no weekly level (empty: it speaks once the
     * rows after the restore span three weeks).
     *
     * @throws IllegalArgumentException if the state's version is unknown, a field is missing, or its
     *     arrays do not match its configuration
     */
    public static StreamingDetector restore(DetectorState state) {
        DetectorState.requireKnownVersion(state.version);
        DetectorState s = state;
        if (state.version < DetectorState.CURRENT_VERSION) {
            try {
                s = DetectorState.fromBytes(state.toBytes());
            } catch (NullPointerException e) {
                throw new IllegalArgumentException("detector state of version " + state.version + " lacks a field", e);
            }
        }
        DetectorConfig config = new DetectorConfig(s.warmupRows, s.levelAlpha, s.scaleAlpha, s.longAlpha,
                s.seasonBuckets, s.seasonAlpha, s.calibrationRows, s.densityRows, s.noveltyDays,
                s.halfScoreSurprise, s.aftershockHours, s.recordDays, s.recordTolerance, s.sustainedRows);
        if (s.rows < 0) {
            throw new IllegalArgumentException("detector state has a negative row count");
        }
        requireLength("calibrationMean", s.calibrationMean == null ? -1 : s.calibrationMean.length, Residuals.COMPONENTS);
        requireLength("calibrationVar", s.calibrationVar == null ? -1 : s.calibrationVar.length, Residuals.COMPONENTS);
        requireLength("calibrationCount", s.calibrationCount == null ? -1 : s.calibrationCount.length,
                Residuals.COMPONENTS);
        requireLength("calibrationOutlierRun", s.calibrationOutlierRun == null ? -1 : s.calibrationOutlierRun.length,
                Residuals.COMPONENTS);
        Calibration[] calibrations = new Calibration[Residuals.COMPONENTS];
        for (int c = 0; c < Residuals.COMPONENTS; c++) {
            calibrations[c] = Calibration.Mapper.toModel(s, c);
        }
        StreamingDetector d = new StreamingDetector(config, Residuals.Mapper.toModel(s, config), calibrations,
                DensityRate.Mapper.toModel(s), NoveltyFilter.Mapper.toModel(s, config),
                RecordRange.Mapper.toModel(s, config), RepeatFilter.Mapper.toModel(s),
                WeeklyLevel.Mapper.toModel(s, config));
        d.rows = s.rows;
        d.lastEpochSecond = s.lastEpochSecond;
        return d;
    }

    static void requireLength(String name, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("detector state field " + name + " has length "
                    + (actual < 0 ? "null" : String.valueOf(actual)) + ", expected " + expected);
        }
    }
}
