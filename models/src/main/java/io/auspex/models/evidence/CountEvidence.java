package io.auspex.models.evidence;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/**
 * Count-aware evidence that a service went wrong, window by window, for signals made of few
 * events: errors among requests, error log lines, and requests slower than each step of a fixed
 * latency ladder. Each window is judged by exact count tests against the service's own decayed
 * baseline, so 4 errors out of 5 requests in a quiet service are significant at once while 40 out
 * of 4,000 in a busy one are not:
 *
 * <ul>
 *   <li><b>errors</b>: {@code P(X >= errors)} for {@code X ~ Binomial(requests, p0)}, {@code p0}
 *       the baseline error share (with a prior of {@link Config#priorErrorRate()} over
 *       {@link Config#priorTrials()} requests);
 *   <li><b>error logs</b>: {@code P(X >= errorLogs)} for {@code X ~ Poisson(lambda0)}, the baseline
 *       rate per window (prior {@link Config#priorLogRate()} over {@link Config#priorWindows()});
 *   <li><b>latency</b>: for each ladder step, {@code P(X >= over)} for {@code X ~ Binomial(requests,
 *       q0)}, {@code q0} the baseline share of requests slower than the step; steps that half the
 *       requests exceed are skipped (they say nothing about slowness).
 * </ul>
 *
 * <p>Real counts are over-dispersed (one failing request logs three lines; busy services drift):
 * each test divides its counts by a dispersion factor, the running mean of the squared standardized
 * residual of normal windows (at least 1), which makes it a quasi-binomial or quasi-Poisson test.
 *
 * <p>The window's surprise is {@code -log10} of the smallest p-value times the number of tests
 * (Bonferroni). Evidence accumulates as a CUSUM: {@code S = max(0, S + surprise - drift)}, capped
 * at {@link Config#cap()}. A scan judges the counts of the last 3, 6 and 18 windows summed, with
 * the same tests (Bonferroni over tests and scales), so a service with one request per window
 * whose every request is slow builds evidence over a minute or three that no single window shows.
 * The evidence is the larger of the two; the service is abnormal while it is at least {@code bar}. So one window of strong
 * evidence (surprise above {@code bar + drift}) crosses the bar at once, weak evidence takes longer,
 * and noise (surprise mostly below the drift) drains away. Baselines learn slowly
 * ({@link Config#slowLearning()}) from windows whose surprise is at least
 * {@link Config#learnBar()}, so a lasting fault is not absorbed within minutes.
 *
 * <p>A window teaches the baselines when it leaves the ring of the last 18 windows, so the windows a
 * scan tests are never part of the baseline they are tested against (a fault's first error lines
 * do not make its later ones look usual). Baselines start to test after {@link Config#warmupWindows()} windows; the request tests after
 * {@link Config#minRequests()} requests as well.
 */
public final class CountEvidence implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Test names, for the evidence a human reads. */
    public static final String ERRORS = "errors";
    public static final String ERROR_LOGS = "error_logs";
    /** The error-template tests' names are {@code error_template:<template id>}. */
    public static final String TEMPLATE_PREFIX = "error_template:";
    /** Error log templates followed per service; a new one replaces the least active when all are taken. */
    public static final int MAX_TEMPLATES = 32;
    /** Prior error lines per window of a template (over {@code priorWindows}): a template never seen is rare. */
    static final double PRIOR_TEMPLATE_RATE = 0.01;
    /** The latency steps' names are {@code latency_over_<ms>ms}. */
    public static final String LATENCY_PREFIX = "latency_over_";
    /** The default latency ladder, 1-2-5 steps from 1 ms to 20 s. */
    public static final long[] DEFAULT_LADDER_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000,
        20_000};

    /**
     * @param halfLifeWindows windows after which a baseline observation weighs half
     * @param warmupWindows windows before any test
     * @param minRequests requests seen before the error and latency tests
     * @param priorErrorRate prior error share, over {@code priorTrials} requests
     * @param priorTrials weight of the priors of the request tests, in requests
     * @param priorSlowShare prior share of requests slower than a ladder step (over {@code priorTrials})
     * @param priorLogRate prior error log lines per window, over {@code priorWindows} windows
     * @param priorWindows weight of the error-log prior, in windows
     * @param drift surprise a window must exceed to add to the evidence
     * @param bar evidence at which the service is abnormal
     * @param cap most evidence kept (so it drains within {@code (cap - bar) / drift} quiet windows)
     * @param learnBar surprise from which a window's baselines learn at {@code slowLearning} of the rate
     * @param slowLearning factor of the learning rate for surprising windows
     * @param dispersionAlpha weight of a window in the dispersion factors
     * @param dispersionBar surprise from which a window does not update the dispersion factors
     */
    public record Config(double halfLifeWindows, int warmupWindows, long minRequests, double priorErrorRate,
            double priorTrials, double priorSlowShare, double priorLogRate, double priorWindows, double drift,
            double bar, double cap, double learnBar, double slowLearning, double dispersionAlpha,
            double dispersionBar) implements Serializable {
        public Config {
            if (!(halfLifeWindows > 0) || warmupWindows < 0 || minRequests < 0 || !(priorTrials > 0)
                    || !(priorWindows > 0) || !(drift >= 0) || !(bar > 0) || !(cap >= bar)
                    || !(slowLearning >= 0 && slowLearning <= 1) || !(dispersionAlpha > 0 && dispersionAlpha <= 1)) {
                throw new IllegalArgumentException("invalid count-evidence config: " + this);
            }
        }

        /** The defaults: half-life 1 h of 10 s windows, drift 1.5, bar 8. */
        public static Config defaults() {
            return new Config(360, 48, 50, 0.01, 50, 0.01, 0.1, 5, 1.5, 8.0, 16.0, 3.0, 0.1, 0.02, 3.0);
        }

        /** These settings with another bar (and a cap twice the bar). */
        public Config withBar(double newBar, double newDrift) {
            return new Config(halfLifeWindows, warmupWindows, minRequests, priorErrorRate, priorTrials, priorSlowShare,
                    priorLogRate, priorWindows, newDrift, newBar, 2 * newBar, learnBar, slowLearning, dispersionAlpha,
                    dispersionBar);
        }
    }

    /**
     * One window of a service.
     *
     * @param over requests slower than each ladder step, aligned with the ladder; null when unknown
     */
    public record Window(long endMs, long requests, long errors, long errorLogs, long[] over,
            Map<String, Long> templateErrors) {
        /** A window without per-template counts. */
        public Window(long endMs, long requests, long errors, long errorLogs, long[] over) {
            this(endMs, requests, errors, errorLogs, over, null);
        }
    }

    /**
     * The judgement of one window.
     *
     * @param surprise the window's Bonferroni-corrected {@code -log10 p}
     * @param evidence the evidence after the window: the larger of the CUSUM and the scan
     * @param onsetMs end of the first window of the current accumulation (0 when there is none)
     * @param strongest name of the test with the smallest p-value ("" when no test ran)
     * @param tests number of tests that ran
     */
    public record Result(double surprise, double evidence, long onsetMs, String strongest, int tests) {
        /** Whether the evidence is at or above {@code bar}. */
        public boolean abnormal(Config c) {
            return evidence >= c.bar();
        }
    }

    /** Windows summed by the scan: the window alone (the CUSUM's), 30 s, 1 min and 3 min of 10 s windows. */
    static final int[] SCALES = {1, 3, 6, 18};

    private final Config config;
    private final long[] ladderMs;
    private final double alpha;

    public CountEvidence(Config config, long[] ladderMs) {
        this.config = config;
        this.ladderMs = ladderMs.clone();
        for (int i = 1; i < this.ladderMs.length; i++) {
            if (this.ladderMs[i] <= this.ladderMs[i - 1]) {
                throw new IllegalArgumentException("ladder must be ascending: " + Arrays.toString(ladderMs));
            }
        }
        this.alpha = 1 - Math.pow(0.5, 1.0 / config.halfLifeWindows());
    }

    public Config config() {
        return config;
    }

    public long[] ladderMs() {
        return ladderMs.clone();
    }

    /** One test battery's outcome: the smallest p-value, how many tests ran, and which was smallest. */
    private record Battery(double pMin, int tests, String strongest) {}

    /**
     * The tests of counts summed over {@code m} windows ({@code n} requests, {@code errors},
     * {@code logs}, {@code over} per ladder step, {@code templateCounts} per followed template; either may be
     * null) against the baselines.
     */
    private Battery battery(CountEvidenceState st, int m, double n, double errors, double logs, double[] over,
            double[] templateCounts, boolean requestTests, double p0, double lambda0, double[] q0) {
        int tests = 0;
        double pMin = 1.0;
        String strongest = "";
        if (requestTests && n > 0) {
            double phi = Math.max(1.0, st.errorDispersion);
            double p = CountTests.binomialUpper(errors / phi, n / phi, p0);
            tests++;
            if (p < pMin) {
                pMin = p;
                strongest = ERRORS;
            }
            if (over != null) {
                for (int i = 0; i < over.length; i++) {
                    if (q0[i] >= 0.5) {
                        continue;
                    }
                    double phiI = Math.max(1.0, st.overDispersion[i]);
                    double pi = CountTests.binomialUpper(over[i] / phiI, n / phiI, q0[i]);
                    tests++;
                    if (pi < pMin) {
                        pMin = pi;
                        strongest = LATENCY_PREFIX + ladderMs[i] + "ms";
                    }
                }
            }
        }
        double phi = Math.max(1.0, st.logDispersion);
        double p = CountTests.poissonUpper(logs / phi, m * lambda0 / phi);
        tests++;
        if (p < pMin) {
            pMin = p;
            strongest = ERROR_LOGS;
        }
        if (templateCounts != null) {
            double exposure = st.logWindows + config.priorWindows();
            for (int t = 0; t < templateCounts.length; t++) {
                if (st.templateIds[t] == null) {
                    continue;
                }
                double lambdaT = (st.templateErrors[t] + PRIOR_TEMPLATE_RATE * config.priorWindows()) / exposure;
                double pt = CountTests.poissonUpper(templateCounts[t] / phi, m * lambdaT / phi);
                tests++;
                if (pt < pMin) {
                    pMin = pt;
                    strongest = TEMPLATE_PREFIX + st.templateIds[t];
                }
            }
        }
        return new Battery(pMin, tests, pMin < 1.0 ? strongest : "");
    }

    /** Judges {@code w} against {@code st}, then folds it into {@code st}. */
    public Result observe(CountEvidenceState st, Window w) {
        int steps = ladderMs.length;
        int width = ringWidth();
        if (st.over == null || st.over.length != steps) {
            st.over = new double[steps];
            st.overDispersion = new double[steps];
            Arrays.fill(st.overDispersion, 1.0);
            st.recent = null;
        }
        int depth = SCALES[SCALES.length - 1];
        if (st.recent == null || st.recent.length != depth * width) {
            st.recent = new long[depth * width];
            st.recentEndMs = new long[depth];
            st.recentFlags = new int[depth];
            st.recentFill = 0;
            st.recentNext = 0;
        }
        boolean hasOver = w.over() != null && w.over().length == steps;
        int slot = st.recentNext;
        // the baselines learn a window when it leaves the ring, so the windows the scan tests are never
        // part of the baseline they are tested against
        if (st.recentFill == depth) {
            learnFrom(st, slot, depth);
        }
        // this window into the ring of recent windows (a missing ladder counts as no slow request)
        st.recent[slot * width] = w.requests();
        st.recent[slot * width + 1] = w.errors();
        st.recent[slot * width + 2] = w.errorLogs();
        for (int i = 0; i < steps; i++) {
            st.recent[slot * width + 3 + i] = hasOver ? w.over()[i] : 0;
        }
        st.recentEndMs[slot] = w.endMs();
        st.recentNext = (slot + 1) % depth;
        st.recentFill = Math.min(depth, st.recentFill + 1);
        followTemplates(st, w.templateErrors(), slot, depth);

        boolean warm = st.windows >= config.warmupWindows();
        boolean requestTests = warm && st.requestsSeen >= config.minRequests();
        double n = w.requests();
        double p0 = errorShare(st);
        double lambda0 = errorLogRate(st);
        double[] q0 = new double[steps];
        for (int i = 0; i < steps; i++) {
            q0[i] = slowShare(st, i);
        }

        // the window alone, into the CUSUM
        double surprise = 0.0;
        String strongest = "";
        int tests = 0;
        if (warm) {
            double[] overNow = null;
            if (hasOver) {
                overNow = new double[steps];
                for (int i = 0; i < steps; i++) {
                    overNow[i] = w.over()[i];
                }
            }
            Battery b = battery(st, 1, n, w.errors(), w.errorLogs(), overNow, templateSums(st, slot, depth, 1),
                    requestTests, p0, lambda0, q0);
            tests = b.tests();
            surprise = CountTests.surprise(Math.min(1.0, b.pMin() * b.tests()));
            strongest = b.strongest();
        }
        double before = st.cusum;
        st.cusum = Math.min(config.cap(), Math.max(0.0, st.cusum + surprise - config.drift()));
        if (st.cusum == 0) {
            st.onsetMs = 0;
        } else if (before == 0) {
            st.onsetMs = w.endMs();
        }

        // the recent windows summed (a scan over 3, 6 and 18 windows): few events per window add up
        double scan = 0.0;
        String scanStrongest = "";
        long scanOnset = 0;
        if (warm) {
            int scales = 0;
            for (int m : SCALES) {
                if (m > 1 && st.recentFill >= m) {
                    scales++;
                }
            }
            double sumN = 0;
            double sumErr = 0;
            double sumLogs = 0;
            double[] sumOver = new double[steps];
            int m = 0;
            for (int scale : SCALES) {
                if (scale == 1 || st.recentFill < scale) {
                    continue;
                }
                for (; m < scale; m++) {
                    int k = Math.floorMod(slot - m, depth);
                    sumN += st.recent[k * width];
                    sumErr += st.recent[k * width + 1];
                    sumLogs += st.recent[k * width + 2];
                    for (int i = 0; i < steps; i++) {
                        sumOver[i] += st.recent[k * width + 3 + i];
                    }
                }
                Battery b = battery(st, scale, sumN, sumErr, sumLogs, hasOver ? sumOver : null,
                        templateSums(st, slot, depth, scale), requestTests, p0, lambda0, q0);
                double sc = CountTests.surprise(Math.min(1.0, b.pMin() * b.tests() * scales));
                if (sc > scan) {
                    scan = sc;
                    scanStrongest = b.strongest();
                    scanOnset = st.recentEndMs[Math.floorMod(slot - scale + 1, depth)];
                }
            }
        }

        // learn: dispersion from windows that are not clearly abnormal, then the baselines
        double worst = Math.max(surprise, scan);
        double evidenceNow = Math.max(st.cusum, scan);
        st.recentFlags[slot] = (worst >= config.learnBar() || evidenceNow >= config.bar() ? FLAG_SURPRISING : 0)
                | (hasOver ? FLAG_LADDER : 0)
                | (worst < config.dispersionBar() && st.windows > 0 ? FLAG_DISPERSION : 0);
        if (evidenceNow >= config.bar()) {
            // the windows since the evidence began are part of what it found: none teaches the baselines or
            // the dispersion when it leaves the ring
            long onsetNow = scan > st.cusum ? scanOnset : st.onsetMs;
            for (int k = 0; k < depth; k++) {
                if (st.recentEndMs[k] >= onsetNow && onsetNow > 0) {
                    st.recentFlags[k] = (st.recentFlags[k] | FLAG_SURPRISING) & ~FLAG_DISPERSION;
                }
            }
        }
        st.requestsSeen += w.requests();
        st.windows++;
        boolean scanLeads = scan > st.cusum;
        double evidence = Math.max(st.cusum, scan);
        long onset = evidence == 0 ? 0 : scanLeads ? (st.onsetMs == 0 ? scanOnset : Math.min(scanOnset, st.onsetMs))
                : st.onsetMs;
        return new Result(surprise, evidence, onset, scanLeads ? scanStrongest : strongest, tests);
    }

    /**
     * Puts this window's error lines per template into the ring (slot {@code slot}), following new
     * templates in free places or in place of the least active one (least recent errors, then the
     * smallest baseline); a template nobody logs any more frees its place once its baseline and recent
     * windows are empty.
     */
    private static void followTemplates(CountEvidenceState st, Map<String, Long> counts, int slot, int depth) {
        if (st.templateIds == null || st.templateRecent == null || st.templateRecent.length != MAX_TEMPLATES * depth) {
            st.templateIds = new String[MAX_TEMPLATES];
            st.templateErrors = new double[MAX_TEMPLATES];
            st.templateRecent = new int[MAX_TEMPLATES * depth];
        }
        for (int t = 0; t < MAX_TEMPLATES; t++) {
            st.templateRecent[t * depth + slot] = 0;
            if (st.templateIds[t] != null && st.templateErrors[t] < 1e-3) {
                boolean quiet = true;
                for (int k = 0; k < depth && quiet; k++) {
                    quiet = st.templateRecent[t * depth + k] == 0;
                }
                if (quiet) {
                    st.templateIds[t] = null;
                    st.templateErrors[t] = 0;
                }
            }
        }
        if (counts == null) {
            return;
        }
        // in id order, so which template takes a free place does not depend on the map's order
        java.util.List<String> ids = new java.util.ArrayList<>(counts.keySet());
        java.util.Collections.sort(ids);
        for (String id : ids) {
            long c = counts.get(id) == null ? 0 : counts.get(id);
            if (c <= 0) {
                continue;
            }
            int at = -1;
            for (int t = 0; t < MAX_TEMPLATES && at < 0; t++) {
                if (id.equals(st.templateIds[t])) {
                    at = t;
                }
            }
            if (at < 0) {
                at = placeFor(st, depth, slot);
                st.templateIds[at] = id;
                st.templateErrors[at] = 0;
                for (int k = 0; k < depth; k++) {
                    st.templateRecent[at * depth + k] = 0;
                }
            }
            st.templateRecent[at * depth + slot] = (int) Math.min(Integer.MAX_VALUE, c);
        }
    }

    /** A free place, else the least active template's (fewest recent errors, then smallest baseline, then id). */
    private static int placeFor(CountEvidenceState st, int depth, int slot) {
        int best = -1;
        long bestRecent = Long.MAX_VALUE;
        double bestBase = Double.MAX_VALUE;
        for (int t = 0; t < MAX_TEMPLATES; t++) {
            if (st.templateIds[t] == null) {
                return t;
            }
            long recent = 0;
            for (int k = 0; k < depth; k++) {
                if (k != slot) {
                    recent += st.templateRecent[t * depth + k];
                }
            }
            if (recent < bestRecent || (recent == bestRecent && (st.templateErrors[t] < bestBase
                    || (st.templateErrors[t] == bestBase && st.templateIds[t].compareTo(st.templateIds[best]) < 0)))) {
                best = t;
                bestRecent = recent;
                bestBase = st.templateErrors[t];
            }
        }
        return best;
    }

    /** Each followed template's error lines over the last {@code m} windows (ending at {@code slot}), or null. */
    private static double[] templateSums(CountEvidenceState st, int slot, int depth, int m) {
        if (st.templateIds == null) {
            return null;
        }
        double[] sums = new double[MAX_TEMPLATES];
        boolean any = false;
        for (int t = 0; t < MAX_TEMPLATES; t++) {
            if (st.templateIds[t] == null) {
                continue;
            }
            for (int k = 0; k < m; k++) {
                sums[t] += st.templateRecent[t * depth + Math.floorMod(slot - k, depth)];
            }
            any = true;
        }
        return any ? sums : null;
    }

    private static final int FLAG_SURPRISING = 1;
    private static final int FLAG_LADDER = 2;
    /** The window was unsurprising when it came: it teaches the dispersion factors when it leaves the ring. */
    private static final int FLAG_DISPERSION = 4;

    /**
     * Folds the window in ring slot {@code slot} into the decayed baselines, at the slow rate when it
     * was surprising (or the evidence was at the bar) or the evidence is at the bar now.
     */
    private void learnFrom(CountEvidenceState st, int slot, int depth) {
        int width = ringWidth();
        int steps = ladderMs.length;
        boolean surprising = (st.recentFlags[slot] & FLAG_SURPRISING) != 0 || st.cusum >= config.bar();
        boolean hadLadder = (st.recentFlags[slot] & FLAG_LADDER) != 0;
        double r = surprising ? alpha * config.slowLearning() : alpha;
        double keep = 1 - r;
        double weight = r / alpha;
        long n = st.recent[slot * width];
        if ((st.recentFlags[slot] & FLAG_DISPERSION) != 0 && !surprising) {
            learnDispersion(st, slot, n, hadLadder);
        }
        st.logWindows = st.logWindows * keep + weight;
        st.errorLogs = st.errorLogs * keep + weight * st.recent[slot * width + 2];
        if (st.templateIds != null) {
            for (int t = 0; t < st.templateIds.length; t++) {
                if (st.templateIds[t] != null) {
                    st.templateErrors[t] = st.templateErrors[t] * keep + weight * st.templateRecent[t * depth + slot];
                }
            }
        }
        if (n > 0) {
            double before = st.requests;
            st.requests = st.requests * keep + weight * n;
            st.errors = st.errors * keep + weight * st.recent[slot * width + 1];
            for (int i = 0; i < steps; i++) {
                // no latency counts that window: keep the shares, not the trials
                double q = (st.over[i] + config.priorSlowShare() * config.priorTrials()) / (before + config.priorTrials());
                st.over[i] = st.over[i] * keep + weight * (hadLadder ? st.recent[slot * width + 3 + i] : n * q);
            }
        }
    }

    /**
     * The dispersion factors learn a window when it leaves the ring, against the baselines of that
     * time, as the baselines do: the first windows of a fault, each still unsurprising, cannot
     * inflate the dispersion while the scan is testing them.
     */
    private void learnDispersion(CountEvidenceState st, int slot, long n, boolean hadLadder) {
        int width = ringWidth();
        double a = config.dispersionAlpha();
        if (n > 0 && st.requestsSeen > 0) {
            double p0 = errorShare(st);
            st.errorDispersion = ewma(st.errorDispersion,
                    residual2(st.recent[slot * width + 1], n * p0, n * p0 * (1 - p0)), a);
            if (hadLadder) {
                for (int i = 0; i < ladderMs.length; i++) {
                    double q0 = slowShare(st, i);
                    st.overDispersion[i] = ewma(st.overDispersion[i],
                            residual2(st.recent[slot * width + 3 + i], n * q0, n * q0 * (1 - q0)), a);
                }
            }
        }
        double lambda0 = errorLogRate(st);
        st.logDispersion = ewma(st.logDispersion, residual2(st.recent[slot * width + 2], lambda0, lambda0), a);
    }

    /** Longs per window in the ring of recent windows: requests, errors, error logs, one per ladder step. */
    private int ringWidth() {
        return 3 + ladderMs.length;
    }

    /** The baseline error share of requests, with its prior. */
    private double errorShare(CountEvidenceState st) {
        return (st.errors + config.priorErrorRate() * config.priorTrials()) / (st.requests + config.priorTrials());
    }

    /** The baseline share of requests over ladder step {@code i}, with its prior. */
    private double slowShare(CountEvidenceState st, int i) {
        return (st.over[i] + config.priorSlowShare() * config.priorTrials()) / (st.requests + config.priorTrials());
    }

    /** The baseline error log lines per window, with its prior. */
    private double errorLogRate(CountEvidenceState st) {
        return (st.errorLogs + config.priorLogRate() * config.priorWindows()) / (st.logWindows + config.priorWindows());
    }

    /** Cap of a window's squared standardized residual in the dispersion factors (5 standard deviations). */
    static final double RESIDUAL_CAP = 25.0;

    /** Squared standardized residual, capped so one wild window cannot set the dispersion alone. */
    private static double residual2(double observed, double expected, double variance) {
        if (!(variance > 1e-12)) {
            return 1.0;
        }
        double z = (observed - expected) / Math.sqrt(variance);
        return Math.min(z * z, RESIDUAL_CAP);
    }

    private static double ewma(double current, double x, double a) {
        return current + a * (x - current);
    }
}
