package io.auspex.models.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.testutil.SyntheticSeries;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorStateTest {

    private static DetectorState trainedState() {
        StreamingDetector detector = new StreamingDetector();
        double[] values = SyntheticSeries.of(1000).constant(20).dailySine(3).gaussianNoise(1, 5).values();
        for (int i = 0; i < values.length; i++) {
            detector.score(SyntheticSeries.timestamp(i), values[i]);
        }
        return detector.snapshot();
    }

    /** The bytes of {@code detector-state-vN.bin}, written by the last build of version N. */
    private static byte[] fixture(int version) throws Exception {
        String name = "detector-state-v" + version + ".bin";
        byte[] bytes;
        try (var in = DetectorStateTest.class.getResourceAsStream(name)) {
            assertNotNull(in, "test resource " + name);
            bytes = in.readAllBytes();
        }
        assertEquals(version, ByteBuffer.wrap(bytes).getInt(4), "the fixture really is version " + version);
        return bytes;
    }

    @Test
    void bytesRoundTripKeepsEveryField() {
        DetectorState state = trainedState();
        byte[] bytes = state.toBytes();
        DetectorState back = DetectorState.fromBytes(bytes);
        assertEquals(state, back);
        assertEquals(DetectorState.CURRENT_VERSION, back.version);
        assertTrue(bytes.length < 11_000, "compact: " + bytes.length + " bytes");
        assertEquals(state, StreamingDetector.restore(back).snapshot());
    }

    /**
     * A version-1 state (before calibrationOutlier existed) written by an earlier build (1000 rows of a daily sine with noise, default
     * configuration) must still load and keep scoring.
     */
    @Test
    void readsAVersionOneStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(1);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        assertArrayEquals(new boolean[2], state.calibrationOutlier);
        assertEquals(DetectorState.legacyNoveltyDays(8000), state.noveltyDays, "8000 rows in version 1");
        assertEquals(DetectorState.NO_TIME, state.lastEpochSecond);
        assertEquals(1000, state.rows);
        assertEquals(48, state.seasonBuckets);
        StreamingDetector detector = StreamingDetector.restore(state);
        double s = detector.score(SyntheticSeries.timestamp(1000), 20.0);
        assertTrue(s >= 0 && s <= 1, "score " + s);
        assertEquals(1001, detector.rows());
    }

    /**
     * A version-2 state (novelty memory in rows: 8000) written by the last version-2 build (same
     * 1000 rows as {@link #trainedState()}) loads with the memory converted to days and keeps
     * scoring; the next quiet row still scores 0, as it did in that build.
     */
    @Test
    void readsAVersionTwoStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(2);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        assertEquals(8000 * 300.0 / 86_400, state.noveltyDays, 1e-12);
        assertEquals(DetectorState.NO_TIME, state.lastEpochSecond);
        assertEquals(DetectorState.LEGACY_DENSITY_ROWS, state.densityRows);
        assertEquals(0, state.unusualCount);
        assertEquals(1000, state.rows);
        DetectorState current = trainedState();
        assertArrayEquals(current.seasonMean, state.seasonMean, "same statistics as this build learns");
        StreamingDetector detector = StreamingDetector.restore(state);
        assertEquals(0.0, detector.score(SyntheticSeries.timestamp(1000), 20.0));
        assertEquals(1001, detector.rows());
        assertEquals(SyntheticSeries.timestamp(1000), detector.snapshot().lastEpochSecond);
    }

    /**
     * A version-3 state (novelty memory in days, no density component) written by the last
     * version-3 build (same 1000 rows as {@link #trainedState()}) loads with an empty density
     * component and keeps scoring.
     */
    @Test
    void readsAVersionThreeStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(3);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        assertEquals(28.0, state.noveltyDays);
        assertEquals(SyntheticSeries.timestamp(999), state.lastEpochSecond);
        assertEquals(DetectorState.LEGACY_DENSITY_ROWS, state.densityRows);
        assertEquals(0, state.unusualCount);
        assertEquals(0.0, state.unusualLongRate);
        assertEquals(1000, state.rows);
        assertArrayEquals(trainedState().seasonMean, state.seasonMean, "same statistics as this build learns");
        StreamingDetector detector = StreamingDetector.restore(state);
        assertEquals(0.0, detector.score(SyntheticSeries.timestamp(1000), 20.0));
        assertEquals(1001, detector.rows());
        assertEquals(1, detector.snapshot().unusualCount);
    }

    /**
     * A version-4 state (outlier flag, no outlier run) written by the last version-4 build (same
     * 1000 rows as {@link #trainedState()}) loads with the flags as runs and keeps scoring.
     */
    @Test
    void readsAVersionFourStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(4);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        assertArrayEquals(new int[2], state.calibrationOutlierRun);
        assertEquals(100, state.densityRows);
        assertEquals(999, state.unusualCount);
        assertEquals(1000, state.rows);
        DetectorState current = trainedState();
        assertArrayEquals(current.seasonMean, state.seasonMean, "same statistics as this build learns");
        StreamingDetector detector = StreamingDetector.restore(state);
        assertEquals(0.0, detector.score(SyntheticSeries.timestamp(1000), 20.0));
        assertEquals(1001, detector.rows());
    }

    /**
     * A version-5 state (no aftershock bar, no record ranges) written by the last version-5 build
     * (same 1000 rows as {@link #trainedState()}) loads with the record component empty and the
     * default aftershock and record parameters, and keeps scoring; the record component relearns its
     * range before it scores (warmupRows rows and a day).
     */
    @Test
    void readsAVersionFiveStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(5);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        assertEquals(0L, state.recordRows);
        assertEquals(DetectorConfig.DEFAULT_RECORD_DAYS, state.recordDays);
        assertEquals(0.0, state.aftershockBar);
        DetectorState current = trainedState();
        assertArrayEquals(current.seasonMean, state.seasonMean, "same statistics as this build learns");
        StreamingDetector detector = StreamingDetector.restore(state);
        assertEquals(DetectorConfig.DEFAULTS, detector.config());
        assertEquals(0.0, detector.score(SyntheticSeries.timestamp(1000), 20.0));
        // a wild value right after the restore: the record range is one row old, so only novelty speaks
        double wild = detector.score(SyntheticSeries.timestamp(1001), 1e6);
        assertTrue(wild > 0 && wild < 1, "novelty still scores: " + wild);
        assertEquals(2L, detector.snapshot().recordRows);
        // and written again in the current layout, it reads back equal
        assertEquals(detector.snapshot(), DetectorState.fromBytes(detector.snapshot().toBytes()));
    }

    /**
     * A version-6 state (before the sustained-level view) written by the version-6 build (same 1000
     * rows as {@link #trainedState()}) loads with its record ranges intact, the sustained-level view
     * empty and the default {@code sustainedRows}, and keeps scoring.
     */
    @Test
    void readsAVersionSixStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(6);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        assertEquals(DetectorConfig.DEFAULT_SUSTAINED_ROWS, state.sustainedRows);
        assertEquals(0, state.sustainedCount);
        // the version-6 defaults: a 30-day record range (60 since version 7), no sustained view yet
        DetectorConfig versionSix = new DetectorConfig(150, 0.1, 0.01, 0.002, 48, 0.03, 2000, 100, 28.0, 2.0, 8.0, 30, 0.05);
        StreamingDetector same = new StreamingDetector(versionSix);
        double[] values = SyntheticSeries.of(1000).constant(20).dailySine(3).gaussianNoise(1, 5).values();
        for (int i = 0; i < values.length; i++) {
            same.score(SyntheticSeries.timestamp(i), values[i]);
        }
        DetectorState current = same.snapshot();
        assertEquals(30, state.recordDays);
        assertEquals(current.recordRows, state.recordRows, "the record component is kept");
        assertArrayEquals(current.recordValueMax, state.recordValueMax);
        assertArrayEquals(current.seasonMean, state.seasonMean, "same statistics as this build learns");
        assertTrue(java.util.Arrays.stream(state.recordLowMax).allMatch(Double::isNaN), "sustained view empty");
        assertEquals(30, state.recordLowMax.length, "one sustained bucket per record day");
        StreamingDetector detector = StreamingDetector.restore(state);
        assertEquals(versionSix, detector.config());
        double s = detector.score(SyntheticSeries.timestamp(1000), 20.0);
        assertTrue(s >= 0 && s < 1, "keeps scoring: " + s);
        assertEquals(1, detector.snapshot().sustainedCount);
        assertEquals(detector.snapshot(), DetectorState.fromBytes(detector.snapshot().toBytes()));
    }

    /**
     * A version-7 state (before the repeat filter) written by the version-7 build (same 1000 rows
     * as {@link #trainedState()}) loads with everything it had, an empty repeat filter, and keeps
     * scoring.
     */
    @Test
    void readsAVersionSevenStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(7);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        DetectorState current = trainedState();
        assertEquals(current.rows, state.rows);
        assertArrayEquals(current.seasonMean, state.seasonMean, "same statistics as this build learns");
        assertArrayEquals(current.recordLowMax, state.recordLowMax, "the sustained view is kept");
        assertArrayEquals(new double[RepeatFilter.REFRACTORY_ROWS], state.repeatScores, "no refractory rows");
        assertTrue(java.util.Arrays.stream(state.recurrenceDay).allMatch(d -> d == RecordRange.EMPTY_DAY),
                "no occurrences of earlier days");
        assertArrayEquals(new int[RepeatFilter.BUCKETS], state.recurrenceMask);
        StreamingDetector detector = StreamingDetector.restore(state);
        assertEquals(DetectorConfig.DEFAULTS, detector.config());
        double s = detector.score(SyntheticSeries.timestamp(1000), 20.0);
        assertTrue(s >= 0 && s < 1, "keeps scoring: " + s);
        assertEquals(detector.snapshot(), DetectorState.fromBytes(detector.snapshot().toBytes()));
    }

    /**
     * A version-8 state (before the weekly level) written by the version-8 build (same 1000 rows as
     * {@link #trainedState()}) loads with everything it had, an empty weekly level, and keeps
     * scoring.
     */
    @Test
    void readsAVersionEightStateWrittenByAnEarlierBuild() throws Exception {
        byte[] bytes = fixture(8);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertEquals(DetectorState.CURRENT_VERSION, state.version);
        DetectorState current = trainedState();
        assertEquals(current.rows, state.rows);
        assertArrayEquals(current.seasonMean, state.seasonMean, "same statistics as this build learns");
        assertArrayEquals(current.recordLowMax, state.recordLowMax, "the sustained view is kept");
        assertArrayEquals(current.repeatScores, state.repeatScores, "the repeat filter is kept");
        assertArrayEquals(new double[WeeklyLevel.BUCKETS], state.weeklyMean, "an empty weekly profile");
        assertArrayEquals(new int[WeeklyLevel.BUCKETS], state.weeklyCount);
        assertEquals(DetectorState.NO_TIME, state.weeklySince);
        assertEquals(0, state.weeklyRecordRows);
        assertEquals(DetectorConfig.DEFAULT_RECORD_DAYS, state.weeklyRecordLowMax.length);
        StreamingDetector detector = StreamingDetector.restore(state);
        assertEquals(DetectorConfig.DEFAULTS, detector.config());
        double s = detector.score(SyntheticSeries.timestamp(1000), 20.0);
        assertTrue(s >= 0 && s < 1, "keeps scoring: " + s);
        assertEquals(SyntheticSeries.timestamp(1000), detector.snapshot().weeklySince, "the weekly level starts afresh");
        assertEquals(detector.snapshot(), DetectorState.fromBytes(detector.snapshot().toBytes()));
    }

    @Test
    void versionEightPojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 8;
        old.weeklyMean = null;
        old.weeklyCount = null;
        old.weeklyRecentValues = null;
        old.weeklyRecordDay = null;
        old.weeklyRecordLowMax = null;
        StreamingDetector restored = StreamingDetector.restore(old);
        assertEquals(DetectorConfig.DEFAULTS, restored.config());
        assertArrayEquals(new int[WeeklyLevel.BUCKETS], restored.snapshot().weeklyCount);
        assertEquals(old.recordRows, restored.snapshot().recordRows);
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertEquals(WeeklyLevel.BUCKETS, rewritten.weeklyMean.length);
    }

    @Test
    void weeklyFieldsOfTheWrongLengthAreRejected() {
        DetectorState means = trainedState();
        means.weeklyMean = new double[24];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(means));
        DetectorState counts = trainedState();
        counts.weeklyCount = null;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(counts));
        DetectorState negative = trainedState();
        negative.weeklyCount[3] = -1;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(negative));
        DetectorState lows = trainedState();
        lows.weeklyRecordLowMax = new double[3];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(lows));
    }

    /**
     * The current version's own fixture (same 1000 rows as {@link #trainedState()}, written by the
     * version-9 build): it reads, restores and writes back byte for byte, so a change of the layout
     * without a new version fails here (then add the next version's reader and keep this file).
     */
    @Test
    void theVersionNineFixtureReadsAndWritesBackByteForByte() throws Exception {
        byte[] bytes = fixture(9);
        DetectorState state = DetectorState.fromBytes(bytes);
        assertArrayEquals(bytes, state.toBytes());
        assertArrayEquals(bytes, StreamingDetector.restore(state).snapshot().toBytes());
        assertEquals(DetectorConfig.DEFAULTS, StreamingDetector.restore(state).config());
        assertArrayEquals(bytes, trainedState().toBytes(), "this build writes the same bytes from the same rows");
    }

    @Test
    void versionSevenPojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 7;
        old.repeatScores = null;
        old.recurrenceDay = null;
        old.recurrenceMask = null;
        StreamingDetector restored = StreamingDetector.restore(old);
        assertEquals(DetectorConfig.DEFAULTS, restored.config());
        assertArrayEquals(new double[RepeatFilter.REFRACTORY_ROWS], restored.snapshot().repeatScores);
        assertEquals(old.sustainedCount, restored.snapshot().sustainedCount);
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertEquals(RepeatFilter.BUCKETS, rewritten.recurrenceDay.length);
    }

    @Test
    void repeatFieldsOfTheWrongLengthAreRejected() {
        DetectorState scores = trainedState();
        scores.repeatScores = new double[2];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(scores));
        DetectorState days = trainedState();
        days.recurrenceDay = new int[3];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(days));
        DetectorState masks = trainedState();
        masks.recurrenceMask = null;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(masks));
    }

    @Test
    void versionSixPojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 6;
        old.sustainedRows = 0;
        old.sustainedValues = null;
        old.recentScores = null;
        old.sustainedCount = 0;
        old.recordLowMax = null;
        old.recordHighMin = null;
        StreamingDetector restored = StreamingDetector.restore(old);
        assertEquals(DetectorConfig.DEFAULTS, restored.config());
        assertEquals(0, restored.snapshot().sustainedCount);
        assertEquals(old.recordRows, restored.snapshot().recordRows);
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertEquals(DetectorConfig.DEFAULT_RECORD_DAYS, rewritten.recordLowMax.length);
        assertEquals(DetectorConfig.DEFAULT_SUSTAINED_ROWS, rewritten.recentScores.length);
    }

    @Test
    void sustainedFieldsOutsideTheirRangeAreRejected() {
        DetectorState count = trainedState();
        count.sustainedCount = count.sustainedRows + 1;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(count));
        DetectorState scores = trainedState();
        scores.recentScores = new double[2];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(scores));
        DetectorState lows = trainedState();
        lows.recordLowMax = new double[3];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(lows));
    }

    @Test
    void versionFivePojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 5;
        old.recordDay = null;
        old.recordCount = null;
        old.recordValueMin = null;
        old.recordValueMax = null;
        old.recordMeanMin = null;
        old.recordMeanMax = null;
        old.recentValues = null;
        old.aftershockHours = 0;
        old.recordDays = 0;
        old.recordTolerance = 0;
        StreamingDetector restored = StreamingDetector.restore(old);
        assertEquals(DetectorConfig.DEFAULTS, restored.config());
        assertEquals(0L, restored.snapshot().recordRows);
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertEquals(DetectorConfig.DEFAULT_RECORD_DAYS, rewritten.recordDay.length);
    }

    @Test
    void recordFieldsOutsideTheirRangeAreRejected() {
        DetectorState state = trainedState();
        state.recordCount = new int[3];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(state));
        DetectorState negative = trainedState();
        negative.recordCount[0] = -1;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(negative));
        DetectorState bar = trainedState();
        bar.aftershockBar = -1;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(bar));
    }

    @Test
    void versionFourPojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 4;
        old.calibrationOutlier = new boolean[] {true, false};
        old.calibrationOutlierRun = null;
        assertArrayEquals(new int[] {1, 0}, StreamingDetector.restore(old).snapshot().calibrationOutlierRun,
                "a flagged outlier is a run of one");
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertArrayEquals(new int[] {1, 0}, rewritten.calibrationOutlierRun);
    }

    @Test
    void outlierRunsOutsideTheirRangeAreRejected() {
        DetectorState state = trainedState();
        state.calibrationOutlierRun = new int[] {0, StreamingDetector.CLIPPED_OUTLIERS_IN_A_ROW + 1};
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(state));
        state.calibrationOutlierRun = new int[] {0};
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(state));
    }

    @Test
    void versionThreePojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 3;
        old.densityRows = 0;
        old.unusualShortRate = 0.5;
        StreamingDetector detector = StreamingDetector.restore(old);
        assertEquals(DetectorState.LEGACY_DENSITY_ROWS, detector.config().densityRows());
        assertEquals(0.0, detector.snapshot().unusualShortRate, "the density component starts empty");
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertEquals(DetectorState.LEGACY_DENSITY_ROWS, rewritten.densityRows);
        assertEquals(0.0, rewritten.unusualShortRate);
    }

    @Test
    void densityRatesOutsideTheUnitIntervalAreRejected() {
        DetectorState state = trainedState();
        state.unusualLongRate = 1.5;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(state));
    }

    @Test
    void versionTwoPojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 2;
        old.noveltyRows = 8000;
        old.noveltyDays = 0;
        StreamingDetector detector = StreamingDetector.restore(old);
        assertEquals(DetectorState.legacyNoveltyDays(8000), detector.config().noveltyDays());
        assertEquals(DetectorState.NO_TIME, detector.snapshot().lastEpochSecond);
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertEquals(DetectorState.legacyNoveltyDays(8000), rewritten.noveltyDays);
        assertEquals(DetectorState.NO_TIME, rewritten.lastEpochSecond);
    }

    @Test
    void versionOnePojoFromFlinkStateStillRestores() {
        DetectorState old = trainedState();
        old.version = 1;
        old.noveltyRows = 8000;
        old.calibrationOutlier = null;
        StreamingDetector detector = StreamingDetector.restore(old);
        assertEquals(DetectorState.CURRENT_VERSION, detector.snapshot().version);
        assertArrayEquals(new boolean[2], detector.snapshot().calibrationOutlier);
        DetectorState rewritten = DetectorState.fromBytes(old.toBytes());
        assertEquals(DetectorState.CURRENT_VERSION, rewritten.version);
        assertEquals(old.rows, rewritten.rows);
    }

    @Test
    void equalsSeesADifferentStatistic() {
        DetectorState state = trainedState();
        DetectorState other = DetectorState.fromBytes(state.toBytes());
        other.calibrationMean[1] += 1e-9;
        assertNotEquals(state, other);
    }

    @Test
    void unknownVersionFailsWithAClearMessage() {
        byte[] bytes = trainedState().toBytes();
        ByteBuffer.wrap(bytes).putInt(4, 99);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectorState.fromBytes(bytes));
        assertEquals("unknown detector state version 99; this code reads versions 1 to 9", e.getMessage());

        DetectorState state = trainedState();
        state.version = DetectorState.CURRENT_VERSION + 1;
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(state));
    }

    @Test
    void corruptBytesAreRejected() {
        byte[] bytes = trainedState().toBytes();
        assertThrows(IllegalArgumentException.class, () -> DetectorState.fromBytes(new byte[] {1, 2, 3}));
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 5);
        assertThrows(IllegalArgumentException.class, () -> DetectorState.fromBytes(truncated));
        byte[] notOurs = bytes.clone();
        notOurs[0] = 0;
        assertThrows(IllegalArgumentException.class, () -> DetectorState.fromBytes(notOurs));
    }

    @Test
    void stateWithArraysThatDoNotMatchItsConfigIsRejected() {
        DetectorState state = trainedState();
        state.seasonMean = new double[3];
        assertThrows(IllegalArgumentException.class, () -> StreamingDetector.restore(state));
    }

    /**
     * Flink's POJO rules, checked by reflection (models does not depend on Flink): public class,
     * public no-arg constructor, every instance field public and non-final, of a primitive, a
     * primitive array or String type, so Flink's PojoSerializer handles it without Kryo.
     */
    @Test
    void isAFlinkPojoWithoutGenericTypes() throws Exception {
        assertEquals(List.of(), pojoViolations(DetectorState.class));
        assertTrue(Modifier.isPublic(DetectorState.class.getConstructor().getModifiers()));
        assertEquals(int.class, DetectorState.class.getField("version").getType());
    }

    @Test
    void pojoCheckCatchesAViolation() {
        assertEquals(List.of("field names is not public", "field names has type java.util.List"),
                pojoViolations(NotAPojo.class));
    }

    /** Deliberately breaks two rules, to show the check can fail. */
    static class NotAPojo {
        List<String> names = new ArrayList<>();
        public int count;
    }

    private static List<String> pojoViolations(Class<?> type) {
        List<String> violations = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            int mod = field.getModifiers();
            if (Modifier.isStatic(mod) || field.isSynthetic()) {
                continue;
            }
            if (!Modifier.isPublic(mod)) {
                violations.add("field " + field.getName() + " is not public");
            }
            if (Modifier.isFinal(mod)) {
                violations.add("field " + field.getName() + " is final");
            }
            Class<?> t = field.getType();
            boolean allowed = t.isPrimitive() || t == String.class
                    || (t.isArray() && t.getComponentType().isPrimitive());
            if (!allowed) {
                violations.add("field " + field.getName() + " has type " + t.getName());
            }
        }
        return violations;
    }
}
