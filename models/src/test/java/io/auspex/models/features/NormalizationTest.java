package io.auspex.models.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizationTest {

    static final double[] MIN_SCALES = {0.1, 0.5};

    // Service "a": feature 0 has an outlier (100) that median/MAD ignore; feature 1 never moves.
    static final double[][] A = {{1, 10}, {2, 10}, {3, 10}, {4, 10}, {100, 10}};
    // Service "b": too few rows for a scale of its own when minServiceRows = 3.
    static final double[][] B = {{1000, 20}, {2000, 30}};

    @Test
    void medianAndMad() {
        assertEquals(2.0, RobustStats.median(new double[] {3, 1, 2}));
        assertEquals(2.5, RobustStats.median(new double[] {4, 1, 3, 2}));
        assertEquals(1.0, RobustStats.mad(new double[] {1, 2, 3, 4, 100}, 3.0));
        assertThrows(IllegalArgumentException.class, () -> RobustStats.median(new double[0]));
    }

    @Test
    void featureScaleIsMedianAndFlooredMad() {
        FeatureScale s = FeatureScale.fit(A, MIN_SCALES);
        assertArrayEquals(new double[] {3.0, 10.0}, s.center());
        assertArrayEquals(new double[] {1.4826, 0.5}, s.scale()); // MAD 1 -> 1.4826; MAD 0 -> floor
        assertArrayEquals(new double[] {2.023472278429786, 2.0}, s.apply(new double[] {6, 11}),
                1e-15);
    }

    @Test
    void nearestRankQuantiles() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(10.0, RobustStats.quantileOfSorted(sorted, 0.995));
        assertEquals(1.0, RobustStats.quantileOfSorted(sorted, 0.005));
        assertEquals(5.0, RobustStats.quantileOfSorted(sorted, 0.5));
        assertEquals(9.0, RobustStats.quantileOfSorted(sorted, 0.9));
    }

    @Test
    void heavyTailedFeatureIsScaledByItsCentralSpanNotItsMad() {
        // 200 windows: 150 at 10, 40 at 11, 10 at 50 (a heavy tail, 5 % of windows).
        double[] v = new double[200];
        for (int i = 0; i < 200; i++) {
            v[i] = i < 150 ? 10 : i < 190 ? 11 : 50;
        }
        // MAD is 0; the span q99.5 - q0.5 = 50 - 10 over 2 * 2.5758 wins.
        assertEquals(0.0, RobustStats.mad(v, 10.0));
        assertEquals(7.764577995185961, RobustStats.spread(v, 10.0), 1e-12);
        // With one row fewer than 200 the extremes would be the quantiles: MAD only.
        assertEquals(0.0, RobustStats.spread(java.util.Arrays.copyOf(v, 199), 10.0));
    }

    @Test
    void lightTailedFeatureKeepsItsMadScale() {
        // 0, 1, ..., 199: MAD 50 -> 74.13; span (198 - 0) / 5.1516 = 38.4 is smaller.
        double[] v = new double[200];
        for (int i = 0; i < 200; i++) {
            v[i] = i;
        }
        assertEquals(74.13, RobustStats.spread(v, 99.5), 1e-12);
    }

    @Test
    void perServiceScalesWithGlobalFallback() {
        Normalization n = Normalization.fit(List.of("a", "a", "a", "a", "a", "b", "b"),
                new double[][] {A[0], A[1], A[2], A[3], A[4], B[0], B[1]}, MIN_SCALES, 3);
        assertEquals(List.of("a"), List.copyOf(n.perService().keySet()));
        assertTrue(n.knows("a"));
        assertFalse(n.knows("b"));
        // Global over all 7 rows: feature 0 median 4, MAD 3 -> 4.4478; feature 1 median 10, MAD 0.
        assertArrayEquals(new double[] {4.0, 10.0}, n.global().center());
        assertArrayEquals(new double[] {4.4478, 0.5}, n.global().scale());
        assertArrayEquals(new double[] {2.023472278429786, 2.0},
                n.apply("a", new double[] {6, 11}), 1e-15);
        assertArrayEquals(new double[] {223.9309321462296, 20.0},
                n.apply("b", new double[] {1000, 20}), 1e-12);
        assertArrayEquals(n.apply("b", new double[] {1000, 20}),
                n.apply("never-seen", new double[] {1000, 20}));
    }

    @Test
    void sameServiceAtTenTimesTheScaleGetsTheSameZScores() {
        // log1p makes 5x the usual traffic about the same z-score whatever the absolute level.
        double[][] small = {{Math.log1p(1_000)}, {Math.log1p(1_200)}, {Math.log1p(900)}};
        double[][] big = {{Math.log1p(1e6)}, {Math.log1p(1.2e6)}, {Math.log1p(0.9e6)}};
        Normalization n = Normalization.fit(List.of("s", "s", "s", "b", "b", "b"),
                new double[][] {small[0], small[1], small[2], big[0], big[1], big[2]},
                new double[] {0.01}, 3);
        double zSmall = n.apply("s", new double[] {Math.log1p(5_000)})[0];
        double zBig = n.apply("b", new double[] {Math.log1p(5e6)})[0];
        assertEquals(10.303210821607015, zBig, 1e-12); // ln(5) / (1.4826 * ln(10 / 9))
        assertEquals(zBig, zSmall, 0.01);
    }

    @Test
    void invalidInputsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new FeatureScale(new double[] {0}, new double[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> new FeatureScale(new double[] {0, 1}, new double[] {1}));
        FeatureScale one = new FeatureScale(new double[] {0}, new double[] {1});
        assertThrows(IllegalArgumentException.class,
                () -> new Normalization(Map.of("x", one), FeatureScale.fit(A, MIN_SCALES)));
        assertThrows(IllegalArgumentException.class, () -> one.apply(new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> Normalization.fit(List.of("a"), new double[][] {{1}}, new double[] {1}, 0));
    }
}
