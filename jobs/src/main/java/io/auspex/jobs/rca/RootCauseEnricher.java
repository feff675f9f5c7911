package io.auspex.jobs.rca;

import io.auspex.jobs.alerts.Fingerprint;
import io.auspex.jobs.anomaly.AnomalyAlertFunction;
import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.models.evidence.CountTests;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.RootCauseHint;
import io.auspex.schemas.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps the service graph (decayed call counts per edge) and each service's recent anomaly
 * evidence, and attaches ranked root-cause hints to every firing alert.
 *
 * <p>An alert is held until the watermark reaches its event time, so the evidence and edges of
 * every window up to the alert have arrived; alerts leave in event-time order.
 *
 * <p>What the ranking reads does not depend on the order the three inputs arrive in (they come
 * interleaved from three upstream operators, and differently after a restore): evidence and edges
 * are held too, each until the watermark reaches its window end, and then applied in (window end,
 * edge before evidence, edge or service name) order, before the alerts of that time are enriched.
 * An alert at time t thus sees exactly the evidence and edges of the windows ending at or before t,
 * applied in one order, whatever arrived first.
 *
 * <p>State, all under one key: edges, evidence per service, held evidence and edges, pending
 * alerts, the times of the cleanup timers, the firing {@value #EDGE_ALERT_NAME} alerts.
 * <b>Cleared</b>: held inputs when applied, pending alerts when emitted, a cleanup time when its
 * timer fires, an edge alert when it resolves; an edge unseen for
 * {@code edgeTtlMs} and evidence older than the lookback are dropped on every alert's or cleanup
 * timer, and a cleanup timer runs every lookback period.
 */
public final class RootCauseEnricher extends KeyedProcessFunction<String, RcaInput, Alert> {
    private static final long serialVersionUID = 1L;
    public static final int MAX_HINTS = 5;
    public static final long EDGE_HALF_LIFE_MS = 10 * 60_000L;
    /** Weight of the newest window in a service's anomaly level (an EWMA of evidence strength). */
    public static final double LEVEL_ALPHA = 0.3;
    /** Anomaly level at which a service is in an anomaly episode (about 3 strong windows in a row). */
    public static final double EPISODE_LEVEL = 0.6;
    /** A service (or edge) not abnormal for this long starts a new episode when it is again. */
    public static final long EPISODE_GAP_MS = 2 * 60_000L;
    /** Evidence of an episode that ended longer ago than this decays by 1/e per this much more. */
    public static final long CURRENT_MS = 60_000L;
    /** A detector onset this long before an episode's level crossing dates the episode. */
    public static final long ONSET_MATCH_MS = 2 * 60_000L;

    private final long lookbackMs;
    private final long edgeTtlMs;
    private final double signalThreshold;
    private final double edgeAlertSurprise;
    private transient MapState<String, EdgeState> edges;
    /** Callee -> start of its firing {@value #EDGE_ALERT_NAME} alert. */
    private transient MapState<String, Long> edgeAlerts;
    private transient MapState<String, EvidenceHistory> evidence;
    private transient ListState<Alert> pending;
    private transient ListState<RcaInput> held;
    private transient MapState<Long, Boolean> cleanupTimers;

    /** The order held evidence and edges are applied in: window end, edges first, then by edge or service. */
    static final Comparator<RcaInput> APPLY_ORDER = Comparator.comparingLong(RootCauseEnricher::timeOf)
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

    public RootCauseEnricher(long lookbackMs, long edgeTtlMs, double signalThreshold) {
        this(lookbackMs, edgeTtlMs, signalThreshold, 0);
    }

    /**
     * @param edgeAlertSurprise wait-ladder surprise of an edge at which the callee gets an
     *     {@value #EDGE_ALERT_NAME} alert of its own (0: never)
     */
    public RootCauseEnricher(long lookbackMs, long edgeTtlMs, double signalThreshold, double edgeAlertSurprise) {
        this.lookbackMs = lookbackMs;
        this.edgeTtlMs = edgeTtlMs;
        this.signalThreshold = signalThreshold;
        this.edgeAlertSurprise = edgeAlertSurprise;
    }

    /** The alert name of an edge-wait alert: calls into a service wait far more than usual. */
    public static final String EDGE_ALERT_NAME = "EdgeWait";

    @Override
    public void open(OpenContext ctx) {
        edges = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("edges", Types.STRING, Types.POJO(EdgeState.class)));
        evidence = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("evidence", Types.STRING, Types.POJO(EvidenceHistory.class)));
        pending = getRuntimeContext().getListState(
                new ListStateDescriptor<>("pending-alerts", TypeInformation.of(Alert.class)));
        held = getRuntimeContext().getListState(
                new ListStateDescriptor<>("held-inputs", TypeInformation.of(RcaInput.class)));
        cleanupTimers = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("cleanup-timers", Types.LONG, Types.BOOLEAN));
        edgeAlerts = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("edge-alerts", Types.STRING, Types.LONG));
    }

    private static long timeOf(RcaInput in) {
        return in.edge != null ? in.edge.windowEndMs : in.evidence.windowEndMs;
    }

    @Override
    public void processElement(RcaInput in, Context ctx, Collector<Alert> out) throws Exception {
        if (in.edge != null) {
            held.add(in);
            long t = in.edge.windowEndMs;
            ctx.timerService().registerEventTimeTimer(t);
            registerCleanup(ctx.timerService(), (t / lookbackMs + 1) * lookbackMs);
        } else if (in.evidence != null) {
            held.add(in);
            ctx.timerService().registerEventTimeTimer(in.evidence.windowEndMs);
        } else if (in.alert != null) {
            pending.add(in.alert);
            ctx.timerService().registerEventTimeTimer(in.alert.getEventTimeMs());
        }
    }

    private EdgeState addEdge(EdgeStats s) throws Exception {
        String key = s.caller + "->" + s.callee;
        EdgeState e = edges.get(key);
        if (e == null) {
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
            addCallErrors(e, s.calls, s.errors, s.windowEndMs);
        }
        edges.put(key, e);
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

    private void addEvidence(ServiceEvidence ev) throws Exception {
        EvidenceHistory h = evidence.get(ev.service);
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
        evidence.put(ev.service, h);
    }

    private static String[] append(String[] a, String x) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = x;
        return out;
    }

    /** Applies the held evidence and edges of windows ending at or before {@code timestamp}, in {@link #APPLY_ORDER}. */
    private List<EdgeState> applyHeld(long timestamp) throws Exception {
        List<RcaInput> now = new ArrayList<>();
        List<RcaInput> later = new ArrayList<>();
        for (RcaInput in : held.get()) {
            (timeOf(in) <= timestamp ? now : later).add(in);
        }
        if (now.isEmpty()) {
            return List.of();
        }
        now.sort(APPLY_ORDER);
        List<EdgeState> waiting = new ArrayList<>();
        for (RcaInput in : now) {
            if (in.edge != null) {
                EdgeState e = addEdge(in.edge);
                if (edgeAlertSurprise > 0 && e.gapCountSurprise >= edgeAlertSurprise) {
                    waiting.add(e);
                }
            } else {
                addEvidence(in.evidence);
            }
        }
        if (later.isEmpty()) {
            held.clear();
        } else {
            held.update(later);
        }
        return waiting;
    }

    /** A cleanup timer at {@code timestamp} (a multiple of the lookback), remembered so its firing is told apart from a window's. */
    private void registerCleanup(TimerService timers, long timestamp) throws Exception {
        cleanupTimers.put(timestamp, Boolean.TRUE);
        timers.registerEventTimeTimer(timestamp);
    }

    /**
     * Every timer first applies the held inputs up to its time. An alert's timer then enriches the
     * alerts due, and an alert's or a cleanup timer drops stale state and keeps the cleanup timers
     * going; a timer that is only a window end's does nothing more.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<EdgeState> waiting = applyHeld(timestamp);
        List<Alert> edgeOut = edgeAlertSurprise > 0 && (!waiting.isEmpty() || !edgeAlerts.isEmpty())
                ? edgeAlerts(timestamp, waiting) : List.of();
        boolean cleanupTimer = cleanupTimers.contains(timestamp);
        if (cleanupTimer) {
            cleanupTimers.remove(timestamp);
        }
        List<Alert> due = new ArrayList<>();
        List<Alert> later = new ArrayList<>();
        for (Alert a : pending.get()) {
            (a.getEventTimeMs() <= timestamp ? due : later).add(a);
        }
        if (due.isEmpty() && !cleanupTimer) {
            edgeOut.forEach(out::collect);
            return;
        }
        if (!due.isEmpty()) {
            // alerts of the same time leave in one order, whichever arrived first
            due.sort(Comparator.comparingLong(Alert::getEventTimeMs).thenComparing(Alert::getFingerprint)
                    .thenComparing(Alert::getStatus));
            for (Alert a : due) {
                out.collect(a.getStatus() == AlertStatus.FIRING ? enrich(a) : a);
            }
            if (later.isEmpty()) {
                pending.clear();
            } else {
                pending.update(later);
            }
        }
        // after the alerts due, which may be older: alerts leave in event-time order
        edgeOut.forEach(out::collect);
        cleanup(timestamp);
        if (!edges.isEmpty() || !evidence.isEmpty()) {
            registerCleanup(ctx.timerService(), (timestamp / lookbackMs + 1) * lookbackMs);
        }
    }

    /**
     * Edge-wait alerts: a callee whose incoming calls wait beyond its own spans with a wait-ladder
     * surprise of at least {@code edgeAlertSurprise} gets a FIRING {@value #EDGE_ALERT_NAME} alert,
     * enriched like any other (a delay in front of a quiet service that its busy callers' latency
     * dilutes, and its own spans never show); it resolves once no edge into it has been abnormal for
     * {@link #GAP_CURRENT_MS}. One alert per callee, whichever callers see the wait.
     */
    private List<Alert> edgeAlerts(long now, List<EdgeState> waiting) throws Exception {
        List<Alert> out = new ArrayList<>();
        waiting.sort(Comparator.comparing((EdgeState e) -> e.callee).thenComparing(e -> e.caller));
        for (EdgeState e : waiting) {
            if (edgeAlerts.contains(e.callee)) {
                continue;
            }
            edgeAlerts.put(e.callee, e.gapOnsetMs);
            out.add(enrich(edgeAlert(e.callee, AlertStatus.FIRING, e.gapOnsetMs, null, now, String.format(
                    "Calls from %s into %s wait %.0f ms more than usual beyond its own spans (network or queueing in "
                            + "front of it)", e.caller, e.callee, e.gapPeakMs), "edge_wait_from_" + e.caller)));
        }
        if (edgeAlerts.isEmpty()) {
            return out;
        }
        Set<String> stillWaiting = new HashSet<>();
        for (EdgeState e : edges.values()) {
            if (e.gapLastAnomalousMs >= now - GAP_CURRENT_MS) {
                stillWaiting.add(e.callee);
            }
        }
        List<Map.Entry<String, Long>> done = new ArrayList<>();
        for (Map.Entry<String, Long> a : edgeAlerts.entries()) {
            if (!stillWaiting.contains(a.getKey())) {
                done.add(Map.entry(a.getKey(), a.getValue()));
            }
        }
        done.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Long> a : done) {
            edgeAlerts.remove(a.getKey());
            out.add(edgeAlert(a.getKey(), AlertStatus.RESOLVED, a.getValue(), now, now,
                    "Calls into " + a.getKey() + " wait as usual again", null));
        }
        return out;
    }

    static Alert edgeAlert(String callee, AlertStatus status, long startsAt, Long endsAt, long now, String summary,
            String moved) {
        Map<String, String> labels = AnomalyAlertFunction.ticketLabels(EDGE_ALERT_NAME, callee);
        Map<String, String> annotations = new HashMap<>();
        annotations.put("summary", summary);
        return Alert.newBuilder().setFingerprint(Fingerprint.of(labels)).setStatus(status).setRule("anomaly")
                .setSeverity(Severity.TICKET).setService(callee).setStartsAtMs(startsAt).setEndsAtMs(endsAt)
                .setEventTimeMs(now).setLabels(labels).setAnnotations(annotations)
                .setMovedSignals(moved == null ? List.of() : List.of(moved)).build();
    }

    private void cleanup(long now) throws Exception {
        List<String> drop = new ArrayList<>();
        for (Map.Entry<String, EdgeState> e : edges.entries()) {
            if (e.getValue().lastSeenMs + edgeTtlMs < now) {
                drop.add(e.getKey());
            }
        }
        for (String k : drop) {
            edges.remove(k);
        }
        drop.clear();
        for (Map.Entry<String, EvidenceHistory> e : evidence.entries()) {
            EvidenceHistory h = e.getValue();
            if (h.lastAnomalousMs + lookbackMs < now && (h.level < 0.01 || h.lastSeenMs + lookbackMs < now)) {
                drop.add(e.getKey());
            }
        }
        for (String k : drop) {
            evidence.remove(k);
        }
        if (edges.isEmpty()) {
            edges.clear();
        }
        if (evidence.isEmpty()) {
            evidence.clear();
        }
    }

    /** Edge evidence on {@code callee}: it replaces the service's own when stronger, keeping the earlier onset. */
    private static void blame(Map<String, RootCauseRanker.Evidence> ev, String callee, double strength, long onsetMs) {
        RootCauseRanker.Evidence own = ev.get(callee);
        if (own == null || own.strength() < strength) {
            ev.put(callee, new RootCauseRanker.Evidence(strength,
                    own == null ? onsetMs : Math.min(own.onsetMs(), onsetMs)));
        }
    }

    /**
     * The id of the incident an alert belongs to: its first root cause and the onset of that
     * service's anomaly episode (the alert's own start when the cause has no evidence), hashed.
     */
    static String incidentId(String rootCause, long episodeOnsetMs) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((rootCause + "@" + episodeOnsetMs).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** Adds root-cause hints, moved signals, the model score and the incident id to a firing alert. */
    Alert enrich(Alert a) throws Exception {
        long now = a.getEventTimeMs();
        Map<String, Set<String>> callees = new HashMap<>();
        List<EdgeState> live = new ArrayList<>();
        for (EdgeState e : edges.values()) {
            if (e.lastSeenMs + edgeTtlMs >= now) {
                callees.computeIfAbsent(e.caller, k -> new HashSet<>()).add(e.callee);
                live.add(e);
            }
        }
        Map<String, RootCauseRanker.Evidence> ev = new HashMap<>();
        Map<String, EvidenceHistory> histories = new HashMap<>();
        for (Map.Entry<String, EvidenceHistory> e : evidence.entries()) {
            EvidenceHistory h = e.getValue();
            histories.put(e.getKey(), h);
            if (h.lastAnomalousMs >= now - lookbackMs) {
                // an episode that ended a while ago is weaker evidence than a current one
                double age = Math.max(0, now - h.lastAnomalousMs - CURRENT_MS);
                ev.put(e.getKey(), new RootCauseRanker.Evidence(h.peak * Math.exp(-age / (double) CURRENT_MS),
                        h.onsetMs));
            }
        }
        // a slowed edge is evidence on its callee (the callee's own spans do not see the wait), and so is an
        // edge whose calls fail beyond its baseline (the callee may log nothing and carry no status)
        Map<String, EdgeState> slowedInto = new HashMap<>();
        Map<String, EdgeState> failingInto = new HashMap<>();
        for (EdgeState e : live) {
            if (e.gapPeak > 0 && e.gapLastAnomalousMs >= now - GAP_CURRENT_MS) {
                blame(ev, e.callee, e.gapPeak, e.gapOnsetMs);
                slowedInto.merge(e.callee, e, (a1, b1) -> a1.gapPeakMs >= b1.gapPeakMs ? a1 : b1);
            }
            if (e.errLastAnomalousMs >= now - GAP_CURRENT_MS) {
                blame(ev, e.callee, 1.0, e.errOnsetMs);
                failingInto.merge(e.callee, e, (a1, b1) -> a1.errOnsetMs <= b1.errOnsetMs ? a1 : b1);
            }
        }
        List<RootCauseRanker.Candidate> ranked = RootCauseRanker.rank(a.getService(), callees, ev);
        List<RootCauseHint> hints = new ArrayList<>();
        for (RootCauseRanker.Candidate c : ranked.subList(0, Math.min(MAX_HINTS, ranked.size()))) {
            EvidenceHistory h = histories.get(c.service());
            boolean recent = h != null && ev.containsKey(c.service());
            EdgeState slowed = slowedInto.get(c.service());
            EdgeState failing = failingInto.get(c.service());
            boolean noOwn = h == null || h.lastAnomalousMs < now - lookbackMs;
            String reason = c.evidence() > 0 && noOwn && slowed == null && failing != null
                    ? String.format("calls from %s fail more than usual since %s, %d hop(s) below %s", failing.caller,
                            java.time.Instant.ofEpochMilli(failing.errOnsetMs), c.depth(), a.getService())
                    : c.evidence() > 0 && noOwn && slowed != null
                    ? String.format("calls from %s wait %.0f ms more than usual beyond its own spans (network or "
                            + "queueing in front of it) since %s, %d hop(s) below %s", slowed.caller,
                            slowed.gapPeakMs, java.time.Instant.ofEpochMilli(slowed.gapOnsetMs), c.depth(),
                            a.getService())
                    : c.evidence() > 0
                    ? String.format("anomalous since %s (strength %.2f), %s%s",
                            java.time.Instant.ofEpochMilli(h.onsetMs), c.evidence(), c.depth() < 0
                                    ? "beside " + a.getService() + " (it calls a dependency of " + a.getService() + ")"
                                    : c.depth() + " hop(s) below " + a.getService(),
                            h.lastOnsetMs == h.onsetMs && h.onsetSignals.length > 0
                                    ? "; first moved: " + String.join(", ", h.onsetSignals) : "")
                    : (c.depth() == 0 ? "the alerting service; no anomaly evidence below it"
                            : "dependency of " + a.getService() + " without anomaly evidence");
            hints.add(RootCauseHint.newBuilder()
                    .setService(c.service())
                    .setConfidence(c.confidence())
                    .setMovedSignals(recent ? Arrays.asList(h.movedSignals)
                            : slowed != null ? List.of("edge_wait_from_" + slowed.caller)
                            : failing != null ? List.of("edge_errors_from_" + failing.caller) : List.of())
                    .setExemplarTraceIds(recent ? Arrays.asList(h.exemplarTraceIds) : List.of())
                    .setErrorLogTemplates(recent ? Arrays.asList(h.errorLogTemplates) : List.of())
                    .setReason(reason)
                    .build());
        }
        Alert.Builder b = Alert.newBuilder(a).setRootCauses(hints);
        if (!ranked.isEmpty()) {
            RootCauseRanker.Candidate top = ranked.get(0);
            RootCauseRanker.Evidence topEvidence = ev.get(top.service());
            long episode = topEvidence != null ? topEvidence.onsetMs() : a.getStartsAtMs();
            String incident = incidentId(top.service(), episode);
            b.setIncidentId(incident);
            Map<String, String> annotations = new HashMap<>(a.getAnnotations());
            annotations.put("incident_id", incident);
            b.setAnnotations(annotations);
        }
        EvidenceHistory own = histories.get(a.getService());
        if (own != null) {
            if (a.getMovedSignals().isEmpty() && ev.containsKey(a.getService())) {
                b.setMovedSignals(Arrays.asList(own.movedSignals));
            }
            if (a.getAnomalyScore() == null && !Double.isNaN(own.lastModelScore)) {
                b.setAnomalyScore(own.lastModelScore);
            }
        }
        return b.build();
    }
}
