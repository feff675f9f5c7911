package io.auspex.infra.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.sim.GroundTruth;
import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.IncidentKind;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.RootCauseHint;
import io.auspex.schemas.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoScoreTest {
    static final long M = 60_000L;
    static final GroundTruth TRUTH = new GroundTruth("t", 1, 0, 180 * M, List.of(
            new GroundTruth.LabelledIncident(new Incident("payment", IncidentKind.ERROR_BURST, 30 * M, 55 * M, 0.3),
                    List.of("payment", "checkout", "frontend"))));

    static Alert alert(String service, long t, String top, Map<String, String> labels) {
        return Alert.newBuilder().setFingerprint(service + t).setStatus(AlertStatus.FIRING).setRule("r")
                .setSeverity(Severity.PAGE).setService(service).setStartsAtMs(t).setEventTimeMs(t).setLabels(labels)
                .setRootCauses(List.of(RootCauseHint.newBuilder().setService(top).setConfidence(0.5).build())).build();
    }

    @Test
    void firstMatchingAlertGivesTimeToDetectAndRootCause() {
        DemoScore s = DemoScore.of(TRUTH, List.of(
                alert("frontend", 33 * M, "payment", Map.of()),
                alert("checkout", 31 * M, "checkout", Map.of()),
                alert("auth", 40 * M, "auth", Map.of())));
        assertEquals(1, s.detected());
        assertEquals(M, s.incidents().get(0).timeToAlertMs(), "the earliest alert counts");
        assertFalse(s.incidents().get(0).rootCauseTop1());
        assertEquals(1, s.falseAlerts().size(), "auth is not upstream of payment");
    }

    @Test
    void burnRateAlertMatchesWhileItsShortWindowCoversTheIncident() {
        Alert lateTicket = alert("payment", 120 * M, "payment", Map.of("short_window", "2h"));
        Alert tooLate = alert("payment", 120 * M, "payment", Map.of("short_window", "30m"));
        DemoScore s = DemoScore.of(TRUTH, List.of(lateTicket, tooLate));
        assertTrue(s.incidents().get(0).rootCauseTop1());
        assertEquals(List.of(tooLate), s.falseAlerts());
    }
}
