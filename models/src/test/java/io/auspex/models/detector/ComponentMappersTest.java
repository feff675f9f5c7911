package io.auspex.models.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auspex.models.testutil.SyntheticSeries;
import org.junit.jupiter.api.Test;

/**
 * Each component's mapper: its part of a trained {@link DetectorState} goes to the model and back
 * unchanged, and a model restored from it continues exactly like the original detector.
 */
class ComponentMappersTest {

    /** Six days of a daily wave with noise, a spike and a level shift: every component has learned something. */
    private static DetectorState trained() {
        StreamingDetector detector = new StreamingDetector();
        double[] values = SyntheticSeries.of(6 * SyntheticSeries.ROWS_PER_DAY).constant(50).dailySine(5)
                .gaussianNoise(1, 9).spike(1000, 30).levelShift(1400, 8).values();
        for (int i = 0; i < values.length; i++) {
            detector.score(SyntheticSeries.timestamp(i), values[i]);
        }
        return detector.snapshot();
    }

    /** An empty current-layout state to map into, with the arrays of the trained one's sizes. */
    private static DetectorState emptyLike(DetectorState s) {
        DetectorState empty = new DetectorState();
        empty.calibrationMean = new double[s.calibrationMean.length];
        empty.calibrationVar = new double[s.calibrationVar.length];
        empty.calibrationCount = new long[s.calibrationCount.length];
        empty.calibrationOutlier = new boolean[s.calibrationOutlier.length];
        empty.calibrationOutlierRun = new int[s.calibrationOutlierRun.length];
        return empty;
    }

    @Test
    void residualsRoundTrip() {
        DetectorState s = trained();
        DetectorState back = emptyLike(s);
        Residuals.Mapper.toState(Residuals.Mapper.toModel(s, DetectorConfig.DEFAULTS), back);
        assertEquals(s.level, back.level);
        assertEquals(s.levelScale, back.levelScale);
        assertEquals(s.longMean, back.longMean);
        assertEquals(s.longAbsDev, back.longAbsDev);
        assertEquals(s.seasonScale, back.seasonScale);
        assertArrayEquals(s.seasonMean, back.seasonMean);
        assertArrayEquals(s.seasonCount, back.seasonCount);
        s.seasonMean = new double[3];
        assertThrows(IllegalArgumentException.class, () -> Residuals.Mapper.toModel(s, DetectorConfig.DEFAULTS));
    }

    @Test
    void calibrationsRoundTrip() {
        DetectorState s = trained();
        DetectorState back = emptyLike(s);
        for (int c = 0; c < Residuals.COMPONENTS; c++) {
            Calibration.Mapper.toState(Calibration.Mapper.toModel(s, c), back, c);
        }
        assertArrayEquals(s.calibrationMean, back.calibrationMean);
        assertArrayEquals(s.calibrationVar, back.calibrationVar);
        assertArrayEquals(s.calibrationCount, back.calibrationCount);
        assertArrayEquals(s.calibrationOutlier, back.calibrationOutlier);
        assertArrayEquals(s.calibrationOutlierRun, back.calibrationOutlierRun);
        s.calibrationOutlierRun[1] = Calibration.CLIPPED_OUTLIERS_IN_A_ROW + 1;
        assertThrows(IllegalArgumentException.class, () -> Calibration.Mapper.toModel(s, 1));
    }

    @Test
    void densityRoundTrip() {
        DetectorState s = trained();
        DetectorState back = emptyLike(s);
        DensityRate.Mapper.toState(DensityRate.Mapper.toModel(s), back);
        assertEquals(s.unusualShortRate, back.unusualShortRate);
        assertEquals(s.unusualLongRate, back.unusualLongRate);
        assertEquals(s.unusualCount, back.unusualCount);
        s.unusualLongRate = 1.5;
        assertThrows(IllegalArgumentException.class, () -> DensityRate.Mapper.toModel(s));
    }

    @Test
    void noveltyFilterRoundTrip() {
        DetectorState s = trained();
        assertNotEquals(0.0, s.peakSurprise, "the peak has learned");
        DetectorState back = emptyLike(s);
        NoveltyFilter.Mapper.toState(NoveltyFilter.Mapper.toModel(s, DetectorConfig.DEFAULTS), back);
        assertEquals(s.peakSurprise, back.peakSurprise);
        assertEquals(s.aftershockBar, back.aftershockBar);
        s.peakSurprise = -1;
        assertThrows(IllegalArgumentException.class, () -> NoveltyFilter.Mapper.toModel(s, DetectorConfig.DEFAULTS));
    }

    @Test
    void recordRangeRoundTrip() {
        DetectorState s = trained();
        DetectorState back = emptyLike(s);
        RecordRange.Mapper.toState(RecordRange.Mapper.toModel(s, DetectorConfig.DEFAULTS), back);
        assertEquals(s.recordRows, back.recordRows);
        assertEquals(s.rowsSinceWidening, back.rowsSinceWidening);
        assertArrayEquals(s.recentValues, back.recentValues);
        assertEquals(s.recordLatestDay, back.recordLatestDay);
        assertEquals(s.recordSince, back.recordSince);
        assertArrayEquals(s.recordDay, back.recordDay);
        assertArrayEquals(s.recordCount, back.recordCount);
        assertArrayEquals(s.recordValueMin, back.recordValueMin);
        assertArrayEquals(s.recordValueMax, back.recordValueMax);
        assertArrayEquals(s.recordMeanMin, back.recordMeanMin);
        assertArrayEquals(s.recordMeanMax, back.recordMeanMax);
        assertArrayEquals(s.sustainedValues, back.sustainedValues);
        assertArrayEquals(s.recentScores, back.recentScores);
        assertEquals(s.sustainedCount, back.sustainedCount);
        assertEquals(s.sustainedSinceWidening, back.sustainedSinceWidening);
        assertArrayEquals(s.recordLowMax, back.recordLowMax);
        assertArrayEquals(s.recordHighMin, back.recordHighMin);
        s.sustainedCount = -1;
        assertThrows(IllegalArgumentException.class, () -> RecordRange.Mapper.toModel(s, DetectorConfig.DEFAULTS));
    }

    @Test
    void repeatFilterRoundTrip() {
        RepeatFilter filter = new RepeatFilter();
        long t = SyntheticSeries.timestamp(0);
        for (int d = 0; d < 3; d++) {
            filter.filter(t + d * 86_400L, 0.5, 0.0);
            filter.filter(t + d * 86_400L + 300, 0.1, 0.0);
        }
        DetectorState s = emptyLike(trained());
        RepeatFilter.Mapper.toState(filter, s);
        assertNotEquals(0, java.util.Arrays.stream(s.recurrenceMask).sum(), "the filter has seen occurrences");
        DetectorState back = emptyLike(s);
        RepeatFilter.Mapper.toState(RepeatFilter.Mapper.toModel(s), back);
        assertArrayEquals(s.repeatScores, back.repeatScores);
        assertArrayEquals(s.recurrenceDay, back.recurrenceDay);
        assertArrayEquals(s.recurrenceMask, back.recurrenceMask);
        s.recurrenceMask = new int[1];
        assertThrows(IllegalArgumentException.class, () -> RepeatFilter.Mapper.toModel(s));
    }

    @Test
    void weeklyLevelRoundTrip() {
        WeeklyLevel weekly = new WeeklyLevel(DetectorConfig.DEFAULTS);
        double[] values = SyntheticSeries.of(4 * 7 * SyntheticSeries.ROWS_PER_DAY).constant(50).dailySine(5)
                .gaussianNoise(1, 11).values();
        for (int i = 0; i < values.length; i++) {
            weekly.observe(SyntheticSeries.timestamp(i), values[i]);
            weekly.noteScore(0.0);
        }
        DetectorState s = emptyLike(trained());
        WeeklyLevel.Mapper.toState(weekly, s);
        assertNotEquals(0, s.weeklyRecordRows, "the view has measured rows (the series spans 4 weeks)");
        DetectorState back = emptyLike(s);
        WeeklyLevel.Mapper.toState(WeeklyLevel.Mapper.toModel(s, DetectorConfig.DEFAULTS), back);
        assertArrayEquals(s.weeklyMean, back.weeklyMean);
        assertArrayEquals(s.weeklyCount, back.weeklyCount);
        assertEquals(s.weeklySince, back.weeklySince);
        assertEquals(s.weeklyRecordRows, back.weeklyRecordRows);
        assertEquals(s.weeklyRowsSinceWidening, back.weeklyRowsSinceWidening);
        assertArrayEquals(s.weeklyRecentValues, back.weeklyRecentValues);
        assertEquals(s.weeklyRecordLatestDay, back.weeklyRecordLatestDay);
        assertEquals(s.weeklyRecordSince, back.weeklyRecordSince);
        assertArrayEquals(s.weeklyRecordDay, back.weeklyRecordDay);
        assertArrayEquals(s.weeklyRecordCount, back.weeklyRecordCount);
        assertArrayEquals(s.weeklyRecordValueMin, back.weeklyRecordValueMin);
        assertArrayEquals(s.weeklyRecordValueMax, back.weeklyRecordValueMax);
        assertArrayEquals(s.weeklyRecordMeanMin, back.weeklyRecordMeanMin);
        assertArrayEquals(s.weeklyRecordMeanMax, back.weeklyRecordMeanMax);
        assertArrayEquals(s.weeklySustainedValues, back.weeklySustainedValues);
        assertArrayEquals(s.weeklyRecentScores, back.weeklyRecentScores);
        assertEquals(s.weeklySustainedCount, back.weeklySustainedCount);
        assertEquals(s.weeklySustainedSinceWidening, back.weeklySustainedSinceWidening);
        assertArrayEquals(s.weeklyRecordLowMax, back.weeklyRecordLowMax);
        assertArrayEquals(s.weeklyRecordHighMin, back.weeklyRecordHighMin);
        s.weeklyCount = new int[7];
        assertThrows(IllegalArgumentException.class, () -> WeeklyLevel.Mapper.toModel(s, DetectorConfig.DEFAULTS));
    }

    /** Restored after four weeks (the weekly level measuring), the detector continues exactly past the fifth (speaking). */
    @Test
    void theComposedDetectorContinuesExactlyWithAWeeklyLevel() {
        StreamingDetector original = new StreamingDetector();
        int week = 7 * SyntheticSeries.ROWS_PER_DAY;
        double[] values = SyntheticSeries.of(6 * week).constant(50).dailySine(5).gaussianNoise(1, 12)
                .levelShift(5 * week + 500, 10).values();
        for (int i = 0; i < 4 * week; i++) {
            original.score(SyntheticSeries.timestamp(i), values[i]);
        }
        StreamingDetector restored = StreamingDetector.restore(DetectorState.fromBytes(original.snapshot().toBytes()));
        for (int i = 4 * week; i < values.length; i++) {
            assertEquals(original.score(SyntheticSeries.timestamp(i), values[i]),
                    restored.score(SyntheticSeries.timestamp(i), values[i]), "row " + i);
        }
        assertEquals(original.snapshot(), restored.snapshot());
    }

    /** The composition: a detector restored from the components' states scores the next rows exactly like the original. */
    @Test
    void theComposedDetectorContinuesExactly() {
        StreamingDetector original = new StreamingDetector();
        double[] values = SyntheticSeries.of(8 * SyntheticSeries.ROWS_PER_DAY).constant(50).dailySine(5)
                .gaussianNoise(1, 10).spike(2000, 30).levelShift(5 * SyntheticSeries.ROWS_PER_DAY, 12).values();
        int half = 4 * SyntheticSeries.ROWS_PER_DAY;
        for (int i = 0; i < half; i++) {
            original.score(SyntheticSeries.timestamp(i), values[i]);
        }
        StreamingDetector restored = StreamingDetector.restore(original.snapshot());
        for (int i = half; i < values.length; i++) {
            assertEquals(original.score(SyntheticSeries.timestamp(i), values[i]),
                    restored.score(SyntheticSeries.timestamp(i), values[i]), "row " + i);
        }
        assertEquals(original.snapshot(), restored.snapshot());
    }
}
