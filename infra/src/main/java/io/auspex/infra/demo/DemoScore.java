package io.auspex.infra.demo;

import io.auspex.infra.sim.GroundTruth;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores the alerts of a run against its ground truth. A firing alert matches an incident when it
 * is about the incident's service or a service upstream of it and fires between the incident's
 * start and {@link #GRACE_MS} after its end. An incident is detected when some alert matches it;
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
        return li.affectedServices().contains(a.getService())
                && t >= li.incident().startMs() && t <= li.incident().endMs() + GRACE_MS;
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
