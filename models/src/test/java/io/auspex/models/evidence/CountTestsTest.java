package io.auspex.models.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountTestsTest {

    /** log(i!) for i up to 120,000, summed with Kahan's compensation so the table stays exact to ~1e-10. */
    private static final double[] LOG_FACTORIAL = new double[120_001];

    static {
        double sum = 0;
        double c = 0;
        for (int i = 2; i < LOG_FACTORIAL.length; i++) {
            double y = Math.log(i) - c;
            double t = sum + y;
            c = (t - sum) - y;
            sum = t;
            LOG_FACTORIAL[i] = sum;
        }
    }

    /** P(X >= k) for X ~ Binomial(n, p), summed term by term in log space. */
    static double binomialTail(int k, int n, double p) {
        double sum = 0;
        for (int i = k; i <= n; i++) {
            sum += Math.exp(LOG_FACTORIAL[n] - LOG_FACTORIAL[i] - LOG_FACTORIAL[n - i] + i * Math.log(p)
                    + (n - i) * Math.log1p(-p));
        }
        return sum;
    }

    /** P(X >= k) for X ~ Poisson(lambda): the terms from k on (until they no longer count). */
    static double poissonTail(int k, double lambda) {
        double sum = 0;
        for (int i = k; i < k + 5_000; i++) {
            sum += Math.exp(i * Math.log(lambda) - lambda - LOG_FACTORIAL[i]);
        }
        return sum;
    }

    @Test
    void binomialTailsAreTheDiscreteSumsFromFewToManyRequests() {
        int[][] kn = {{1, 10}, {3, 50}, {20, 2000}, {35, 2000}, {400, 40_000}, {1_500, 120_000}};
        double[] ps = {0.05, 0.02, 0.01, 0.02, 0.01, 0.011};
        for (int i = 0; i < kn.length; i++) {
            double exact = binomialTail(kn[i][0], kn[i][1], ps[i]);
            double got = CountTests.binomialUpper(kn[i][0], kn[i][1], ps[i]);
            assertEquals(exact, got, 1e-8 * exact, "k=" + kn[i][0] + " n=" + kn[i][1]);
        }
        assertEquals(5.6672565e-07, CountTests.binomialUpper(1_500, 120_000, 0.011), 1e-13);
        assertEquals(1.0, CountTests.binomialUpper(0, 100, 0.1));
        assertEquals(0.0, CountTests.binomialUpper(101, 100, 0.1));
        assertEquals(0.0, CountTests.binomialUpper(3, 100, 0.0));
        assertEquals(1.0, CountTests.binomialUpper(3, 100, 1.0));
    }

    @Test
    void poissonTailsAreTheDiscreteSums() {
        int[] ks = {3, 20, 60, 400};
        double[] lambdas = {0.5, 10, 30, 350};
        for (int i = 0; i < ks.length; i++) {
            double exact = poissonTail(ks[i], lambdas[i]);
            assertEquals(exact, CountTests.poissonUpper(ks[i], lambdas[i]), 1e-8 * exact, "k=" + ks[i]);
        }
        assertEquals(1.0, CountTests.poissonUpper(0, 3));
        assertEquals(0.0, CountTests.poissonUpper(2, 0));
    }

    @Test
    void surpriseIsMinusLog10CappedAt30() {
        assertEquals(0.0, CountTests.surprise(1.0));
        assertEquals(3.0, CountTests.surprise(1e-3), 1e-12);
        assertEquals(CountTests.MAX_SURPRISE, CountTests.surprise(0.0));
        assertEquals(CountTests.MAX_SURPRISE, CountTests.surprise(1e-40));
    }
}
