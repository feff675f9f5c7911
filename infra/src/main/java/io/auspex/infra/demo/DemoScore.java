package io.auspex.infra.demo;

import io.auspex.infra.sim.GroundTruth;
import io.auspex.jobs.slo.Durations;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores the alerts of a run against its ground truth. A firing alert matches an incident when it
 * is about the incident's service or a service upstream of it and fires after the incident's start
 * and at most {@link #GRACE_MS} after its end (for a burn-rate alert: while its short window still
 * covers the incident, since that is the data it fires on). An incident is detected when some alert matches it;
 * its time to first alert is measured in event time from the incident's start. A firing alert that
 * matches no incident is a false alert.
 */
public final class DemoScore {
    public static final long GRACE_MS = 10 * 60_000L;

    /** Outcome of one incident. */
    public record IncidentResult(GroundTruth.LabelledIncident incident, Alert firstAlert) {
        public boolean detected() {
            return firstAlert != null;
        }

        /** Event time from onset to the first matching alert, in ms; -1 when not detected. */
        public long timeToAlertMs() {
            return detected() ? firstAlert.getEventTimeMs() - incident.incident().startMs() : -1;
        }

        /** Does the first matching alert's top root-cause hint name the injected service? */
        public boolean rootCauseTop1() {
            return detected() && !firstAlert.getRootCauses().isEmpty()
                    && firstAlert.getRootCauses().get(0).getService().equals(incident.incident().service());
        }
    }

    private final List<IncidentResult> incidents;
    private final List<Alert> falseAlerts;

    private DemoScore(List<IncidentResult> incidents, List<Alert> falseAlerts) {
        this.incidents = incidents;
        this.falseAlerts = falseAlerts;
    }

    public static DemoScore of(GroundTruth truth, List<Alert> alerts) {
        List<Alert> firing = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING)
                .sorted(java.util.Comparator.comparingLong(Alert::getEventTimeMs)).toList();
        List<IncidentResult> results = new ArrayList<>();
        for (GroundTruth.LabelledIncident li : truth.incidents()) {
            Alert first = firing.stream().filter(a -> matches(li, a)).findFirst().orElse(null);
            results.add(new IncidentResult(li, first));
        }
        List<Alert> unmatched = firing.stream()
                .filter(a -> truth.incidents().stream().noneMatch(li -> matches(li, a))).toList();
        return new DemoScore(results, unmatched);
    }

    static boolean matches(GroundTruth.LabelledIncident li, Alert a) {
        long t = a.getEventTimeMs();
        // a burn-rate alert looks back over its short window: it matches an incident inside it
        String shortWindow = a.getLabels().get("short_window");
        long lookback = shortWindow == null ? 0 : Durations.parseMs(shortWindow);
        return li.affectedServices().contains(a.getService())
                && t >= li.incident().startMs() && t - lookback <= li.incident().endMs() + GRACE_MS;
    }

    public List<IncidentResult> incidents() {
        return incidents;
    }

    public List<Alert> falseAlerts() {
        return falseAlerts;
    }

    public long detected() {
        return incidents.stream().filter(IncidentResult::detected).count();
    }

    public long rootCauseTop1() {
        return incidents.stream().filter(IncidentResult::rootCauseTop1).count();
    }
}
