package io.auspex.models.detector;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The saved state of a {@link StreamingDetector}: its configuration and every statistic it has
 * learned, nothing else. A valid Flink POJO (public no-arg constructor, public non-final fields of
 * primitives and primitive arrays) so a keyed operator can hold it in {@code ValueState} without
 * Kryo, and also a compact versioned byte form ({@link #toBytes()}, {@link #fromBytes(byte[])}).
 *
 * <p>Size is bounded by the configuration: {@code seasonBuckets} doubles and ints, {@code recordDays}
 * ints and six doubles each (twice: the value's and the weekly level's record ranges), 168 doubles and
 * ints of the weekly profile, plus a few dozen numbers and the repeat filter (10,442 bytes with the
 * defaults), whatever the length of the series.
 */
public class DetectorState {

    /**
     * The version this code writes. Version 2 added {@link #calibrationOutlier}; version 3 replaced
     * the novelty memory in rows ({@link #noveltyRows}) by one in days ({@link #noveltyDays}) and
     * added {@link #lastEpochSecond}; version 4 added the density component ({@link #densityRows},
     * {@link #unusualShortRate}, {@link #unusualLongRate}, {@link #unusualCount}); version 5 added
     * {@link #calibrationOutlierRun} (how many outliers in a row, not only whether the previous row
     * was one); version 6 added the aftershock bar ({@link #aftershockHours}, {@link #aftershockBar})
     * and the record component ({@link #recordDays}, {@link #recordTolerance} and the daily ranges);
     * version 7 added the sustained-level view of the records ({@link #sustainedRows},
     * {@link #sustainedValues}, {@link #recentScores}, {@link #sustainedCount}, {@link #sustainedSinceWidening},
     * {@link #recordLowMax}, {@link #recordHighMin}; an older state gets the default
     * {@code sustainedRows} and an empty view); version 8 added the repeat filter
     * ({@link #repeatScores}, {@link #recurrenceDay}, {@link #recurrenceMask}; an older state gets an
     * empty one); version 9 added the weekly level ({@link #weeklyMean}, {@link #weeklyCount},
     * {@link #weeklySince} and the {@code weekly*} record range of the value minus the weekly
     * profile; an older state gets an empty one).
     * Versions 1 to 8 are still read as bytes and POJOs (the flags start false, the memory
     * becomes {@link #legacyNoveltyDays(int)}, the last time {@link #NO_TIME}, the density component
     * starts empty with {@link #LEGACY_DENSITY_ROWS}, a flagged outlier is a run of one, the
     * aftershock bar starts at 0 and the record ranges start empty, with the default parameters).
     */
    public static final int CURRENT_VERSION = 9;

    /** The {@link #densityRows} given to a state of version 1 to 3 (the default of version 4). */
    public static final int LEGACY_DENSITY_ROWS = 100;

    /** {@link #lastEpochSecond} of a detector that has not seen a row, or whose state predates version 3. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /**
     * The cadence, in seconds, that a row-counted novelty memory of version 1 or 2 is converted
     * with: five minutes, the cadence the row default (8000 rows, 27.8 days) was chosen for.
     */
    static final double LEGACY_SECONDS_PER_ROW = 300.0;

    private static final int MAGIC = 0x41555344; // "AUSD"

    public int version = CURRENT_VERSION;

    // configuration (see DetectorConfig)
    public int warmupRows;
    public double levelAlpha;
    public double scaleAlpha;
    public double longAlpha;
    public int seasonBuckets;
    public double seasonAlpha;
    public int calibrationRows;
    /** Since version 4: the memory, in rows, of the recent rate of unusual rows. */
    public int densityRows;
    /** Versions 1 and 2 only: the novelty memory in rows (0 from version 3 on). */
    public int noveltyRows;
    /** Since version 3: the novelty memory in days. */
    public double noveltyDays;
    public double halfScoreSurprise;

    // learned statistics
    public long rows;
    public double level;
    public double levelScale;
    public double longMean;
    public double longAbsDev;
    public double seasonScale;
    public double[] seasonMean;
    public int[] seasonCount;
    public double[] calibrationMean;
    public double[] calibrationVar;
    public long[] calibrationCount;
    /** Per component: was the previous row an outlier of its calibration (since version 2). */
    public boolean[] calibrationOutlier;
    /**
     * Since version 5: per component, how many rows in a row (at most 2) were outliers of its
     * calibration; {@link #calibrationOutlier} is still written and equals {@code run > 0}.
     */
    public int[] calibrationOutlierRun;
    public double peakSurprise;
    /** Since version 3: the time of the last row seen, or {@link #NO_TIME}. */
    public long lastEpochSecond = NO_TIME;
    /** Since version 4: the rate of unusual rows over about {@link #densityRows} rows. */
    public double unusualShortRate;
    /** Since version 4: the long-run rate of unusual rows. */
    public double unusualLongRate;
    /** Since version 4: rows the density component has seen. */
    public long unusualCount;

    /** Since version 6: decay time, in hours, of the aftershock bar. */
    public double aftershockHours;
    /** Since version 6: days of the record range (length of the record arrays). */
    public int recordDays;
    /** Since version 6: fraction of the range's width a record must exceed it by. */
    public double recordTolerance;
    /** Since version 6: the whole surprise of the last scoring row, decayed since. */
    public double aftershockBar;
    /** Since version 6: rows the record component has seen. */
    public long recordRows;
    /** Since version 6: rows since a record range last widened (a large number before any row). */
    public long rowsSinceWidening;
    /** Since version 6: the values before the current one, newest first (for the short average). */
    public double[] recentValues;
    /** Since version 6: the latest day (epoch day) the record component has seen. */
    public int recordLatestDay;
    /** Since version 6: when the current record range began (epoch second), or {@link #NO_TIME}. */
    public long recordSince = NO_TIME;
    /** Since version 6: per daily bucket, its epoch day or {@code Integer.MIN_VALUE} when empty. */
    public int[] recordDay;
    /** Since version 6: per daily bucket, its rows. */
    public int[] recordCount;
    /** Since version 6: per daily bucket, the range of the values (NaN when the bucket has none). */
    public double[] recordValueMin;
    public double[] recordValueMax;
    /** Since version 6: per daily bucket, the range of the short averages (NaN when none). */
    public double[] recordMeanMin;
    public double[] recordMeanMax;

    /** Since version 7: rows of the sustained-level view (0 when off). */
    public int sustainedRows;
    /** Since version 7: the last {@link #sustainedRows} values, newest first. */
    public double[] sustainedValues;
    /** Since version 7: the scores of the last {@link #sustainedRows} rows, newest first. */
    public double[] recentScores;
    /** Since version 7: how many of {@link #sustainedValues} are filled. */
    public int sustainedCount;
    /** Since version 7: rows since the sustained range last widened (a large number before any). */
    public long sustainedSinceWidening;
    /** Since version 7: per daily bucket, the highest low of the last {@link #sustainedRows} values (NaN: none). */
    public double[] recordLowMax;
    /** Since version 7: per daily bucket, the lowest high of the last {@link #sustainedRows} values (NaN: none). */
    public double[] recordHighMin;

    /** Since version 8: the scores before the repeat filter of the last 6 rows, newest first. */
    public double[] repeatScores;
    /**
     * Since version 8: per time-of-day bucket (48 of 30 minutes), the latest epoch day on which a row
     * scored at least the repeat filter's candidate score there ({@code Integer.MIN_VALUE}: none).
     */
    public int[] recurrenceDay;
    /** Since version 8: per time-of-day bucket, bit {@code k} set when day {@code recurrenceDay - k} had such a row. */
    public int[] recurrenceMask;

    /** Since version 9: per hour of the UTC week (168), the weekly profile's mean. */
    public double[] weeklyMean;
    /** Since version 9: per hour of the UTC week, the rows the profile has seen there. */
    public int[] weeklyCount;
    /** Since version 9: the weekly level's first row's time ({@link #NO_TIME}: none). */
    public long weeklySince = NO_TIME;
    /** Since version 9: the weekly level's record range (of the value minus the weekly profile), as {@link #recordRows}. */
    public long weeklyRecordRows;
    /** Since version 9: as {@link #rowsSinceWidening}, for the weekly level's range. */
    public long weeklyRowsSinceWidening;
    /** Since version 9: as {@link #recentValues}, for the weekly level's range. */
    public double[] weeklyRecentValues;
    /** Since version 9: as {@link #recordLatestDay}, for the weekly level's range. */
    public int weeklyRecordLatestDay;
    /** Since version 9: as {@link #recordSince}, for the weekly level's range. */
    public long weeklyRecordSince = NO_TIME;
    /** Since version 9: as {@link #recordDay}, for the weekly level's range. */
    public int[] weeklyRecordDay;
    /** Since version 9: as {@link #recordCount}, for the weekly level's range. */
    public int[] weeklyRecordCount;
    /** Since version 9: as {@link #recordValueMin}, for the weekly level's range. */
    public double[] weeklyRecordValueMin;
    /** Since version 9: as {@link #recordValueMax}, for the weekly level's range. */
    public double[] weeklyRecordValueMax;
    /** Since version 9: as {@link #recordMeanMin}, for the weekly level's range. */
    public double[] weeklyRecordMeanMin;
    /** Since version 9: as {@link #recordMeanMax}, for the weekly level's range. */
    public double[] weeklyRecordMeanMax;
    /** Since version 9: as {@link #sustainedValues}, for the weekly level's range. */
    public double[] weeklySustainedValues;
    /** Since version 9: as {@link #recentScores}, for the weekly level's range. */
    public double[] weeklyRecentScores;
    /** Since version 9: as {@link #sustainedCount}, for the weekly level's range. */
    public int weeklySustainedCount;
    /** Since version 9: as {@link #sustainedSinceWidening}, for the weekly level's range. */
    public long weeklySustainedSinceWidening;
    /** Since version 9: as {@link #recordLowMax}, for the weekly level's range. */
    public double[] weeklyRecordLowMax;
    /** Since version 9: as {@link #recordHighMin}, for the weekly level's range. */
    public double[] weeklyRecordHighMin;

    public DetectorState() {
    }

    /**
     * The novelty memory, in days, that a version 1 or 2 state's {@code noveltyRows} becomes: rows
     * of {@link #LEGACY_SECONDS_PER_ROW} seconds (8000 rows, the old default, are 27.8 days).
     */
    public static double legacyNoveltyDays(int noveltyRows) {
        return Math.min(36_500, noveltyRows * LEGACY_SECONDS_PER_ROW / 86_400);
    }

    /**
     * The compact byte form: magic, {@link #CURRENT_VERSION}, then every field in declaration
     * order (a state still at an older version is written in the current layout).
     */
    public byte[] toBytes() {
        StateBytes.Writer out = new StateBytes.Writer(512 + 12 * seasonBuckets + 64 * Math.max(recordDays, 0)
                + 16 * Math.max(sustainedRows, 0) + 512);
        out.writeInt(MAGIC);
        out.writeInt(CURRENT_VERSION);
        out.writeInt(warmupRows);
        out.writeDouble(levelAlpha);
        out.writeDouble(scaleAlpha);
        out.writeDouble(longAlpha);
        out.writeInt(seasonBuckets);
        out.writeDouble(seasonAlpha);
        out.writeInt(calibrationRows);
        out.writeDouble(version < 3 ? legacyNoveltyDays(noveltyRows) : noveltyDays);
        out.writeDouble(halfScoreSurprise);
        out.writeLong(rows);
        out.writeDouble(level);
        out.writeDouble(levelScale);
        out.writeDouble(longMean);
        out.writeDouble(longAbsDev);
        out.writeDouble(seasonScale);
        writeDoubles(out, seasonMean);
        writeInts(out, seasonCount);
        writeDoubles(out, calibrationMean);
        writeDoubles(out, calibrationVar);
        out.writeInt(calibrationCount.length);
        for (long c : calibrationCount) {
            out.writeLong(c);
        }
        out.writeDouble(peakSurprise);
        boolean[] outliers = calibrationOutlier != null ? calibrationOutlier : new boolean[calibrationCount.length];
        out.writeInt(outliers.length);
        for (boolean b : outliers) {
            out.writeBoolean(b);
        }
        out.writeLong(version < 3 ? NO_TIME : lastEpochSecond);
        boolean density = version >= 4;
        out.writeInt(density ? densityRows : LEGACY_DENSITY_ROWS);
        out.writeDouble(density ? unusualShortRate : 0.0);
        out.writeDouble(density ? unusualLongRate : 0.0);
        out.writeLong(density ? unusualCount : 0L);
        int[] runs = outlierRuns(this);
        writeInts(out, runs);
        DetectorState v6 = version >= 6 ? this : emptyVersionSixFields();
        out.writeDouble(v6.aftershockHours);
        out.writeInt(v6.recordDays);
        out.writeDouble(v6.recordTolerance);
        out.writeDouble(v6.aftershockBar);
        out.writeLong(v6.recordRows);
        out.writeLong(v6.rowsSinceWidening);
        writeDoubles(out, v6.recentValues);
        out.writeInt(v6.recordLatestDay);
        out.writeLong(v6.recordSince);
        writeInts(out, v6.recordDay);
        writeInts(out, v6.recordCount);
        writeDoubles(out, v6.recordValueMin);
        writeDoubles(out, v6.recordValueMax);
        writeDoubles(out, v6.recordMeanMin);
        writeDoubles(out, v6.recordMeanMax);
        DetectorState v7 = version >= 7 ? this : emptyVersionSevenFields(v6.recordDays);
        out.writeInt(v7.sustainedRows);
        writeDoubles(out, v7.sustainedValues);
        writeDoubles(out, v7.recentScores);
        out.writeInt(v7.sustainedCount);
        out.writeLong(v7.sustainedSinceWidening);
        writeDoubles(out, v7.recordLowMax);
        writeDoubles(out, v7.recordHighMin);
        DetectorState v8 = version >= 8 ? this : emptyVersionEightFields();
        writeDoubles(out, v8.repeatScores);
        writeInts(out, v8.recurrenceDay);
        writeInts(out, v8.recurrenceMask);
        DetectorState v9 = version >= 9 ? this : emptyVersionNineFields(v6.recordDays, v7.sustainedRows);
        writeDoubles(out, v9.weeklyMean);
        writeInts(out, v9.weeklyCount);
        out.writeLong(v9.weeklySince);
        out.writeLong(v9.weeklyRecordRows);
        out.writeLong(v9.weeklyRowsSinceWidening);
        writeDoubles(out, v9.weeklyRecentValues);
        out.writeInt(v9.weeklyRecordLatestDay);
        out.writeLong(v9.weeklyRecordSince);
        writeInts(out, v9.weeklyRecordDay);
        writeInts(out, v9.weeklyRecordCount);
        writeDoubles(out, v9.weeklyRecordValueMin);
        writeDoubles(out, v9.weeklyRecordValueMax);
        writeDoubles(out, v9.weeklyRecordMeanMin);
        writeDoubles(out, v9.weeklyRecordMeanMax);
        writeDoubles(out, v9.weeklySustainedValues);
        writeDoubles(out, v9.weeklyRecentScores);
        out.writeInt(v9.weeklySustainedCount);
        out.writeLong(v9.weeklySustainedSinceWidening);
        writeDoubles(out, v9.weeklyRecordLowMax);
        writeDoubles(out, v9.weeklyRecordHighMin);
        return out.toByteArray();
    }

    /** Throws unless this code can read states of {@code version}. */
    static void requireKnownVersion(int version) {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("unknown detector state version " + version
                    + "; this code reads versions 1 to " + CURRENT_VERSION);
        }
    }

    /**
     * Reads the byte form of this or an earlier version; the result is always a current-version
     * state.
     *
     * @throws IllegalArgumentException if the bytes are not a detector state, or were written by
     *     a version this code does not know
     */
    public static DetectorState fromBytes(byte[] bytes) {
        try {
            StateBytes.Reader in = new StateBytes.Reader(bytes);
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a detector state (bad magic number)");
            }
            int version = in.readInt();
            requireKnownVersion(version);
            DetectorState s = new DetectorState();
            s.version = CURRENT_VERSION;
            s.warmupRows = in.readInt();
            s.levelAlpha = in.readDouble();
            s.scaleAlpha = in.readDouble();
            s.longAlpha = in.readDouble();
            s.seasonBuckets = in.readInt();
            s.seasonAlpha = in.readDouble();
            s.calibrationRows = in.readInt();
            if (version >= 3) {
                s.noveltyDays = in.readDouble();
            } else {
                s.noveltyDays = legacyNoveltyDays(in.readInt());
            }
            s.halfScoreSurprise = in.readDouble();
            s.rows = in.readLong();
            s.level = in.readDouble();
            s.levelScale = in.readDouble();
            s.longMean = in.readDouble();
            s.longAbsDev = in.readDouble();
            s.seasonScale = in.readDouble();
            s.seasonMean = readDoubles(in);
            s.seasonCount = readInts(in);
            s.calibrationMean = readDoubles(in);
            s.calibrationVar = readDoubles(in);
            s.calibrationCount = new long[readLength(in)];
            for (int i = 0; i < s.calibrationCount.length; i++) {
                s.calibrationCount[i] = in.readLong();
            }
            s.peakSurprise = in.readDouble();
            if (version >= 2) {
                s.calibrationOutlier = new boolean[readLength(in)];
                for (int i = 0; i < s.calibrationOutlier.length; i++) {
                    s.calibrationOutlier[i] = in.readBoolean();
                }
            } else {
                s.calibrationOutlier = new boolean[s.calibrationCount.length];
            }
            s.lastEpochSecond = version >= 3 ? in.readLong() : NO_TIME;
            if (version >= 4) {
                s.densityRows = in.readInt();
                s.unusualShortRate = in.readDouble();
                s.unusualLongRate = in.readDouble();
                s.unusualCount = in.readLong();
            } else {
                s.densityRows = LEGACY_DENSITY_ROWS;
            }
            if (version >= 5) {
                s.calibrationOutlierRun = readInts(in);
            } else {
                s.calibrationOutlierRun = outlierRuns(s);
            }
            if (version >= 6) {
                s.aftershockHours = in.readDouble();
                s.recordDays = in.readInt();
                s.recordTolerance = in.readDouble();
                s.aftershockBar = in.readDouble();
                s.recordRows = in.readLong();
                s.rowsSinceWidening = in.readLong();
                s.recentValues = readDoubles(in);
                s.recordLatestDay = in.readInt();
                s.recordSince = in.readLong();
                s.recordDay = readInts(in);
                s.recordCount = readInts(in);
                s.recordValueMin = readDoubles(in);
                s.recordValueMax = readDoubles(in);
                s.recordMeanMin = readDoubles(in);
                s.recordMeanMax = readDoubles(in);
            } else {
                fillEmptyVersionSixFields(s);
            }
            if (version >= 7) {
                s.sustainedRows = in.readInt();
                s.sustainedValues = readDoubles(in);
                s.recentScores = readDoubles(in);
                s.sustainedCount = in.readInt();
                s.sustainedSinceWidening = in.readLong();
                s.recordLowMax = readDoubles(in);
                s.recordHighMin = readDoubles(in);
            } else {
                fillEmptyVersionSevenFields(s);
            }
            if (version >= 8) {
                s.repeatScores = readDoubles(in);
                s.recurrenceDay = readInts(in);
                s.recurrenceMask = readInts(in);
            } else {
                RepeatFilter.Mapper.toEmptyState(s);
            }
            if (version >= 9) {
                s.weeklyMean = readDoubles(in);
                s.weeklyCount = readInts(in);
                s.weeklySince = in.readLong();
                s.weeklyRecordRows = in.readLong();
                s.weeklyRowsSinceWidening = in.readLong();
                s.weeklyRecentValues = readDoubles(in);
                s.weeklyRecordLatestDay = in.readInt();
                s.weeklyRecordSince = in.readLong();
                s.weeklyRecordDay = readInts(in);
                s.weeklyRecordCount = readInts(in);
                s.weeklyRecordValueMin = readDoubles(in);
                s.weeklyRecordValueMax = readDoubles(in);
                s.weeklyRecordMeanMin = readDoubles(in);
                s.weeklyRecordMeanMax = readDoubles(in);
                s.weeklySustainedValues = readDoubles(in);
                s.weeklyRecentScores = readDoubles(in);
                s.weeklySustainedCount = in.readInt();
                s.weeklySustainedSinceWidening = in.readLong();
                s.weeklyRecordLowMax = readDoubles(in);
                s.weeklyRecordHighMin = readDoubles(in);
            } else {
                WeeklyLevel.Mapper.toEmptyState(s);
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("detector state has " + in.available() + " trailing bytes");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated detector state", e);
        }
    }

    /** A state whose version-6 fields are as a state of an earlier version gets them. */
    private static DetectorState emptyVersionSixFields() {
        DetectorState copy = new DetectorState();
        fillEmptyVersionSixFields(copy);
        return copy;
    }

    /**
     * Sets the fields version 6 added as a state of an earlier version gets them: default
     * parameters, no aftershock bar, empty record ranges.
     */
    static void fillEmptyVersionSixFields(DetectorState s) {
        s.aftershockHours = DetectorConfig.DEFAULT_AFTERSHOCK_HOURS;
        s.recordDays = DetectorConfig.DEFAULT_RECORD_DAYS;
        s.recordTolerance = DetectorConfig.DEFAULT_RECORD_TOLERANCE;
        s.aftershockBar = 0.0;
        s.recordRows = 0;
        s.rowsSinceWidening = RecordRange.NO_RECORD_YET;
        s.recentValues = new double[RecordRange.MEAN_ROWS - 1];
        s.recordLatestDay = RecordRange.EMPTY_DAY;
        s.recordSince = NO_TIME;
        s.recordDay = new int[s.recordDays];
        Arrays.fill(s.recordDay, RecordRange.EMPTY_DAY);
        s.recordCount = new int[s.recordDays];
        s.recordValueMin = nans(s.recordDays);
        s.recordValueMax = nans(s.recordDays);
        s.recordMeanMin = nans(s.recordDays);
        s.recordMeanMax = nans(s.recordDays);
    }

    /** A state whose version-7 fields are as a state of an earlier version gets them. */
    private static DetectorState emptyVersionSevenFields(int recordDays) {
        DetectorState copy = new DetectorState();
        copy.recordDays = recordDays;
        fillEmptyVersionSevenFields(copy);
        return copy;
    }

    /**
     * Sets the fields version 7 added as a state of an earlier version gets them: the default
     * {@code sustainedRows} and an empty sustained-level view (one bucket per {@link #recordDays}).
     */
    static void fillEmptyVersionSevenFields(DetectorState s) {
        s.sustainedRows = DetectorConfig.DEFAULT_SUSTAINED_ROWS;
        s.sustainedValues = new double[s.sustainedRows];
        s.recentScores = new double[s.sustainedRows];
        s.sustainedCount = 0;
        s.sustainedSinceWidening = RecordRange.NO_RECORD_YET;
        s.recordLowMax = nans(s.recordDays);
        s.recordHighMin = nans(s.recordDays);
    }

    /** A state whose version-8 fields are as a state of an earlier version gets them (an empty repeat filter). */
    private static DetectorState emptyVersionEightFields() {
        DetectorState copy = new DetectorState();
        RepeatFilter.Mapper.toEmptyState(copy);
        return copy;
    }

    /** A state whose version-9 fields are as a state of an earlier version gets them (an empty weekly level). */
    private static DetectorState emptyVersionNineFields(int recordDays, int sustainedRows) {
        DetectorState copy = new DetectorState();
        copy.recordDays = recordDays;
        copy.sustainedRows = sustainedRows;
        WeeklyLevel.Mapper.toEmptyState(copy);
        return copy;
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * The outlier runs of {@code s}: its own from version 5 on, else one for every flagged
     * component (the older layouts only knew whether the previous row was an outlier).
     */
    private static int[] outlierRuns(DetectorState s) {
        if (s.version >= 5 && s.calibrationOutlierRun != null) {
            return s.calibrationOutlierRun.clone();
        }
        boolean[] flags = s.calibrationOutlier != null ? s.calibrationOutlier : new boolean[s.calibrationCount.length];
        int[] runs = new int[flags.length];
        for (int i = 0; i < flags.length; i++) {
            runs[i] = flags[i] ? 1 : 0;
        }
        return runs;
    }

    private static void writeDoubles(StateBytes.Writer out, double[] values) {
        out.writeDoubles(values);
    }

    private static void writeInts(StateBytes.Writer out, int[] values) {
        out.writeInts(values);
    }

    private static int[] readInts(StateBytes.Reader in) throws IOException {
        int[] values = new int[readLength(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    private static double[] readDoubles(StateBytes.Reader in) throws IOException {
        return in.readDoubles(readLength(in));
    }

    private static int readLength(StateBytes.Reader in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("corrupt detector state (array length " + length + ")");
        }
        return length;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DetectorState s)) {
            return false;
        }
        return version == s.version && warmupRows == s.warmupRows && levelAlpha == s.levelAlpha
                && scaleAlpha == s.scaleAlpha && longAlpha == s.longAlpha
                && seasonBuckets == s.seasonBuckets && seasonAlpha == s.seasonAlpha
                && calibrationRows == s.calibrationRows && noveltyRows == s.noveltyRows
                && Double.compare(noveltyDays, s.noveltyDays) == 0 && lastEpochSecond == s.lastEpochSecond
                && densityRows == s.densityRows && Double.compare(unusualShortRate, s.unusualShortRate) == 0
                && Double.compare(unusualLongRate, s.unusualLongRate) == 0 && unusualCount == s.unusualCount
                && halfScoreSurprise == s.halfScoreSurprise && rows == s.rows
                && Double.compare(level, s.level) == 0 && Double.compare(levelScale, s.levelScale) == 0
                && Double.compare(longMean, s.longMean) == 0 && Double.compare(longAbsDev, s.longAbsDev) == 0 && Double.compare(seasonScale, s.seasonScale) == 0
                && Arrays.equals(seasonMean, s.seasonMean) && Arrays.equals(seasonCount, s.seasonCount)
                && Arrays.equals(calibrationMean, s.calibrationMean) && Arrays.equals(calibrationVar, s.calibrationVar)
                && Arrays.equals(calibrationCount, s.calibrationCount)
                && Arrays.equals(calibrationOutlier, s.calibrationOutlier)
                && Arrays.equals(calibrationOutlierRun, s.calibrationOutlierRun)
                && Double.compare(peakSurprise, s.peakSurprise) == 0
                && Double.compare(aftershockHours, s.aftershockHours) == 0 && recordDays == s.recordDays
                && Double.compare(recordTolerance, s.recordTolerance) == 0
                && Double.compare(aftershockBar, s.aftershockBar) == 0 && recordRows == s.recordRows
                && rowsSinceWidening == s.rowsSinceWidening && Arrays.equals(recentValues, s.recentValues)
                && recordLatestDay == s.recordLatestDay && recordSince == s.recordSince && Arrays.equals(recordDay, s.recordDay)
                && Arrays.equals(recordCount, s.recordCount)
                && Arrays.equals(recordValueMin, s.recordValueMin) && Arrays.equals(recordValueMax, s.recordValueMax)
                && Arrays.equals(recordMeanMin, s.recordMeanMin) && Arrays.equals(recordMeanMax, s.recordMeanMax)
                && sustainedRows == s.sustainedRows && Arrays.equals(sustainedValues, s.sustainedValues)
                && Arrays.equals(recentScores, s.recentScores)
                && sustainedCount == s.sustainedCount && sustainedSinceWidening == s.sustainedSinceWidening
                && Arrays.equals(recordLowMax, s.recordLowMax) && Arrays.equals(recordHighMin, s.recordHighMin)
                && Arrays.equals(repeatScores, s.repeatScores) && Arrays.equals(recurrenceDay, s.recurrenceDay)
                && Arrays.equals(recurrenceMask, s.recurrenceMask)
                && Arrays.equals(weeklyMean, s.weeklyMean) && Arrays.equals(weeklyCount, s.weeklyCount)
                && weeklySince == s.weeklySince && weeklyRecordRows == s.weeklyRecordRows
                && weeklyRowsSinceWidening == s.weeklyRowsSinceWidening
                && Arrays.equals(weeklyRecentValues, s.weeklyRecentValues)
                && weeklyRecordLatestDay == s.weeklyRecordLatestDay && weeklyRecordSince == s.weeklyRecordSince
                && Arrays.equals(weeklyRecordDay, s.weeklyRecordDay) && Arrays.equals(weeklyRecordCount, s.weeklyRecordCount)
                && Arrays.equals(weeklyRecordValueMin, s.weeklyRecordValueMin)
                && Arrays.equals(weeklyRecordValueMax, s.weeklyRecordValueMax)
                && Arrays.equals(weeklyRecordMeanMin, s.weeklyRecordMeanMin)
                && Arrays.equals(weeklyRecordMeanMax, s.weeklyRecordMeanMax)
                && Arrays.equals(weeklySustainedValues, s.weeklySustainedValues)
                && Arrays.equals(weeklyRecentScores, s.weeklyRecentScores)
                && weeklySustainedCount == s.weeklySustainedCount
                && weeklySustainedSinceWidening == s.weeklySustainedSinceWidening
                && Arrays.equals(weeklyRecordLowMax, s.weeklyRecordLowMax)
                && Arrays.equals(weeklyRecordHighMin, s.weeklyRecordHighMin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, rows, level, longMean, Arrays.hashCode(seasonMean), peakSurprise);
    }
}
