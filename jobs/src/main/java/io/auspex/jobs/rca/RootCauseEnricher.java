package io.auspex.jobs.rca;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.RootCauseHint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Attaches ranked root-cause hints and an incident id to every firing alert, keyed by the
 * alerting service, from the {@link ServiceView}s of all services ({@link RcaServiceState}'s
 * output, broadcast to every subtask): the ranking of one alert reads the whole neighbourhood of
 * its service, while the alerts and their ranking spread over the subtasks.
 *
 * <p>An alert is held until the watermark reaches its event time, so every view as of a window
 * up to the alert has arrived; it is ranked on each service's latest view as of the alert's time
 * (never a newer one that arrived early), so the hints do not depend on arrival order. Alerts of
 * one service leave in event-time order; alerts of the same time in (fingerprint, status) order.
 *
 * <p>State: the pending alerts of the key (keyed); the views, per service, in broadcast state
 * {@value #VIEWS_NAME}: the latest view as of the watermark and any newer ones. <b>Cleared</b>:
 * pending alerts when emitted; a view when a later one as of the watermark replaces it; a service
 * when its latest view as of the watermark says {@code removed}: at that service's next view, or
 * at the next sweep of all services (every {@link #SWEEP_MS} of watermark progress, on a view's arrival).
 */
public final class RootCauseEnricher extends KeyedBroadcastProcessFunction<String, Alert, ServiceView, Alert> {
    private static final long serialVersionUID = 1L;
    public static final int MAX_HINTS = 5;
    /** Evidence of an episode that ended longer ago than this decays by 1/e per this much more. */
    public static final long CURRENT_MS = 60_000L;
    /** A slowed or failing edge is evidence on its callee while it was abnormal this recently. */
    public static final long GAP_CURRENT_MS = RcaServiceState.GAP_CURRENT_MS;
    public static final String VIEWS_NAME = "rca-views";
    /** The broadcast state of the views: service -> its views. */
    public static final MapStateDescriptor<String, ServiceView.History> VIEWS =
            new MapStateDescriptor<>(VIEWS_NAME, Types.STRING, Types.POJO(ServiceView.History.class));

    /**
     * Watermark progress after which a view's arrival also sweeps every service's views (removed
     * services, views replaced by a later one as of the watermark): a service that stops sending
     * views is dropped within this much of its last one's time, as soon as any view arrives.
     */
    public static final long SWEEP_MS = 60_000L;

    private final long lookbackMs;
    private final long edgeTtlMs;
    private final boolean edgeEvidence;
    private transient ListState<Alert> pending;
    /** Watermark of this subtask's last sweep (not state: a restored subtask sweeps on its first view). */
    private transient long lastSweepMs = Long.MIN_VALUE;

    public RootCauseEnricher(long lookbackMs, long edgeTtlMs) {
        this(lookbackMs, edgeTtlMs, true);
    }

    /** @param edgeEvidence slowed and failing edges are evidence on their callee (off only to measure what they add) */
    public RootCauseEnricher(long lookbackMs, long edgeTtlMs, boolean edgeEvidence) {
        this.lookbackMs = lookbackMs;
        this.edgeTtlMs = edgeTtlMs;
        this.edgeEvidence = edgeEvidence;
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext().getListState(
                new ListStateDescriptor<>("pending-alerts", TypeInformation.of(Alert.class)));
    }

    @Override
    public void processElement(Alert alert, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        pending.add(alert);
        ctx.timerService().registerEventTimeTimer(alert.getEventTimeMs());
    }

    @Override
    public void processBroadcastElement(ServiceView view, Context ctx, Collector<Alert> out) throws Exception {
        BroadcastState<String, ServiceView.History> views = ctx.getBroadcastState(VIEWS);
        long watermark = ctx.currentWatermark();
        ServiceView.History h = views.get(view.service);
        ServiceView.History next = (h == null ? new ServiceView.History() : h).with(view, watermark);
        if (next == null) {
            views.remove(view.service);
        } else {
            views.put(view.service, next);
        }
        if (watermark >= lastSweepMs + SWEEP_MS) {
            sweep(views, watermark);
            lastSweepMs = watermark;
        }
    }

    /** Drops, for every service, the views no ranking after {@code watermark} reads, and services removed by then. */
    static void sweep(BroadcastState<String, ServiceView.History> views, long watermark) throws Exception {
        List<String> gone = new ArrayList<>();
        Map<String, ServiceView.History> pruned = new HashMap<>();
        for (Map.Entry<String, ServiceView.History> e : views.entries()) {
            ServiceView.History p = e.getValue().pruned(watermark);
            if (p == null) {
                gone.add(e.getKey());
            } else if (p.views.length != e.getValue().views.length) {
                pruned.put(e.getKey(), p);
            }
        }
        for (String s : gone) {
            views.remove(s);
        }
        for (Map.Entry<String, ServiceView.History> e : pruned.entrySet()) {
            views.put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<Alert> due = new ArrayList<>();
        List<Alert> later = new ArrayList<>();
        for (Alert a : pending.get()) {
            (a.getEventTimeMs() <= timestamp ? due : later).add(a);
        }
        if (due.isEmpty()) {
            return;
        }
        // alerts of the same time leave in one order, whichever arrived first
        due.sort(Comparator.comparingLong(Alert::getEventTimeMs).thenComparing(Alert::getFingerprint)
                .thenComparing(Alert::getStatus));
        Iterable<Map.Entry<String, ServiceView.History>> views = ctx.getBroadcastState(VIEWS).immutableEntries();
        for (Alert a : due) {
            out.collect(a.getStatus() == AlertStatus.FIRING ? enrich(a, views, lookbackMs, edgeTtlMs, edgeEvidence) : a);
        }
        if (later.isEmpty()) {
            pending.clear();
        } else {
            pending.update(later);
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
    static Alert enrich(Alert a, Iterable<Map.Entry<String, ServiceView.History>> all, long lookbackMs,
            long edgeTtlMs, boolean edgeEvidence) {
        long now = a.getEventTimeMs();
        Map<String, Set<String>> callees = new HashMap<>();
        Map<String, RootCauseRanker.Evidence> ev = new HashMap<>();
        Map<String, ServiceView> histories = new HashMap<>();
        List<ServiceView> views = new ArrayList<>();
        for (Map.Entry<String, ServiceView.History> e : all) {
            ServiceView v = e.getValue().asOf(now);
            if (v != null && !v.removed) {
                views.add(v);
            }
        }
        // the views in one order, whatever order the broadcast state iterates in
        views.sort(Comparator.comparing(v -> v.service));
        for (ServiceView v : views) {
            if (v.hasEvidence) {
                histories.put(v.service, v);
                if (v.lastAnomalousMs >= now - lookbackMs) {
                    // an episode that ended a while ago is weaker evidence than a current one
                    double age = Math.max(0, now - v.lastAnomalousMs - CURRENT_MS);
                    ev.put(v.service, new RootCauseRanker.Evidence(v.peak * Math.exp(-age / (double) CURRENT_MS),
                            v.onsetMs));
                }
            }
        }
        // a slowed edge is evidence on its callee (the callee's own spans do not see the wait), and so is an
        // edge whose calls fail beyond its baseline (the callee may log nothing and carry no status)
        Map<String, ServiceView.EdgeView> slowedInto = new HashMap<>();
        Map<String, ServiceView.EdgeView> failingInto = new HashMap<>();
        for (ServiceView v : views) {
            for (ServiceView.EdgeView e : v.incoming) {
                if (e.lastSeenMs + edgeTtlMs < now) {
                    continue;
                }
                callees.computeIfAbsent(e.caller, k -> new HashSet<>()).add(v.service);
                if (!edgeEvidence) {
                    continue;
                }
                if (e.gapPeak > 0 && e.gapLastAnomalousMs >= now - GAP_CURRENT_MS) {
                    blame(ev, v.service, e.gapPeak, e.gapOnsetMs);
                    slowedInto.merge(v.service, e, (a1, b1) -> a1.gapPeakMs >= b1.gapPeakMs ? a1 : b1);
                }
                if (e.errLastAnomalousMs >= now - GAP_CURRENT_MS) {
                    blame(ev, v.service, 1.0, e.errOnsetMs);
                    failingInto.merge(v.service, e, (a1, b1) -> a1.errOnsetMs <= b1.errOnsetMs ? a1 : b1);
                }
            }
        }
        List<RootCauseRanker.Candidate> ranked = RootCauseRanker.rank(a.getService(), callees, ev);
        List<RootCauseHint> hints = new ArrayList<>();
        for (RootCauseRanker.Candidate c : ranked.subList(0, Math.min(MAX_HINTS, ranked.size()))) {
            ServiceView h = histories.get(c.service());
            boolean recent = h != null && ev.containsKey(c.service());
            ServiceView.EdgeView slowed = slowedInto.get(c.service());
            ServiceView.EdgeView failing = failingInto.get(c.service());
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
        ServiceView own = histories.get(a.getService());
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
