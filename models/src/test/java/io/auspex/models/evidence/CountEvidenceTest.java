package io.auspex.models.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CountEvidenceTest {
    private static final long[] LADDER = CountEvidence.DEFAULT_LADDER_MS;
    private static final CountEvidence.Config C = CountEvidence.Config.defaults();

    @Test
    void tailsAreExact() {
        assertEquals(1e-15, CountTests.binomialUpper(5, 5, 1e-3), 1e-24);
        assertEquals(1 - Math.pow(0.9, 5) - 5 * 0.1 * Math.pow(0.9, 4), CountTests.binomialUpper(2, 5, 0.1), 1e-12);
        assertEquals(1.0, CountTests.binomialUpper(0, 5, 0.1));
        assertEquals(0.0, CountTests.binomialUpper(6, 5, 0.1));
        assertEquals(1 - Math.exp(-0.5) * (1 + 0.5 + 0.125), CountTests.poissonUpper(3, 0.5), 1e-12);
        assertEquals(0.0, CountTests.poissonUpper(1, 0));
        assertEquals(15.0, CountTests.surprise(1e-15), 1e-9);
        assertEquals(CountTests.MAX_SURPRISE, CountTests.surprise(0));
        assertEquals(0.0, CountTests.surprise(1.5));
    }

    @Test
    void firstWindowAfterWarmupIsJudgedExactly() {
        CountEvidence ce = new CountEvidence(C, new long[] {100});
        CountEvidenceState st = new CountEvidenceState();
        for (int i = 0; i < C.warmupWindows(); i++) {
            ce.observe(st, new CountEvidence.Window(i, 5, 0, 0, new long[] {0}));
        }
        // the baselines after 30 windows of 5 requests, no errors, no slow requests, no error logs
        double keep = Math.pow(0.5, 1.0 / C.halfLifeWindows());
        double requests = 0;
        double windows = 0;
        // a window teaches the baselines when it leaves the ring of the last 18
        for (int i = 0; i < C.warmupWindows() - 18; i++) {
            requests = requests * keep + 5;
            windows = windows * keep + 1;
        }
        assertEquals(requests, st.requests, 1e-9);
        // the next window first lets one more quiet window leave the ring into the baselines
        requests = requests * keep + 5;
        windows = windows * keep + 1;
        double p0 = 0.5 / (requests + 50);
        double q0 = 0.5 / (requests + 50);
        double lambda0 = 0.5 / (windows + 5);
        CountEvidence.Result r = ce.observe(st, new CountEvidence.Window(99, 5, 3, 0, new long[] {0}));
        assertEquals(3, r.tests());
        double pErr = CountTests.binomialUpper(3, 5, p0);
        double expected = -Math.log10(3 * Math.min(pErr, Math.min(1, CountTests.poissonUpper(0, lambda0))));
        assertEquals(expected, r.surprise(), 1e-9);
        assertEquals(CountEvidence.ERRORS, r.strongest());
        assertEquals(Math.min(C.cap(), expected - C.drift()), st.cusum, 1e-9);
        assertTrue(r.evidence() >= st.cusum, "the evidence is the larger of the CUSUM and the scan");
        assertEquals(99, st.onsetMs);
        assertTrue(q0 > 0);
    }

    @Test
    void strongChangeInAQuietServiceCrossesTheBarWithinTwoWindows() {
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState st = new CountEvidenceState();
        Random rnd = new Random(1);
        long t = 0;
        for (int i = 0; i < 360; i++) {
            t += 10_000;
            ce.observe(st, quiet(rnd, t, 1.0, 0.01, 0.2));
        }
        // CPU contention: every request 10x slower
        int crossed = -1;
        for (int i = 0; i < 6 && crossed < 0; i++) {
            t += 10_000;
            if (ce.observe(st, quiet(rnd, t, 10.0, 0.01, 0.2)).abnormal(C)) {
                crossed = i;
            }
        }
        assertTrue(crossed >= 0 && crossed <= 1, "crossed at window " + crossed);
    }

    @Test
    void errorLogsFromZeroToFourCrossTheBar() {
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState st = new CountEvidenceState();
        Random rnd = new Random(2);
        long t = 0;
        for (int i = 0; i < 360; i++) {
            t += 10_000;
            ce.observe(st, quiet(rnd, t, 1.0, 0.0, 0.05));
        }
        CountEvidence.Result r = null;
        for (int i = 0; i < 3; i++) {
            t += 10_000;
            CountEvidence.Window w = quiet(rnd, t, 1.0, 0.0, 0.05);
            r = ce.observe(st, new CountEvidence.Window(t, w.requests(), 0, 4, w.over()));
        }
        assertTrue(r.abnormal(C), "evidence " + r.evidence());
        assertEquals(CountEvidence.ERROR_LOGS, r.strongest());
    }

    @Test
    void theDispersionLearnsAWindowOnlyWhenItLeavesTheRingSoAFaultsFirstWindowsCannotHideIt() {
        CountEvidence ce = new CountEvidence(C, new long[] {20});
        CountEvidenceState st = new CountEvidenceState();
        Random rnd = new Random(5);
        long t = 0;
        // two quiet requests per window, one in thirty over 20 ms
        for (int i = 0; i < 600; i++) {
            t += 10_000;
            ce.observe(st, new CountEvidence.Window(t, 2, 0, 0, new long[] {rnd.nextInt(30) == 0 ? 1 : 0}));
        }
        double before = st.overDispersion[0];
        // a latency fault: one of the two requests over 20 ms in every window, each window mildly surprising
        double max = 0;
        for (int i = 0; i < 17; i++) {
            t += 10_000;
            CountEvidence.Result r = ce.observe(st, new CountEvidence.Window(t, 2, 0, 0, new long[] {1}));
            assertTrue(r.surprise() < C.dispersionBar(), "window " + i + " surprise " + r.surprise());
            max = Math.max(max, r.evidence());
            // no window of the fault has left the ring yet: the dispersion moved only by the quiet windows leaving
            assertTrue(Math.abs(st.overDispersion[0] - before) < 0.1, "dispersion " + st.overDispersion[0]);
        }
        assertTrue(max >= C.bar(), "the fault's counts add up to the bar within 17 windows: " + max);
    }

    @Test
    void noiseInQuietAndBusyServicesStaysBelowTheBar() {
        // a day and a half of 10 s windows each: quiet with sporadic slow requests and error logs in bursts,
        // busy with a drifting error share (over-dispersed)
        Random rnd = new Random(3);
        CountEvidence quiet = new CountEvidence(C, LADDER);
        CountEvidenceState q = new CountEvidenceState();
        CountEvidenceState b = new CountEvidenceState();
        double maxQuiet = 0;
        double maxBusy = 0;
        for (int i = 0; i < 13_000; i++) {
            long t = i * 10_000L;
            CountEvidence.Window w = quiet(rnd, t, 1.0, 0.02, 0.3);
            // one request in 500 is a 20x outlier (GC pause)
            long[] over = w.over().clone();
            if (rnd.nextInt(100) == 0) {
                for (int s = 0; s < LADDER.length; s++) {
                    if (LADDER[s] < 200) {
                        over[s] = Math.min(w.requests(), over[s] + 1);
                    }
                }
            }
            // error log lines come three at a time
            long logs = rnd.nextDouble() < 0.1 ? 3 : 0;
            CountEvidence.Result rq = quiet.observe(q, new CountEvidence.Window(t, w.requests(), w.errors(), logs, over));
            if (i > 400) {
                maxQuiet = Math.max(maxQuiet, rq.evidence());
            }
            double share = 0.01 * Math.exp(0.3 * rnd.nextGaussian());
            long n = 4000;
            long errors = binomial(rnd, n, share);
            CountEvidence.Result rb = quiet.observe(b, new CountEvidence.Window(t, n, errors, 0, null));
            if (i > 400) {
                maxBusy = Math.max(maxBusy, rb.evidence());
            }
        }
        assertTrue(maxQuiet < C.bar(), "quiet max evidence " + maxQuiet);
        assertTrue(maxBusy < C.bar(), "busy max evidence " + maxBusy);
        assertTrue(b.errorDispersion > 2, "busy dispersion " + b.errorDispersion);
    }

    @Test
    void aBusyServiceWhoseErrorsTripleCrossesTheBar() {
        Random rnd = new Random(4);
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState b = new CountEvidenceState();
        for (int i = 0; i < 720; i++) {
            ce.observe(b, new CountEvidence.Window(i, 4000, binomial(rnd, 4000, 0.01 * Math.exp(0.3 * rnd.nextGaussian())),
                    0, null));
        }
        boolean crossed = false;
        for (int i = 0; i < 6; i++) {
            crossed |= ce.observe(b, new CountEvidence.Window(720 + i, 4000, binomial(rnd, 4000, 0.05), 0, null))
                    .abnormal(C);
        }
        assertTrue(crossed);
    }

    @Test
    void evidenceDrainsAfterTheFaultAndOnsetResets() {
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState st = new CountEvidenceState();
        Random rnd = new Random(5);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            ce.observe(st, quiet(rnd, t += 10_000, 1.0, 0.0, 0.0));
        }
        CountEvidence.Result r = ce.observe(st, new CountEvidence.Window(t += 10_000, 5, 5, 6, null));
        assertTrue(r.abnormal(C));
        long onset = r.onsetMs();
        assertEquals(t, onset);
        for (int i = 0; i < 30; i++) {
            r = ce.observe(st, quiet(rnd, t += 10_000, 1.0, 0.0, 0.0));
        }
        assertFalse(r.abnormal(C));
        assertEquals(0.0, r.evidence());
        assertEquals(0, r.onsetMs());
    }

    @Test
    void oneSlowRequestPerWindowAddsUpInTheScan() {
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState st = new CountEvidenceState();
        Random rnd = new Random(6);
        long t = 0;
        // one request per window, about 40 ms
        for (int i = 0; i < 360; i++) {
            ce.observe(st, single(t += 10_000, 40 * Math.exp(0.5 * rnd.nextGaussian())));
        }
        // every request 5x slower: no single window is evidence enough, three minutes of them are
        CountEvidence.Result r = null;
        int crossed = -1;
        for (int i = 0; i < 18 && crossed < 0; i++) {
            r = ce.observe(st, single(t += 10_000, 200 * Math.exp(0.5 * rnd.nextGaussian())));
            assertTrue(r.surprise() < C.bar(), "one window alone is weak");
            if (r.abnormal(C)) {
                crossed = i;
            }
        }
        assertTrue(crossed >= 2, "crossed at " + crossed);
        assertTrue(r.strongest().startsWith(CountEvidence.LATENCY_PREFIX), r.strongest());
        assertTrue(r.onsetMs() > 0 && r.onsetMs() <= t);
    }

    private static CountEvidence.Window single(long t, double ms) {
        long[] over = new long[LADDER.length];
        for (int s = 0; s < LADDER.length; s++) {
            over[s] = ms > LADDER[s] ? 1 : 0;
        }
        return new CountEvidence.Window(t, 1, 0, 0, over);
    }

    @Test
    void aNewErrorTemplateAmongSteadyErrorLinesCrossesTheBar() {
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState st = new CountEvidenceState();
        Random rnd = new Random(7);
        long t = 0;
        // two error lines of a known template in every window: the error-log total is busy
        for (int i = 0; i < 360; i++) {
            CountEvidence.Window w = quiet(rnd, t += 10_000, 1.0, 0.0, 0.0);
            long known = 1 + rnd.nextInt(3);
            ce.observe(st, new CountEvidence.Window(t, w.requests(), 0, known, w.over(), Map.of("aaaa", known)));
        }
        // a code fault: one or two lines of a template never seen before per window, beside the usual ones
        CountEvidence.Result r = null;
        int crossed = -1;
        for (int i = 0; i < 12 && crossed < 0; i++) {
            CountEvidence.Window w = quiet(rnd, t += 10_000, 1.0, 0.0, 0.0);
            long known = 1 + rnd.nextInt(3);
            long fresh = 1 + (i % 2);
            r = ce.observe(st, new CountEvidence.Window(t, w.requests(), 0, known + fresh, w.over(),
                    Map.of("aaaa", known, "bbbb", fresh)));
            if (r.abnormal(C)) {
                crossed = i;
            }
        }
        assertTrue(crossed >= 0 && crossed <= 3, "crossed at " + crossed);
        assertEquals(CountEvidence.TEMPLATE_PREFIX + "bbbb", r.strongest());
        // the same without template counts: the total alone is not enough that fast
        CountEvidenceState plain = new CountEvidenceState();
        Random rnd2 = new Random(7);
        long t2 = 0;
        for (int i = 0; i < 360; i++) {
            CountEvidence.Window w = quiet(rnd2, t2 += 10_000, 1.0, 0.0, 0.0);
            ce.observe(plain, new CountEvidence.Window(t2, w.requests(), 0, 1 + rnd2.nextInt(3), w.over()));
        }
        boolean plainCrossed = false;
        for (int i = 0; i <= crossed; i++) {
            CountEvidence.Window w = quiet(rnd2, t2 += 10_000, 1.0, 0.0, 0.0);
            plainCrossed |= ce.observe(plain, new CountEvidence.Window(t2, w.requests(), 0,
                    1 + rnd2.nextInt(3) + 1 + (i % 2), w.over())).abnormal(C);
        }
        assertFalse(plainCrossed, "the template is what made it fast");
    }

    @Test
    void templatesFollowedAreBoundedAndForgotten() {
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState st = new CountEvidenceState();
        long t = 0;
        for (int i = 0; i < 200; i++) {
            ce.observe(st, new CountEvidence.Window(t += 10_000, 3, 0, 1, null, Map.of("t" + i, 1L)));
        }
        assertEquals(CountEvidence.MAX_TEMPLATES, st.templateIds.length);
        long followed = java.util.Arrays.stream(st.templateIds).filter(java.util.Objects::nonNull).count();
        assertTrue(followed <= CountEvidence.MAX_TEMPLATES);
        // a long quiet time: every baseline decays and the places free up
        for (int i = 0; i < 10_000; i++) {
            ce.observe(st, new CountEvidence.Window(t += 10_000, 3, 0, 0, null, null));
        }
        assertEquals(0, java.util.Arrays.stream(st.templateIds).filter(java.util.Objects::nonNull).count());
    }

    @Test
    void noTestBeforeWarmup() {
        CountEvidence ce = new CountEvidence(C, LADDER);
        CountEvidenceState st = new CountEvidenceState();
        CountEvidence.Result r = ce.observe(st, new CountEvidence.Window(1, 5, 5, 50, null));
        assertEquals(0, r.tests());
        assertEquals(0.0, r.evidence());
    }

    /** A quiet service: 1-8 requests per window, latency log-normal around 20 ms times {@code slow}. */
    private static CountEvidence.Window quiet(Random rnd, long t, double slow, double errorShare, double logRate) {
        int n = 1 + rnd.nextInt(8);
        long[] over = new long[LADDER.length];
        long errors = 0;
        for (int k = 0; k < n; k++) {
            double ms = 20 * slow * Math.exp(0.3 * rnd.nextGaussian());
            for (int s = 0; s < LADDER.length; s++) {
                if (ms > LADDER[s]) {
                    over[s]++;
                }
            }
            if (rnd.nextDouble() < errorShare) {
                errors++;
            }
        }
        long logs = rnd.nextDouble() < logRate ? 1 : 0;
        return new CountEvidence.Window(t, n, errors, logs, over);
    }

    private static long binomial(Random rnd, long n, double p) {
        double mean = n * p;
        return Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * rnd.nextGaussian()));
    }
}
