package io.auspex.models.detector;

/**
 * Parameters of {@link StreamingDetector}. Every one has a default that serves series of very
 * different shapes and cadences; see docs/detector.md for the table.
 *
 * @param warmupRows rows at the start of a series that always score 0 while the statistics fill
 * @param levelAlpha smoothing of the short-term level that the point residual is measured against
 * @param scaleAlpha smoothing of the residual scales (mean absolute residual)
 * @param longAlpha smoothing of the long-term level and spread, which set a floor under the residual scales
 * @param seasonBuckets time-of-day buckets of the daily profile (each bucket is 86400 / buckets seconds)
 * @param seasonAlpha smoothing of each daily-profile bucket when a row lands in it
 * @param calibrationRows memory, in rows, of each component's score distribution (anomaly likelihood), and of
 *     the long-run rate of unusual rows
 * @param densityRows memory, in rows, of the recent rate of unusual rows that the density component compares
 *     with its long-run rate
 * @param noveltyDays memory, in days of the series' own timestamps, of the decaying peak surprise that a new
 *     surprise must exceed to score (the peak falls by a factor e per {@code noveltyDays}, whatever the cadence)
 * @param halfScoreSurprise surprise (in -log10 of the tail probability) that maps to a score of 0.5
 * @param aftershockHours after a row scores, its whole surprise stays a bar for the rows that follow,
 *     decaying by a factor e per {@code aftershockHours} of the series' own time (an event scores once)
 * @param recordDays the range a record is measured against: the values of the last {@code recordDays}
 *     days (daily buckets, by the series' own timestamps)
 * @param recordTolerance a record is a value (or a short average) beyond that range by more than this
 *     fraction of the range's width
 * @param sustainedRows rows of the sustained-level view of the records: the lowest of the last
 *     {@code sustainedRows} values above the highest such low of the record range (or the highest
 *     below the lowest such high) is a level that has moved and stayed; 0 turns the view off
 */
public record DetectorConfig(int warmupRows, double levelAlpha, double scaleAlpha, double longAlpha,
                             int seasonBuckets, double seasonAlpha, int calibrationRows, int densityRows,
                             double noveltyDays, double halfScoreSurprise, double aftershockHours,
                             int recordDays, double recordTolerance, int sustainedRows) {

    /** Default {@link #aftershockHours()}; also what a state saved before it existed gets. */
    public static final double DEFAULT_AFTERSHOCK_HOURS = 8.0;
    /** Default {@link #recordDays()}; also what a state saved before it existed gets. */
    public static final int DEFAULT_RECORD_DAYS = 60;
    /** Default {@link #recordTolerance()}; also what a state saved before it existed gets. */
    public static final double DEFAULT_RECORD_TOLERANCE = 0.05;
    /** Default {@link #sustainedRows()}; also what a state saved before it existed gets. */
    public static final int DEFAULT_SUSTAINED_ROWS = 6;

    /** This configuration with another {@link #sustainedRows()} (0: the sustained-level view off). */
    public DetectorConfig withSustainedRows(int rows) {
        return new DetectorConfig(warmupRows, levelAlpha, scaleAlpha, longAlpha, seasonBuckets, seasonAlpha,
                calibrationRows, densityRows, noveltyDays, halfScoreSurprise, aftershockHours, recordDays,
                recordTolerance, rows);
    }

    /** The defaults, chosen on the NAB development set and kept round. */
    public static final DetectorConfig DEFAULTS =
            new DetectorConfig(150, 0.1, 0.01, 0.002, 48, 0.03, 2000, 100, 28.0, 2.0, DEFAULT_AFTERSHOCK_HOURS,
                    DEFAULT_RECORD_DAYS, DEFAULT_RECORD_TOLERANCE, DEFAULT_SUSTAINED_ROWS);

    /**
     * The thirteen-parameter form of version 6, with {@link #sustainedRows()} at its default.
     */
    public DetectorConfig(int warmupRows, double levelAlpha, double scaleAlpha, double longAlpha,
                          int seasonBuckets, double seasonAlpha, int calibrationRows, int densityRows,
                          double noveltyDays, double halfScoreSurprise, double aftershockHours,
                          int recordDays, double recordTolerance) {
        this(warmupRows, levelAlpha, scaleAlpha, longAlpha, seasonBuckets, seasonAlpha, calibrationRows,
                densityRows, noveltyDays, halfScoreSurprise, aftershockHours, recordDays, recordTolerance,
                DEFAULT_SUSTAINED_ROWS);
    }

    /**
     * The same configuration as the ten-parameter form of earlier versions, with the aftershock,
     * record and sustained-level parameters at their defaults.
     */
    public DetectorConfig(int warmupRows, double levelAlpha, double scaleAlpha, double longAlpha,
                          int seasonBuckets, double seasonAlpha, int calibrationRows, int densityRows,
                          double noveltyDays, double halfScoreSurprise) {
        this(warmupRows, levelAlpha, scaleAlpha, longAlpha, seasonBuckets, seasonAlpha, calibrationRows,
                densityRows, noveltyDays, halfScoreSurprise, DEFAULT_AFTERSHOCK_HOURS, DEFAULT_RECORD_DAYS,
                DEFAULT_RECORD_TOLERANCE, DEFAULT_SUSTAINED_ROWS);
    }

    public DetectorConfig {
        requireRange("warmupRows", warmupRows, 1, 1_000_000);
        requireAlpha("levelAlpha", levelAlpha);
        requireAlpha("scaleAlpha", scaleAlpha);
        requireAlpha("longAlpha", longAlpha);
        requireRange("seasonBuckets", seasonBuckets, 2, 1440);
        requireAlpha("seasonAlpha", seasonAlpha);
        requireRange("calibrationRows", calibrationRows, 10, 10_000_000);
        requireRange("densityRows", densityRows, 2, 10_000_000);
        if (!(noveltyDays > 0 && noveltyDays <= 36_500)) {
            throw new IllegalArgumentException("noveltyDays must be in (0, 36500], got " + noveltyDays);
        }
        if (!(halfScoreSurprise > 0) || !Double.isFinite(halfScoreSurprise)) {
            throw new IllegalArgumentException("halfScoreSurprise must be a positive number, got " + halfScoreSurprise);
        }
        if (!(aftershockHours > 0 && aftershockHours <= 876_000)) {
            throw new IllegalArgumentException("aftershockHours must be in (0, 876000], got " + aftershockHours);
        }
        requireRange("recordDays", recordDays, 1, 3660);
        if (!(recordTolerance > 0 && recordTolerance <= 10)) {
            throw new IllegalArgumentException("recordTolerance must be in (0, 10], got " + recordTolerance);
        }
        if (sustainedRows != 0) {
            requireRange("sustainedRows (0 for off)", sustainedRows, 2, 1000);
        }
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    private static void requireAlpha(String name, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + value);
        }
    }
}
