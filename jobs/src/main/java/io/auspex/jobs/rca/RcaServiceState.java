package io.auspex.jobs.rca;

import io.auspex.jobs.alerts.Fingerprint;
import io.auspex.jobs.anomaly.AnomalyAlertFunction;
import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.jobs.state.WriteBehindCache;
import io.auspex.jobs.state.WriteBehindOperator;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.models.evidence.CountEvidenceState;
import io.auspex.models.evidence.CountTests;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The root-cause state of one service, keyed by service: its recent anomaly evidence (an episode
 * with level, peak and onset) and the edges into it (decayed calls, the callers' wait beyond its
 * spans and their failed calls, each against the edge's own baseline). After every window it
 * changed in, it emits a {@link ServiceView} of itself for {@link RootCauseEnricher}, which ranks
 * alerts on the views of all services; and it raises the service's {@value #EDGE_ALERT_NAME}
 * alerts (to {@link #EDGE_ALERTS}, to be enriched like any other).
 *
 * <p>What a view holds does not depend on the order the inputs arrive in (they come interleaved
 * from two upstream operators, and differently after a restore): evidence and edges are held, each
 * until the watermark reaches its window end, and then applied in (window end, edge before
 * evidence, caller) order.
 *
 * <p>State, per service: the edges into it (with the count evidence of each edge's failed calls),
 * its evidence history, held inputs, the start of its firing edge alerts ({@value #EDGE_ALERT_NAME},
 * {@value #EDGE_ERRORS_ALERT_NAME}). <b>Cleared</b>: held inputs when applied; an edge alert when it resolves; on
 * every timer, an edge unseen for {@code edgeTtlMs} and evidence older than the lookback (quiet
 * since, or unseen) are dropped, and a service with nothing left is cleared whole (its last view
 * says {@code removed}). Every input, and every timer while anything is left, registers a
 * timer at the next multiple of the lookback, so the state of a service that stops sending is
 * cleared within a lookback of the edge TTL or the evidence lookback running out.
 */
public final class RcaServiceState extends KeyedProcessFunction<String, RcaInput, ServiceView>
        implements WriteBehindOperator.Cacheable<RcaServiceState.Local> {
    private static final long serialVersionUID = 1L;
    /** Firing and resolved {@value #EDGE_ALERT_NAME} alerts, not yet enriched. */
    public static final OutputTag<Alert> EDGE_ALERTS = new OutputTag<>("edge-alerts") {};
    /** The alert name of an edge-wait alert: calls into a service wait far more than usual. */
    public static final String EDGE_ALERT_NAME = "EdgeWait";
    /** The alert name of an edge-errors alert: calls into a service fail far more than usual. */
    public static final String EDGE_ERRORS_ALERT_NAME = "EdgeErrors";
    public static final long EDGE_HALF_LIFE_MS = 10 * 60_000L;
    /** Weight of the newest window in a service's anomaly level (an EWMA of evidence strength). */
    public static final double LEVEL_ALPHA = 0.3;
    /** Anomaly level at which a service is in an anomaly episode (about 3 strong windows in a row). */
    public static final double EPISODE_LEVEL = 0.6;
    /** A service (or edge) not abnormal for this long starts a new episode when it is again. */
    public static final long EPISODE_GAP_MS = 2 * 60_000L;
    /** A detector onset this long before an episode's level crossing dates the episode. */
    public static final long ONSET_MATCH_MS = 2 * 60_000L;

    private final long lookbackMs;
    private final long edgeTtlMs;
    private final double signalThreshold;
    private final double edgeAlertSurprise;
    /** Callers tracked per service at most; a further new caller's edge is refused and counted. */
    private int maxCallers = Integer.MAX_VALUE;
    /** The count tests of an edge's failed calls (null: none), and whether they raise EdgeErrors alerts. */
    private CountEvidence edgeFailures;
    private boolean edgeErrorAlerts;
    /** Start of this service's firing {@value #EDGE_ERRORS_ALERT_NAME} alert. */
    private transient ValueState<Long> errorsAlert;
    private transient Counter edgesRefused;
    /** Caller -> the edge from it into this service. */
    private transient MapState<String, EdgeState> edges;
    /** Start of this service's firing {@value #EDGE_ALERT_NAME} alert. */
    private transient ValueState<Long> edgeAlert;
    private transient ValueState<EvidenceHistory> evidence;
    private transient ListState<RcaInput> held;
    /** The services' state on the heap between checkpoints (with RocksDB, {@link RcaServiceOperator}), or null. */
    private transient WriteBehindCache<Local> cache;

    /** The order held evidence and edges are applied in: window end, edges first, then by edge. */
    static final Comparator<RcaInput> APPLY_ORDER = Comparator.comparingLong(RcaServiceState::timeOf)
            .thenComparingInt(in -> in.edge != null ? 0 : 1)
            .thenComparing(in -> in.edge != null ? in.edge.caller + "->" + in.edge.callee : in.evidence.service);

    /** Windows of an edge's wait beyond the callee before its baseline is trusted (5 min of 10 s windows). */
    public static final int GAP_WARMUP_WINDOWS = 30;
    /** Weight of a window in the edge-wait baseline (mean and variance of the per-window mean). */
    public static final double GAP_ALPHA = 0.05;
    /** An edge's mean wait is abnormal above its baseline by this many standard deviations... */
    public static final double GAP_SIGMAS = 4;
    /** ...and by at least this much, in ms. */
    public static final double GAP_MIN_MS = 50;
    /** Failed calls of a window that can make an edge abnormal, at least. */
    public static final int CALL_ERRORS_MIN = 2;
    /** Surprise ({@code -log10} of the binomial tail) of a window's failed calls that makes an edge abnormal. */
    public static final double CALL_ERRORS_SURPRISE = 5;
    /** Prior error share of an edge's calls, over {@link #CALL_ERRORS_PRIOR_CALLS} calls. */
    static final double CALL_ERRORS_PRIOR_RATE = 0.01;
    static final double CALL_ERRORS_PRIOR_CALLS = 50;
    /** Weight of a window in the edge's baseline error share (decay per window). */
    static final double CALL_ERRORS_ALPHA = 0.01;
    /** Surprise of the calls over a wait-ladder step that makes an edge's wait strong (an episode at once). */
    public static final double GAP_COUNT_SURPRISE = 6;
    /** A wait this many times the abnormal bar above the baseline is an episode in its first window. */
    public static final double GAP_STRONG = 1.5;
    /** A slowed edge is evidence on its callee while its wait was abnormal this recently (it is a current symptom). */
    public static final long GAP_CURRENT_MS = 60_000L;

    /**
     * Decayed statistics of one caller->callee edge, and the caller's wait beyond the callee's
     * own span (network, queueing in front of the callee): its baseline and, like a service's
     * evidence, a level and an episode. A slowed edge is evidence on its callee.
     */
    public static class EdgeState {
        public String caller;
        public String callee;
        public double calls;
        public double errors;
        public long lastSeenMs;
        public double gapMeanMs;
        public double gapVar;
        public int gapWindows;
        public double gapLevel;
        public double gapPeak;
        public double gapNowMs;
        public long gapOnsetMs;
        public long gapLastAnomalousMs = Long.MIN_VALUE / 2;
        /** Largest wait beyond the baseline in the current episode, in ms. */
        public double gapPeakMs;
        /** Decayed calls and failed calls of normal windows: the edge's baseline error share. */
        public double errBaseCalls;
        public double errBaseErrors;
        public int errWindows;
        /** Last window whose failed calls were abnormal, and the start of that episode. */
        public long errLastAnomalousMs = Long.MIN_VALUE / 2;
        public long errOnsetMs;
        /** Decayed calls and calls over each wait-ladder step of normal windows: the edge's baseline wait shares. */
        public double gapBaseCalls;
        public double[] gapBaseOver;
        /** Calls and ladder counts of the two previous windows with calls (ring), for the three-window test. */
        public long[] gapRingCalls;
        public long[] gapRingOver;
        public int gapRingPos;
        /** Wait-ladder surprise of the edge's last window with calls (0 when it had no ladder). */
        public double gapCountSurprise;
        /**
         * The count evidence of the edge's failed calls among its calls (a service's error test:
         * the window alone into a CUSUM, and a scan over 3, 6 and 18 windows); null until its first
         * window with calls, or when the count evidence is off.
         */
        public CountEvidenceState failures;
        /** That evidence after the edge's last window with calls. */
        public double failEvidence;
        /** The failures' episode: its start and its last window at the bar. */
        public long failOnsetMs;
        public long failLastAbnormalMs = Long.MIN_VALUE / 2;

        public EdgeState() {}
    }

    /**
     * The anomaly level of one service (EWMA of its evidence strength per window) and its current
     * episode: a run of windows at or above {@link #EPISODE_LEVEL}, with onset and peak.
     */
    public static class EvidenceHistory {
        public long onsetMs;
        public long lastAnomalousMs;
        public long lastSeenMs;
        public double level;
        public double peak;
        public double lastModelScore = Double.NaN;
        public String[] movedSignals = new String[0];
        /** Signals the streaming detector saw begin to move, and when (0: never). */
        public String[] onsetSignals = new String[0];
        public long lastOnsetMs;
        public String[] exemplarTraceIds = new String[0];
        public String[] errorLogTemplates = new String[0];

        public EvidenceHistory() {}
    }

    /**
     * One service's state as one object: what {@link #load} read of its keyed states and what changed
     * since, so that {@link #store} writes only that (edges one by one; the rest as a whole).
     */
    public static final class Local {
        /** Caller -> edge into this service. */
        final Map<String, EdgeState> edges = new HashMap<>();
        final Set<String> changedEdges = new HashSet<>();
        final Set<String> removedEdges = new HashSet<>();
        EvidenceHistory evidence;
        boolean evidenceChanged;
        final List<RcaInput> held = new ArrayList<>();
        boolean heldChanged;
        /** Start of the firing edge alert of each kind ({@link EdgeAlertKind#slot}), or null. */
        final Long[] alertStart = new Long[2];
        boolean alertsChanged;

        void putEdge(EdgeState e) {
            edges.put(e.caller, e);
            changedEdges.add(e.caller);
            removedEdges.remove(e.caller);
        }

        void removeEdge(String caller) {
            edges.remove(caller);
            changedEdges.remove(caller);
            removedEdges.add(caller);
        }

        void setEvidence(EvidenceHistory h) {
            evidence = h;
            evidenceChanged = true;
        }

        void setAlert(int slot, Long start) {
            alertStart[slot] = start;
            alertsChanged = true;
        }
    }

    public RcaServiceState(long lookbackMs, long edgeTtlMs, double signalThreshold, double edgeAlertSurprise) {
        this.lookbackMs = lookbackMs;
        this.edgeTtlMs = edgeTtlMs;
        this.signalThreshold = signalThreshold;
        this.edgeAlertSurprise = edgeAlertSurprise;
    }

    /**
     * This function with the count tests of each edge's failed calls ({@code auspex.anomaly.count-evidence},
     * its bar and drift): an edge at the bar is evidence on its callee and, with {@code alerts}, gives it
     * an {@value #EDGE_ERRORS_ALERT_NAME} alert.
     */
    public RcaServiceState withEdgeFailures(CountEvidence tests, boolean alerts) {
        this.edgeFailures = tests;
        this.edgeErrorAlerts = tests != null && alerts;
        return this;
    }

    /** This function with at most {@code maxCallers} callers tracked per service (option {@code auspex.limits.max-callers-per-service}). */
    public RcaServiceState withMaxCallers(int maxCallers) {
        if (maxCallers < 1) {
            throw new IllegalArgumentException("auspex.limits.max-callers-per-service must be at least 1, got " + maxCallers);
        }
        this.maxCallers = maxCallers;
        return this;
    }

    @Override
    public void open(OpenContext ctx) {
        edgesRefused = getRuntimeContext().getMetricGroup().addGroup("auspex").addGroup("rca").counter("edgesRefused");
        edges = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("edges-in", Types.STRING, Types.POJO(EdgeState.class)));
        evidence = getRuntimeContext().getState(
                new ValueStateDescriptor<>("evidence", Types.POJO(EvidenceHistory.class)));
        held = getRuntimeContext().getListState(
                new ListStateDescriptor<>("held-inputs", TypeInformation.of(RcaInput.class)));
        edgeAlert = getRuntimeContext().getState(new ValueStateDescriptor<>("edge-alert", Types.LONG));
        errorsAlert = getRuntimeContext().getState(new ValueStateDescriptor<>("edge-errors-alert", Types.LONG));
    }

    /** The current service's state as the backend holds it. */
    @Override
    public Local load() throws Exception {
        Local s = new Local();
        for (Map.Entry<String, EdgeState> e : edges.entries()) {
            s.edges.put(e.getKey(), e.getValue());
        }
        s.evidence = evidence.value();
        for (RcaInput in : held.get()) {
            s.held.add(in);
        }
        s.alertStart[WAIT.slot()] = edgeAlert.value();
        s.alertStart[ERRORS.slot()] = errorsAlert.value();
        return s;
    }

    /** Writes what changed in {@code s} since it was loaded or last stored as the current service's state. */
    @Override
    public void store(Local s) throws Exception {
        for (String caller : s.removedEdges) {
            edges.remove(caller);
        }
        for (String caller : s.changedEdges) {
            edges.put(caller, s.edges.get(caller));
        }
        s.removedEdges.clear();
        s.changedEdges.clear();
        if (s.evidenceChanged) {
            if (s.evidence == null) {
                evidence.clear();
            } else {
                evidence.update(s.evidence);
            }
            s.evidenceChanged = false;
        }
        if (s.heldChanged) {
            if (s.held.isEmpty()) {
                held.clear();
            } else {
                held.update(s.held);
            }
            s.heldChanged = false;
        }
        if (s.alertsChanged) {
            storeAlert(edgeAlert, s.alertStart[WAIT.slot()]);
            storeAlert(errorsAlert, s.alertStart[ERRORS.slot()]);
            s.alertsChanged = false;
        }
    }

    private static void storeAlert(ValueState<Long> state, Long start) throws Exception {
        if (start == null) {
            state.clear();
        } else {
            state.update(start);
        }
    }

    @Override
    public void useCache(WriteBehindCache<Local> cache) {
        this.cache = cache;
    }

    /** The current service's state: cached, else loaded. */
    private Local get(String service, long eventTimeMs) throws Exception {
        return cache != null ? cache.get(service, eventTimeMs) : load();
    }

    /** {@code s}, got by {@link #get}, changed: written at the next checkpoint when cached, else now. */
    private void done(String service, Local s) throws Exception {
        if (cache != null) {
            cache.done(service, s);
        } else {
            store(s);
        }
    }

    static long timeOf(RcaInput in) {
        return in.edge != null ? in.edge.windowEndMs : in.evidence.windowEndMs;
    }

    @Override
    public void processElement(RcaInput in, Context ctx, Collector<ServiceView> out) throws Exception {
        long t = timeOf(in);
        String service = ctx.getCurrentKey();
        // a cached service holds it on the heap; any other appends to the backend's list (no load per input)
        Local s = cache != null ? cache.peek(service) : null;
        if (s == null) {
            held.add(in);
        } else {
            s.held.add(in);
            s.heldChanged = true;
            cache.done(service, s);
        }
        ctx.timerService().registerEventTimeTimer(t);
        ctx.timerService().registerEventTimeTimer((t / lookbackMs + 1) * lookbackMs);
    }

    /** Applies one window of an edge into this service; null when it is a new caller over the limit (refused, counted). */
    private EdgeState addEdge(Local local, EdgeStats s) throws Exception {
        EdgeState e = local.edges.get(s.caller);
        if (e == null) {
            if (local.edges.size() >= maxCallers) {
                edgesRefused.inc();
                return null;
            }
            e = new EdgeState();
            e.caller = s.caller;
            e.callee = s.callee;
            e.lastSeenMs = s.windowEndMs;
        }
        double decay = Math.pow(0.5, Math.max(0, s.windowEndMs - e.lastSeenMs) / (double) EDGE_HALF_LIFE_MS);
        e.calls = e.calls * decay + s.calls;
        e.errors = e.errors * decay + s.errors;
        e.lastSeenMs = Math.max(e.lastSeenMs, s.windowEndMs);
        if (s.gapCount > 0) {
            addGap(e, s.sumGapUs / (double) s.gapCount / 1000.0, s.windowEndMs, s.gapCount, s.gapOver);
        }
        if (s.calls > 0) {
            // a failure learnt from a caller's log can land in the window after its call's
            long errors = Math.min(s.errors, s.calls);
            addCallErrors(e, s.calls, errors, s.windowEndMs);
            addFailures(e, s.calls, errors, s.windowEndMs);
        }
        local.putEdge(e);
        return e;
    }

    /**
     * One window's failed calls of an edge, judged by the binomial tail against the edge's own
     * baseline error share (decayed, learning only from normal windows): at least
     * {@link #CALL_ERRORS_MIN} failures with a surprise ({@code -log10 p}) of
     * {@link #CALL_ERRORS_SURPRISE} make the window abnormal, evidence on the callee (its callers see
     * it fail even when it logs nothing and its spans carry no status).
     */
    static void addCallErrors(EdgeState e, long calls, long errors, long windowEndMs) {
        boolean warm = e.errWindows >= GAP_WARMUP_WINDOWS;
        double p0 = (e.errBaseErrors + CALL_ERRORS_PRIOR_RATE * CALL_ERRORS_PRIOR_CALLS)
                / (e.errBaseCalls + CALL_ERRORS_PRIOR_CALLS);
        double surprise = CountTests.surprise(
                CountTests.binomialUpper(errors, calls, p0));
        boolean abnormal = warm && errors >= CALL_ERRORS_MIN && surprise >= CALL_ERRORS_SURPRISE;
        if (!abnormal) {
            e.errBaseCalls = e.errBaseCalls * (1 - CALL_ERRORS_ALPHA) + calls;
            e.errBaseErrors = e.errBaseErrors * (1 - CALL_ERRORS_ALPHA) + errors;
        } else {
            if (e.errLastAnomalousMs < windowEndMs - EPISODE_GAP_MS) {
                e.errOnsetMs = windowEndMs;
            }
            e.errLastAnomalousMs = windowEndMs;
        }
        e.errWindows++;
    }

    /**
     * One window's failed calls of an edge into its count evidence: at the bar the edge's failures
     * are an episode (its onset where the evidence began), which makes the edge abnormal for ranking
     * as {@link #addCallErrors} does, and an {@value #EDGE_ERRORS_ALERT_NAME} alert when those are on.
     */
    private void addFailures(EdgeState e, long calls, long errors, long windowEndMs) {
        if (edgeFailures == null) {
            return;
        }
        if (e.failures == null) {
            e.failures = new CountEvidenceState();
        }
        CountEvidence.Result r = edgeFailures.observe(e.failures,
                new CountEvidence.Window(windowEndMs, calls, errors, 0, null));
        e.failEvidence = r.evidence();
        if (r.abnormal(edgeFailures.config())) {
            if (e.failLastAbnormalMs < windowEndMs - EPISODE_GAP_MS) {
                e.failOnsetMs = r.onsetMs() > 0 ? r.onsetMs() : windowEndMs;
            }
            e.failLastAbnormalMs = windowEndMs;
            // the failed calls' episode for ranking: a new one, or the one the one-window rule began, dated earlier
            e.errOnsetMs = e.errLastAnomalousMs < windowEndMs - EPISODE_GAP_MS ? e.failOnsetMs
                    : Math.min(e.errOnsetMs, e.failOnsetMs);
            e.errLastAnomalousMs = windowEndMs;
        }
    }

    /**
     * One window's mean wait of an edge: abnormal when it exceeds the baseline by
     * {@link #GAP_SIGMAS} standard deviations and {@link #GAP_MIN_MS}; the baseline learns only
     * from normal windows, so a lasting delay stays abnormal.
     */
    static void addGap(EdgeState e, double ms, long windowEndMs) {
        addGap(e, ms, windowEndMs, 0, null);
    }

    /**
     * One window's waits of an edge: its mean ({@link #addGap(EdgeState, double, long)}) and, when
     * the window counted them, the calls over each wait-ladder step, judged by the binomial tail
     * against the edge's own baseline share of such calls, in this window and over the last three
     * windows with calls ({@link #gapCountSurprise}). Surprise at {@link #GAP_COUNT_SURPRISE} is a
     * strong wait: an episode at once, as for a service's count evidence, so a delay in front of a
     * quiet service shows within a window or two and is not averaged away.
     */
    static void addGap(EdgeState e, double ms, long windowEndMs, long calls, long[] over) {
        boolean warm = e.gapWindows >= GAP_WARMUP_WINDOWS;
        e.gapCountSurprise = over != null && calls > 0 && warm ? gapCountSurprise(e, calls, over) : 0;
        boolean countAbnormal = e.gapCountSurprise >= GAP_COUNT_SURPRISE;
        if (over != null && calls > 0) {
            learnGapCounts(e, calls, over, !countAbnormal);
        }
        boolean abnormal = countAbnormal
                || warm && ms > e.gapMeanMs + Math.max(GAP_SIGMAS * Math.sqrt(e.gapVar), GAP_MIN_MS);
        if (!abnormal) {
            if (e.gapWindows == 0) {
                e.gapMeanMs = ms;
            } else {
                double d = ms - e.gapMeanMs;
                e.gapMeanMs += GAP_ALPHA * d;
                e.gapVar = (1 - GAP_ALPHA) * (e.gapVar + GAP_ALPHA * d * d);
            }
            e.gapWindows++;
        }
        e.gapLevel = (1 - LEVEL_ALPHA) * e.gapLevel + LEVEL_ALPHA * (abnormal ? 1 : 0);
        if (countAbnormal
                || abnormal && ms - e.gapMeanMs >= GAP_STRONG * Math.max(GAP_SIGMAS * Math.sqrt(e.gapVar), GAP_MIN_MS)) {
            // a wait far beyond the bar is an episode at once, as strong count evidence is for a service
            e.gapLevel = Math.max(e.gapLevel, 1.0);
        }
        if (e.gapLevel >= EPISODE_LEVEL) {
            if (e.gapLastAnomalousMs < windowEndMs - EPISODE_GAP_MS) {
                e.gapOnsetMs = windowEndMs;
                e.gapPeak = 0;
                e.gapPeakMs = 0;
            }
            e.gapPeakMs = Math.max(e.gapPeakMs, Math.max(0, ms - e.gapMeanMs));
            e.gapPeak = Math.max(e.gapPeak, e.gapLevel);
            e.gapNowMs = ms - e.gapMeanMs;
            e.gapLastAnomalousMs = windowEndMs;
        }
    }

    /**
     * The largest surprise ({@code -log10} of the binomial tail, Bonferroni-corrected over the ladder
     * steps and the two scales) of the calls over a wait-ladder step, in this window alone and in it
     * with the two previous windows with calls, against the edge's baseline share of such calls
     * (with a prior of {@link #CALL_ERRORS_PRIOR_RATE} over {@link #CALL_ERRORS_PRIOR_CALLS} calls);
     * a step needs at least {@link #CALL_ERRORS_MIN} calls over it.
     */
    static double gapCountSurprise(EdgeState e, long calls, long[] over) {
        int steps = Math.min(over.length, EdgeStats.GAP_STEPS_MS.length);
        long ringCalls = 0;
        if (e.gapRingCalls != null) {
            for (long c : e.gapRingCalls) {
                ringCalls += c;
            }
        }
        double best = 0;
        for (int k = 0; k < steps; k++) {
            double base = e.gapBaseOver == null ? 0 : e.gapBaseOver[k];
            double p0 = (base + CALL_ERRORS_PRIOR_RATE * CALL_ERRORS_PRIOR_CALLS) / (e.gapBaseCalls + CALL_ERRORS_PRIOR_CALLS);
            long ringOver = 0;
            if (e.gapRingOver != null) {
                for (int r = 0; r < e.gapRingCalls.length; r++) {
                    ringOver += e.gapRingOver[r * steps + k];
                }
            }
            if (over[k] >= CALL_ERRORS_MIN) {
                best = Math.max(best, CountTests.surprise(
                        CountTests.binomialUpper(over[k], calls, p0)));
            }
            if (over[k] + ringOver >= CALL_ERRORS_MIN) {
                best = Math.max(best, CountTests.surprise(
                        CountTests.binomialUpper(over[k] + ringOver, calls + ringCalls, p0)));
            }
        }
        return best - Math.log10(2.0 * steps);
    }

    /** Puts a window's wait counts into the ring and, for a normal window, into the decayed baseline. */
    static void learnGapCounts(EdgeState e, long calls, long[] over, boolean normal) {
        int steps = EdgeStats.GAP_STEPS_MS.length;
        if (e.gapBaseOver == null || e.gapBaseOver.length != steps) {
            e.gapBaseOver = new double[steps];
            e.gapRingCalls = new long[2];
            e.gapRingOver = new long[2 * steps];
            e.gapRingPos = 0;
        }
        if (normal) {
            e.gapBaseCalls = e.gapBaseCalls * (1 - CALL_ERRORS_ALPHA) + calls;
            for (int k = 0; k < steps; k++) {
                e.gapBaseOver[k] = e.gapBaseOver[k] * (1 - CALL_ERRORS_ALPHA) + (k < over.length ? over[k] : 0);
            }
        }
        int r = e.gapRingPos;
        e.gapRingCalls[r] = calls;
        for (int k = 0; k < steps; k++) {
            e.gapRingOver[r * steps + k] = k < over.length ? over[k] : 0;
        }
        e.gapRingPos = (r + 1) % e.gapRingCalls.length;
    }

    private void addEvidence(Local local, ServiceEvidence ev) {
        EvidenceHistory h = local.evidence;
        if (h == null) {
            h = new EvidenceHistory();
            h.lastAnomalousMs = Long.MIN_VALUE / 2;
        }
        h.lastModelScore = ev.modelScore;
        h.lastSeenMs = Math.max(h.lastSeenMs, ev.windowEndMs);
        // sustained anomalies only: one noisy window lifts the level to LEVEL_ALPHA, below the bar;
        // the service's metric evidence (any gauge or counter it sends) counts here, for ranking
        double strength = Math.max(Math.max(ev.strength, ev.countLevel), ev.metricStrength);
        h.level = (1 - LEVEL_ALPHA) * h.level + LEVEL_ALPHA * strength;
        // count evidence at its bar is an episode at once (it already accumulated over windows)
        boolean countEpisode = ev.countLevel >= 1.0;
        if (countEpisode) {
            h.level = Math.max(h.level, 1.0);
        }
        if (strength >= signalThreshold) {
            h.movedSignals = countEpisode && !ev.countSignal.isEmpty()
                    && !Arrays.asList(ev.movedSignals).contains(ev.countSignal)
                    ? append(ev.movedSignals, ev.countSignal) : ev.movedSignals;
            for (String m : ev.metricSignals) {
                if (!Arrays.asList(h.movedSignals).contains(m)) {
                    h.movedSignals = append(h.movedSignals, m);
                }
            }
            if (ev.exemplarTraceIds.length > 0) {
                h.exemplarTraceIds = ev.exemplarTraceIds;
            }
            if (ev.errorLogTemplates.length > 0) {
                h.errorLogTemplates = ev.errorLogTemplates;
            }
        }
        if (ev.onsetSignals.length > 0) {
            h.onsetSignals = ev.onsetSignals;
            h.lastOnsetMs = ev.windowEndMs;
        }
        if (h.level >= EPISODE_LEVEL) {
            if (h.lastAnomalousMs < ev.windowEndMs - EPISODE_GAP_MS) {
                // the episode began where the streaming detector saw the move start, if it did lately
                h.onsetMs = countEpisode && ev.countOnsetMs > 0 ? ev.countOnsetMs
                        : h.lastOnsetMs >= ev.windowEndMs - ONSET_MATCH_MS ? h.lastOnsetMs : ev.windowEndMs;
                h.peak = 0;
            }
            h.peak = Math.max(h.peak, h.level);
            h.lastAnomalousMs = ev.windowEndMs;
        }
        local.setEvidence(h);
    }

    private static String[] append(String[] a, String x) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = x;
        return out;
    }

    /** The edges of the applied windows whose waits, or whose failed calls, reach an edge alert's bar. */
    private record Applied(List<EdgeState> waiting, List<EdgeState> failing) {}

    /** Applies the held evidence and edges of windows ending at or before {@code timestamp}, in {@link #APPLY_ORDER}. */
    private Applied applyHeld(Local local, long timestamp) throws Exception {
        List<RcaInput> now = new ArrayList<>();
        List<RcaInput> later = new ArrayList<>();
        for (RcaInput in : local.held) {
            (timeOf(in) <= timestamp ? now : later).add(in);
        }
        if (now.isEmpty()) {
            return null;
        }
        now.sort(APPLY_ORDER);
        List<EdgeState> waiting = new ArrayList<>();
        List<EdgeState> failing = new ArrayList<>();
        for (RcaInput in : now) {
            if (in.edge != null) {
                EdgeState e = addEdge(local, in.edge);
                if (e != null && edgeAlertSurprise > 0 && e.gapCountSurprise >= edgeAlertSurprise) {
                    waiting.add(e);
                }
                if (e != null && edgeErrorAlerts && e.failLastAbnormalMs == in.edge.windowEndMs) {
                    failing.add(e);
                }
            } else {
                addEvidence(local, in.evidence);
            }
        }
        local.held.clear();
        local.held.addAll(later);
        local.heldChanged = true;
        return new Applied(waiting, failing);
    }

    /**
     * Every timer applies the held inputs up to its time, raises or resolves the service's edge
     * alert, drops stale state and, when anything changed, emits the service's view as of then.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServiceView> out) throws Exception {
        String service = ctx.getCurrentKey();
        Local local = get(service, timestamp);
        Applied applied = applyHeld(local, timestamp);
        boolean changed = applied != null;
        Long firing = edgeAlertSurprise > 0
                ? edgeAlerts(WAIT, local, service, timestamp, applied == null ? null : applied.waiting(), ctx) : null;
        Long failing = edgeErrorAlerts
                ? edgeAlerts(ERRORS, local, service, timestamp, applied == null ? null : applied.failing(), ctx)
                : null;
        if (firing == null) {
            firing = failing;
        }
        // one pass over the edges: drop those unseen for the edge TTL, keep the others for the view
        List<ServiceView.EdgeView> live = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, EdgeState> e : local.edges.entrySet()) {
            if (e.getValue().lastSeenMs + edgeTtlMs < timestamp) {
                stale.add(e.getKey());
            } else {
                live.add(ServiceView.EdgeView.of(e.getValue()));
            }
        }
        for (String k : stale) {
            local.removeEdge(k);
        }
        changed |= !stale.isEmpty();
        EvidenceHistory h = local.evidence;
        if (h != null && h.lastAnomalousMs + lookbackMs < timestamp
                && (h.level < 0.01 || h.lastSeenMs + lookbackMs < timestamp)) {
            local.setEvidence(null);
            h = null;
            changed = true;
        }
        boolean empty = h == null && live.isEmpty() && firing == null;
        if (!empty) {
            // the cleanup goes on while anything is left
            ctx.timerService().registerEventTimeTimer((timestamp / lookbackMs + 1) * lookbackMs);
        }
        if (empty && local.held.isEmpty()) {
            // nothing left: the backend's states are cleared now and the service leaves the cache
            store(local);
            if (cache != null) {
                cache.remove(service);
            }
        } else {
            done(service, local);
        }
        if (changed) {
            out.collect(empty ? ServiceView.removed(service, timestamp) : view(service, timestamp, h, live));
        }
    }

    private static ServiceView view(String service, long asOf, EvidenceHistory h, List<ServiceView.EdgeView> in) {
        ServiceView v = new ServiceView();
        v.service = service;
        v.asOfMs = asOf;
        if (h != null) {
            v.hasEvidence = true;
            v.onsetMs = h.onsetMs;
            v.lastAnomalousMs = h.lastAnomalousMs;
            v.peak = h.peak;
            v.lastModelScore = h.lastModelScore;
            v.movedSignals = h.movedSignals;
            v.onsetSignals = h.onsetSignals;
            v.lastOnsetMs = h.lastOnsetMs;
            v.exemplarTraceIds = h.exemplarTraceIds;
            v.errorLogTemplates = h.errorLogTemplates;
        }
        in.sort(Comparator.comparing(e -> e.caller));
        v.incoming = in.toArray(new ServiceView.EdgeView[0]);
        return v;
    }

    /** What one kind of edge alert reads of an edge, and says. */
    private record EdgeAlertKind(int slot, String name, ToLongFunction<EdgeState> onset, ToLongFunction<EdgeState> lastAbnormal,
            BiFunction<EdgeState, String, String> summary, String movedPrefix, String resolved) {}

    /**
     * Edge-wait alerts: a service whose incoming calls wait beyond its own spans with a wait-ladder
     * surprise of at least {@code edgeAlertSurprise} gets a FIRING {@value #EDGE_ALERT_NAME} alert
     * (a delay in front of a quiet service that its busy callers' latency dilutes, and its own spans
     * never show).
     */
    private static final EdgeAlertKind WAIT = new EdgeAlertKind(0, EDGE_ALERT_NAME, e -> e.gapOnsetMs,
            e -> e.gapLastAnomalousMs, (e, callee) -> String.format("Calls from %s into %s wait %.0f ms more than usual "
                    + "beyond its own spans (network or queueing in front of it)", e.caller, callee, e.gapPeakMs),
            "edge_wait_from_", "Calls into %s wait as usual again");

    /**
     * Edge-errors alerts: a service whose incoming calls fail beyond the edge's own baseline, by the
     * count evidence of its failed calls at the bar, gets a FIRING {@value #EDGE_ERRORS_ALERT_NAME}
     * alert (a service that fails without span status and logs nothing, seen in its callers' spans or
     * log lines).
     */
    private static final EdgeAlertKind ERRORS = new EdgeAlertKind(1, EDGE_ERRORS_ALERT_NAME, e -> e.failOnsetMs,
            e -> e.failLastAbnormalMs, (e, callee) -> String.format("Calls from %s into %s fail more than usual (count "
                    + "evidence %.1f)", e.caller, callee, e.failEvidence),
            "edge_errors_from_", "Calls into %s fail as usual again");

    /**
     * The lifecycle of one kind of edge alert of {@code callee}: FIRING when an applied edge is at the
     * kind's bar and none fires (one alert per service, whichever callers see it; the first caller
     * by name speaks), RESOLVED once no edge into it has been abnormal for {@link #GAP_CURRENT_MS};
     * a firing alert registers a timer to resolve on time even if the callers stop calling.
     *
     * @param abnormal the applied edges at the bar, null when nothing was applied
     * @return the start of the firing alert, null when none fires
     */
    private Long edgeAlerts(EdgeAlertKind kind, Local local, String callee, long now,
            List<EdgeState> abnormal, OnTimerContext ctx) {
        Long firing = local.alertStart[kind.slot()];
        if (firing == null && abnormal != null && !abnormal.isEmpty()) {
            abnormal.sort(Comparator.comparing((EdgeState e) -> e.caller));
            EdgeState e = abnormal.get(0);
            firing = kind.onset().applyAsLong(e);
            local.setAlert(kind.slot(), firing);
            ctx.output(EDGE_ALERTS, edgeAlert(kind.name(), callee, AlertStatus.FIRING, firing, null, now,
                    kind.summary().apply(e, callee), kind.movedPrefix() + e.caller));
        } else if (firing != null) {
            boolean current = false;
            for (EdgeState e : local.edges.values()) {
                current |= kind.lastAbnormal().applyAsLong(e) >= now - GAP_CURRENT_MS;
            }
            if (!current) {
                local.setAlert(kind.slot(), null);
                ctx.output(EDGE_ALERTS, edgeAlert(kind.name(), callee, AlertStatus.RESOLVED, firing, now, now,
                        String.format(kind.resolved(), callee), null));
                return null;
            }
        }
        if (firing != null) {
            ctx.timerService().registerEventTimeTimer(now + GAP_CURRENT_MS);
        }
        return firing;
    }

    static Alert edgeAlert(String name, String callee, AlertStatus status, long startsAt, Long endsAt, long now,
            String summary, String moved) {
        Map<String, String> labels = AnomalyAlertFunction.ticketLabels(name, callee);
        Map<String, String> annotations = new HashMap<>();
        annotations.put("summary", summary);
        return Alert.newBuilder().setFingerprint(Fingerprint.of(labels)).setStatus(status).setRule("anomaly")
                .setSeverity(Severity.TICKET).setService(callee).setStartsAtMs(startsAt).setEndsAtMs(endsAt)
                .setEventTimeMs(now).setLabels(labels).setAnnotations(annotations)
                .setMovedSignals(moved == null ? List.of() : List.of(moved)).build();
    }
}
