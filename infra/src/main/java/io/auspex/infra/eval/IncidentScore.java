package io.auspex.infra.eval;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.RootCauseHint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a run's alerts against labelled cases, as root-cause papers do (AC@k, Avg@5), plus time
 * to detect and false alerts.
 *
 * <ul>
 *   <li>A firing alert belongs to a case when it fires at or after the case's start and at most
 *       the grace after its end; any service's alert counts (downstream alerting sees every
 *       alert). A slow burn-rate alert that fires later is not credited to the case, however long
 *       its windows: the on-call engineer needs the alert while the fault is on.
 *   <li>The case's first alert is its detection; its time to detect is from the case's start.
 *       Alerts of the same event time (they arrive together) are taken pages first, then by
 *       service and fingerprint, so a score never depends on the order Kafka delivered them in.
 *   <li>Cases that overlap in time (two faults at once) are each judged by the earliest page in
 *       their window whose top 5 hints list the case's service, else by the case's first alert; a
 *       page is the first alert of an incident (alerts sharing an incident id), the one the on-call
 *       engineer is paged with.
 *   <li>AC@k: the share of cases whose first alert lists the injected service among its top k
 *       root-cause hints (an undetected case is a miss); Avg@5 the mean of AC@1..AC@5.
 *   <li>A false alert is a firing alert that belongs to no case; per hour of recording outside
 *       the cases' windows.
 * </ul>
 */
public final class IncidentScore {

    /** The outcome of one case. */
    public record CaseResult(IncidentCase incident, Alert firstAlert) {
        public boolean detected() {
            return firstAlert != null;
        }

        public long timeToDetectMs() {
            return detected() ? firstAlert.getEventTimeMs() - incident.startMs() : -1;
        }

        /** 1-based rank of the injected service among the first alert's hints; 0 when absent. */
        public int rank() {
            if (!detected()) {
                return 0;
            }
            List<RootCauseHint> hints = firstAlert.getRootCauses();
            for (int i = 0; i < hints.size(); i++) {
                if (hints.get(i).getService().equals(incident.service())) {
                    return i + 1;
                }
            }
            return 0;
        }

        public boolean inTop(int k) {
            int r = rank();
            return r > 0 && r <= k;
        }
    }

    /** Totals over some cases. */
    public record Summary(int cases, int detected, double ac1, double ac3, double avg5, long medianTtdMs) {}

    private final List<CaseResult> results;
    private final List<Alert> falseAlerts;
    private final double hoursOutside;

    private IncidentScore(List<CaseResult> results, List<Alert> falseAlerts, double hoursOutside) {
        this.results = results;
        this.falseAlerts = falseAlerts;
        this.hoursOutside = hoursOutside;
    }

    /**
     * @param recordingStartMs first event time of the recording (same clock as the cases)
     * @param recordingEndMs last event time of the recording
     */
    public static IncidentScore of(List<IncidentCase> cases, List<Alert> alerts, long recordingStartMs,
            long recordingEndMs, long graceMs) {
        List<Alert> firing = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING)
                .sorted(Comparator.comparingLong(Alert::getEventTimeMs)
                        .thenComparing(a -> a.getSeverity() != io.auspex.schemas.Severity.PAGE)
                        .thenComparing(a -> a.getService().toString())
                        .thenComparing(a -> a.getFingerprint().toString()))
                .toList();
        Set<Alert> pages = firstOfEachIncident(firing);
        List<CaseResult> results = new ArrayList<>();
        for (IncidentCase c : cases) {
            List<Alert> window = firing.stream().filter(a -> belongs(c, a, graceMs)).toList();
            boolean concurrent = cases.stream().anyMatch(d -> d != c && d.startMs() < c.endMs() && c.startMs() < d.endMs());
            results.add(new CaseResult(c, concurrent ? concurrentAlert(c, window, pages) : window.stream().findFirst()
                    .orElse(null)));
        }
        List<Alert> unmatched = firing.stream().filter(a -> cases.stream().noneMatch(c -> belongs(c, a, graceMs)))
                .toList();
        long inside = 0;
        long last = Long.MIN_VALUE;
        for (IncidentCase c : cases.stream().sorted(Comparator.comparingLong(IncidentCase::startMs)).toList()) {
            long from = Math.max(c.startMs(), last);
            long to = c.endMs() + graceMs;
            if (to > from) {
                inside += to - from;
            }
            last = Math.max(last, to);
        }
        double hours = Math.max(0, recordingEndMs - recordingStartMs - inside) / 3_600_000.0;
        return new IncidentScore(results, unmatched, hours);
    }

    /** The first alert of each incident (alerts sharing an incident id; an alert without one is its own). */
    static Set<Alert> firstOfEachIncident(List<Alert> firing) {
        Set<String> seen = new HashSet<>();
        Set<Alert> pages = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Alert a : firing) {
            if (a.getIncidentId() == null || seen.add(a.getIncidentId().toString())) {
                pages.add(a);
            }
        }
        return pages;
    }

    /**
     * The alert a case of a multiple fault is judged by: each incident's first alert is one page
     * the on-call engineer sees, so the case takes the earliest page in its window that lists its
     * service among the top 5 hints, else its first alert.
     */
    static Alert concurrentAlert(IncidentCase c, List<Alert> window, Set<Alert> pages) {
        for (Alert a : window) {
            if (pages.contains(a)) {
                List<RootCauseHint> hints = a.getRootCauses();
                for (int i = 0; i < Math.min(5, hints.size()); i++) {
                    if (hints.get(i).getService().toString().equals(c.service())) {
                        return a;
                    }
                }
            }
        }
        return window.isEmpty() ? null : window.get(0);
    }

    static boolean belongs(IncidentCase c, Alert a, long graceMs) {
        long t = a.getEventTimeMs();
        return t >= c.startMs() && t <= c.endMs() + graceMs;
    }

    public List<CaseResult> results() {
        return results;
    }

    public List<Alert> falseAlerts() {
        return falseAlerts;
    }

    /** False alerts per hour of recording outside the cases (NaN when there is no such time). */
    public double falseAlertsPerHour() {
        return hoursOutside == 0 ? Double.NaN : falseAlerts.size() / hoursOutside;
    }

    public double hoursOutsideCases() {
        return hoursOutside;
    }

    public Summary summary() {
        return summarize(results);
    }

    /** One summary per fault kind, in order of first appearance. */
    public Map<String, Summary> byKind() {
        Map<String, List<CaseResult>> groups = new LinkedHashMap<>();
        for (CaseResult r : results) {
            groups.computeIfAbsent(r.incident().kind(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Summary> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, summarize(v)));
        return out;
    }

    static Summary summarize(List<CaseResult> rs) {
        int n = rs.size();
        int detected = (int) rs.stream().filter(CaseResult::detected).count();
        double[] ac = new double[6];
        for (int k = 1; k <= 5; k++) {
            final int kk = k;
            ac[k] = n == 0 ? 0 : rs.stream().filter(r -> r.inTop(kk)).count() / (double) n;
        }
        double avg5 = (ac[1] + ac[2] + ac[3] + ac[4] + ac[5]) / 5;
        List<Long> ttd = rs.stream().filter(CaseResult::detected).map(CaseResult::timeToDetectMs).sorted().toList();
        long median = ttd.isEmpty() ? -1 : ttd.size() % 2 == 1 ? ttd.get(ttd.size() / 2)
                : (ttd.get(ttd.size() / 2 - 1) + ttd.get(ttd.size() / 2)) / 2;
        return new Summary(n, detected, ac[1], ac[3], avg5, median);
    }
}
