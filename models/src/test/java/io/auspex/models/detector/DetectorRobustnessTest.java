package io.auspex.models.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.testutil.SyntheticSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Real-data hazards: clock steps back, repeated stamps, gaps, flat stretches, magnitudes, small counts. */
class DetectorRobustnessTest {

    private static final double ALERT = 0.5;

    private static double[] scoreAt(long[] epochSeconds, double[] values) {
        StreamingDetector detector = new StreamingDetector();
        double[] scores = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            scores[i] = detector.score(epochSeconds[i], values[i]);
            assertTrue(scores[i] >= 0.0 && scores[i] < 1.0, "row " + i + " scored " + scores[i]);
        }
        return scores;
    }

    private static long[] fiveMinuteTimes(int rows) {
        long[] t = new long[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = SyntheticSeries.timestamp(i);
        }
        return t;
    }

    private static List<Integer> alertRows(double[] scores) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= ALERT) {
                rows.add(i);
            }
        }
        return rows;
    }

    /**
     * A clock step back of one hour and a repeated stamp: every row is scored, in order, exactly as
     * if each stamp earlier than the latest had been the latest; the step alone raises no alert.
     */
    @Test
    void rowsStampedBeforeTheLatestRowAreScoredAtTheLatestTime() {
        int rows = 4000;
        double[] values = SyntheticSeries.of(rows).constant(100).dailySine(10).gaussianNoise(1, 21).values();
        long[] stamped = new long[rows];
        for (int i = 0; i < rows; i++) {
            stamped[i] = SyntheticSeries.timestamp(i) - (i >= 3000 ? 3600 : 0);
        }
        stamped[2000] = stamped[1999];
        stamped[2001] = stamped[1999];
        long[] clamped = stamped.clone();
        for (int i = 1; i < rows; i++) {
            clamped[i] = Math.max(clamped[i], clamped[i - 1]);
        }
        assertTrue(clamped[3005] > stamped[3005], "the test really steps back");

        double[] scores = scoreAt(stamped, values);
        assertArrayEquals(scoreAt(clamped, values), scores);
        assertEquals(List.of(), alertRows(scores).stream().filter(i -> i >= 1990).toList());
    }

    /** A gap of ten days in a noisy series with a daily wave: no alert when the same pattern resumes. */
    @Test
    void aGapInTimeIsNotAnAnomaly() {
        int rows = 6000;
        double[] values = SyntheticSeries.of(rows).constant(100).dailySine(10).gaussianNoise(1, 22).values();
        long[] t = fiveMinuteTimes(rows);
        for (int i = 3000; i < rows; i++) {
            t[i] += 10 * 86_400L;
        }
        assertEquals(List.of(), alertRows(scoreAt(t, values)));
    }

    /** A flat stretch inside a noisy series scores once at most, when it begins or ends. */
    @Test
    void aConstantStretchScoresAtMostAtItsEdges() {
        int rows = 5000;
        double[] values = SyntheticSeries.of(rows).constant(40).gaussianNoise(2, 23).values();
        for (int i = 2000; i < 2600; i++) {
            values[i] = 40.0;
        }
        List<Integer> alerts = alertRows(scoreAt(fiveMinuteTimes(rows), values));
        assertTrue(alerts.size() <= 2, "alerts " + alerts);
        assertTrue(alerts.stream().allMatch(i -> (i >= 2000 && i < 2010) || (i >= 2600 && i < 2610)), "alerts " + alerts);
    }

    /**
     * Scores do not depend on the unit: the same series times 1e-3, 1 and 1e9 alerts on the same rows
     * (much smaller noise, below about 1e-5 in absolute units, meets the 1e-9 floor under the scales).
     */
    @Test
    void theScaleOfTheValuesDoesNotMatter() {
        int rows = 5000;
        double[] base = SyntheticSeries.of(rows).constant(100).dailySine(20).gaussianNoise(2, 24)
                .spike(2500, 30).levelShift(4000, 25).values();
        long[] t = fiveMinuteTimes(rows);
        double[] unit = scoreAt(t, base);
        List<Integer> expected = alertRows(unit);
        assertTrue(expected.contains(2500) && expected.stream().anyMatch(i -> i >= 4000 && i < 4003), "alerts " + expected);
        for (double factor : new double[] {1e-3, 1e9}) {
            double[] scaled = new double[rows];
            for (int i = 0; i < rows; i++) {
                scaled[i] = base[i] * factor;
            }
            double[] scores = scoreAt(t, scaled);
            assertEquals(expected, alertRows(scores), "factor " + factor);
            for (int i = 0; i < rows; i++) {
                assertEquals(unit[i], scores[i], 0.02, "factor " + factor + " row " + i);
            }
        }
    }

    /**
     * Integer counts near zero (Poisson, mean 0.3 per row: mostly 0, some 1 and 2): few alerts on
     * the plain counts, and a burst of 12 is flagged at once.
     */
    @Test
    void smallIntegerCountsAlertOnABurstNotOnTheirNoise() {
        int rows = 6000;
        Random random = new Random(25);
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            values[i] = poisson(random, 0.3);
        }
        values[5000] = 12;
        double[] scores = scoreAt(fiveMinuteTimes(rows), values);
        List<Integer> alerts = alertRows(scores);
        assertTrue(alerts.contains(5000), "alerts " + alerts);
        assertTrue(alerts.size() <= 3, "alerts " + alerts);
    }

    private static int poisson(Random random, double mean) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= random.nextDouble();
            k++;
        }
        return k;
    }
}
