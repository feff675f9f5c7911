package io.auspex.models.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked NAB cases. Every file has 20 rows one minute apart from 2020-01-01 00:00:00, so the
 * probation is min(floor(0.15 * 20), 750) = 3 rows (rows 0, 1, 2). S(y) = 2 / (1 + e^(5y)) - 1,
 * S(-1) = 0.9866142981514305.
 */
class NabScorerTest {

    private static final double EXACT = 1e-12;
    private static final int ROWS = 20;
    /** Window over rows 10..13: width 4, last row 13. */
    private static final NabWindow WINDOW_10_TO_13 =
            NabWindow.parse("2020-01-01 00:10:00.000000", "2020-01-01 00:13:00.000000");

    private static long[] minutes() {
        long[] ts = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            ts[i] = Timestamps.parseMicros("2020-01-01 00:00:00") + i * 60_000_000L;
        }
        return ts;
    }

    /** Scores that are 0 except at the given (row, score) pairs. */
    private static ScoredFile file(String name, List<NabWindow> windows, double... rowScorePairs) {
        double[] scores = new double[ROWS];
        for (int k = 0; k < rowScorePairs.length; k += 2) {
            scores[(int) rowScorePairs[k]] = rowScorePairs[k + 1];
        }
        return new ScoredFile(name, minutes(), scores, windows);
    }

    @Test
    void probationIsFifteenPercentCappedAt750Rows() {
        assertEquals(3.0, NabScorer.probationLength(20));
        assertEquals(150.0, NabScorer.probationLength(1000));
        assertEquals(604.0, NabScorer.probationLength(4032));
        assertEquals(750.0, NabScorer.probationLength(5000));
    }

    @Test
    void scaledSigmoidMatchesNab() {
        assertEquals(0.9866142981514305, NabScorer.scaledSigmoid(-1.0), EXACT);
        assertEquals(0.0, NabScorer.scaledSigmoid(0.0), EXACT);
        assertEquals(-0.9866142981514305, NabScorer.scaledSigmoid(1.0), EXACT);
        assertEquals(-1.0, NabScorer.scaledSigmoid(3.0));
    }

    @Test
    void firstDetectionInWindowCountsAndProbationIsIgnored() {
        // row 1 is in probation (never a detection); rows 11 and 12 are in the window, only the
        // first counts: y = -(13 - 11 + 1) / 4 = -0.75, reward S(-0.75) / S(-1) = 0.9669890878000605.
        // Row 15 (score 0.7) and file b's row 5 (0.7) are false positives, so the sweep keeps 0.9:
        // at 0.9 the total is 0.96699; at 0.7 it drops by 0.10242 + 0.11.
        ScoredFile a = file("cat/a.csv", List.of(WINDOW_10_TO_13), 1, 0.95, 11, 0.9, 12, 0.9, 15, 0.7);
        ScoredFile b = file("cat/b.csv", List.of(), 5, 0.7);

        ProfileResult standard = NabScorer.evaluate(List.of(a, b), NabProfile.STANDARD);

        assertEquals(0.9, standard.threshold());
        assertEquals(0.9669890878000605, standard.raw(), EXACT);
        assertEquals(-1.0, standard.nullScore());
        assertEquals(1.0, standard.perfectScore());
        assertEquals(100 * (0.9669890878000605 + 1) / 2, standard.normalized(), 1e-10);
        assertEquals(new FileScore("cat/a.csv", 0.9669890878000605, 1, 1, 0), standard.files().get(0));
        assertEquals(new FileScore("cat/b.csv", 0.0, 0, 0, 0), standard.files().get(1));

        ProfileResult lowFn = NabScorer.evaluate(List.of(a, b), NabProfile.REWARD_LOW_FN_RATE);
        assertEquals(0.9, lowFn.threshold());
        assertEquals(-2.0, lowFn.nullScore());
        assertEquals(100 * (0.9669890878000605 + 2) / 3, lowFn.normalized(), 1e-10);
    }

    @Test
    void falsePositiveAfterWindowIsWeightedByDistanceFromItsEnd() {
        // At threshold 0.7 row 15 is a false positive: y = |13 - 15| / (4 - 1) = 2/3,
        // fpWeight * S(2/3) = 0.11 * -0.9311095177584867 = -0.10242205695343354.
        ScoredFile a = file("cat/a.csv", List.of(WINDOW_10_TO_13), 11, 0.9, 15, 0.7);

        FileScore standard = NabScorer.scoreFile(a, NabProfile.STANDARD, 0.7);
        assertEquals(0.9669890878000605 - 0.10242205695343354, standard.raw(), EXACT);
        assertEquals(1, standard.falsePositives());

        FileScore lowFp = NabScorer.scoreFile(a, NabProfile.REWARD_LOW_FP_RATE, 0.7);
        assertEquals(0.9669890878000605 - 0.20484411390686708, lowFp.raw(), EXACT);
    }

    @Test
    void detectionOnTheWindowsFirstRowEarnsExactlyTpWeight() {
        ScoredFile a = file("cat/a.csv", List.of(WINDOW_10_TO_13), 10, 0.5);
        assertEquals(1.0, NabScorer.scoreFile(a, NabProfile.STANDARD, 0.5).raw(), EXACT);
        // and a detection on its last row: y = -1/4, S(-0.25) / S(-1) = 0.5621241486044827
        ScoredFile late = file("cat/a.csv", List.of(WINDOW_10_TO_13), 13, 0.5);
        assertEquals(0.5621241486044827, NabScorer.scoreFile(late, NabProfile.STANDARD, 0.5).raw(), EXACT);
    }

    @Test
    void missedWindowCostsFnWeightAndFalsePositiveBeforeAnyWindowCostsFpWeight() {
        ScoredFile a = file("cat/a.csv", List.of(WINDOW_10_TO_13), 4, 0.5);
        assertEquals(-1.0 - 0.11, NabScorer.scoreFile(a, NabProfile.STANDARD, 0.5).raw(), EXACT);
        assertEquals(-2.0 - 0.11, NabScorer.scoreFile(a, NabProfile.REWARD_LOW_FN_RATE, 0.5).raw(), EXACT);
        assertEquals(-1.0 - 0.22, NabScorer.scoreFile(a, NabProfile.REWARD_LOW_FP_RATE, 0.5).raw(), EXACT);
    }

    @Test
    void eachProfileSweepsItsOwnCorpusWideThreshold() {
        // a: the window's first row scores 0.6 (reward 1). b: rows 3..12 (after probation, no
        // window) score 0.8, ten false positives at -fpWeight each.
        // standard: 1.1 -> -1; 0.8 -> -1 - 1.1; 0.6 -> 1 - 1.1 = -0.1 (best).
        // low FP:   1.1 -> -1 (best); 0.8 -> -1 - 2.2; 0.6 -> 1 - 2.2 = -1.2.
        // low FN:   1.1 -> -2; 0.6 -> 1 - 1.1 = -0.1 (best).
        ScoredFile a = file("cat/a.csv", List.of(WINDOW_10_TO_13), 10, 0.6);
        double[] pairs = new double[20];
        for (int k = 0; k < 10; k++) {
            pairs[2 * k] = 3 + k;
            pairs[2 * k + 1] = 0.8;
        }
        ScoredFile b = file("cat/b.csv", List.of(), pairs);
        List<ProfileResult> results = NabScorer.evaluateAll(List.of(a, b));

        assertEquals(0.6, results.get(0).threshold());
        assertEquals(-0.1, results.get(0).raw(), EXACT);
        assertEquals(45.0, results.get(0).normalized(), 1e-10);
        assertEquals(10, results.get(0).files().get(1).falsePositives());

        assertEquals(NabScorer.NO_DETECTION_THRESHOLD, results.get(1).threshold());
        assertEquals(-1.0, results.get(1).raw(), EXACT);
        assertEquals(0.0, results.get(1).normalized(), 1e-10);

        assertEquals(0.6, results.get(2).threshold());
        assertEquals(100 * 1.9 / 3, results.get(2).normalized(), 1e-10);
    }

    @Test
    void onTiesTheSweepKeepsTheHigherThreshold() {
        // 0.5 detects the window's first row (reward 1); 0.3 adds a later row of the same window,
        // which changes nothing, so both totals are 1 and the sweep keeps 0.5.
        ScoredFile a = file("cat/a.csv", List.of(WINDOW_10_TO_13), 10, 0.5, 12, 0.3);
        ProfileResult standard = NabScorer.evaluate(List.of(a), NabProfile.STANDARD);
        assertEquals(0.5, standard.threshold());
        assertEquals(1.0, standard.raw(), EXACT);
        assertEquals(100.0, standard.normalized(), 1e-10);
    }

    @Test
    void categoriesAreNormalizedSeparately() {
        ScoredFile a = file("one/a.csv", List.of(WINDOW_10_TO_13), 10, 0.6);
        ScoredFile b = file("two/b.csv", List.of(WINDOW_10_TO_13));
        ProfileResult standard = NabScorer.evaluate(List.of(a, b), NabProfile.STANDARD);
        assertEquals(0.6, standard.threshold());
        assertEquals(100.0, standard.byCategory().get("one").normalized(), 1e-10);
        assertEquals(0.0, standard.byCategory().get("two").normalized(), 1e-10);
        assertEquals(50.0, standard.normalized(), 1e-10);
    }

    @Test
    void windowThatMatchesNoRowIsRejected() {
        NabWindow offGrid = NabWindow.parse("2020-01-01 00:10:30.000000", "2020-01-01 00:13:00.000000");
        ScoredFile a = file("cat/a.csv", List.of(offGrid), 11, 0.9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NabScorer.evaluate(List.of(a), NabProfile.STANDARD));
        assertTrue(e.getMessage().contains("cat/a.csv"), e.getMessage());
    }

    /**
     * A clock step back: rows 15..19 are stamped 00:10..00:14 again. Rows are taken in file order:
     * the window is rows 10..13 as before, and a detection on row 17 (stamped inside the window's
     * time range, but after it in the file) is a false positive, exactly as in the file without
     * the step.
     */
    @Test
    void rowsAreTakenInFileOrderAcrossAClockStepBack() {
        long[] stepped = minutes();
        for (int i = 15; i < ROWS; i++) {
            stepped[i] -= 5 * 60_000_000L;
        }
        for (int detection : new int[] {11, 17}) {
            double[] scores = new double[ROWS];
            scores[detection] = 0.9;
            ScoredFile inOrder = new ScoredFile("cat/a.csv", minutes(), scores, List.of(WINDOW_10_TO_13));
            ScoredFile disordered = new ScoredFile("cat/a.csv", stepped, scores, List.of(WINDOW_10_TO_13));
            for (NabProfile profile : NabProfile.values()) {
                assertEquals(NabScorer.scoreFile(inOrder, profile, 0.5).raw(),
                        NabScorer.scoreFile(disordered, profile, 0.5).raw(), EXACT, "detection " + detection);
            }
        }
        double[] scores = new double[ROWS];
        scores[17] = 0.9;
        ScoredFile disordered = new ScoredFile("cat/a.csv", stepped, scores, List.of(WINDOW_10_TO_13));
        FileScore result = NabScorer.scoreFile(disordered, NabProfile.STANDARD, 0.5);
        assertEquals(1, result.falsePositives());
        assertEquals(0, result.detectedWindows());
    }
}
