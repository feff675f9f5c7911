package io.auspex.infra.eval;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.RootCauseHint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        List<CaseResult> results = new ArrayList<>();
        for (IncidentCase c : cases) {
            results.add(new CaseResult(c, firing.stream().filter(a -> belongs(c, a, graceMs)).findFirst()
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
