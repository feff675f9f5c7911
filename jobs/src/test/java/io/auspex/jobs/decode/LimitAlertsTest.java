package io.auspex.jobs.decode;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.alerts.Fingerprint;
import io.auspex.jobs.anomaly.AnomalyAlertFunction;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.Severity;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class LimitAlertsTest {
    static DeadLetter refused(long t) {
        return DeadLetter.newBuilder().setSourceTopic("otlp_spans").setPartition(0).setOffset(t).setTimestampMs(t)
                .setReason(ServiceAdmission.REASON).setDetail("this subtask holds 3 live services").build();
    }

    @Test
    void firesAtTheFirstRefusalAndResolvesTenQuietMinutesAfterTheLast() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, DeadLetter, Alert> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new LimitAlerts(6), LimitAlerts::key, Types.STRING);
        // a burst of refusals over 90 s
        for (long t = T0; t <= T0 + 90_000; t += 500) {
            h.processElement(refused(t), t);
        }
        h.processWatermark(T0 + 90_000);
        List<Alert> out = h.extractOutputValues();
        assertEquals(1, out.size());
        Alert firing = out.get(0);
        assertEquals(AlertStatus.FIRING, firing.getStatus());
        assertEquals(Severity.TICKET, firing.getSeverity());
        assertEquals("auspex", firing.getService());
        assertEquals(LimitAlerts.ALERT_NAME, firing.getLabels().get("alertname"));
        assertEquals(Fingerprint.of(AnomalyAlertFunction.ticketLabels(LimitAlerts.ALERT_NAME, "auspex")),
                firing.getFingerprint());
        assertEquals(T0, firing.getStartsAtMs());
        assertTrue(firing.getAnnotations().get("summary").contains("auspex.limits.max-services (6)"));
        // the last refusal at +90 s: its minute ends at +2 min (T0 is a whole minute), quiet until +12 min
        long resolveAt = T0 + 120_000 + LimitAlerts.QUIET_MS;
        h.processWatermark(resolveAt - 1);
        assertEquals(1, h.extractOutputValues().size(), "still within ten minutes of the last refusal");
        h.processWatermark(resolveAt);
        out = h.extractOutputValues();
        assertEquals(2, out.size());
        Alert resolved = out.get(1);
        assertEquals(AlertStatus.RESOLVED, resolved.getStatus());
        assertEquals(firing.getFingerprint(), resolved.getFingerprint());
        assertEquals(T0, resolved.getStartsAtMs());
        assertEquals(resolveAt, resolved.getEndsAtMs());
        assertEquals(0, h.numKeyedStateEntries(), "cleared when it resolves");
        // a new refusal later fires again
        h.processElement(refused(resolveAt + 5_000), resolveAt + 5_000);
        assertEquals(3, h.extractOutputValues().size());
        assertEquals(AlertStatus.FIRING, h.extractOutputValues().get(2).getStatus());
        assertEquals(resolveAt + 5_000, h.extractOutputValues().get(2).getStartsAtMs());
        assertTrue(h.numEventTimeTimers() <= 2, "one timer per minute of refusals at most");
        h.close();
    }

    @Test
    void onlyServiceLimitDeadLettersAreRefusals() {
        assertTrue(LimitAlerts.refusal(refused(T0)));
        assertEquals(false, LimitAlerts.refusal(DeadLetter.newBuilder(refused(T0)).setReason("undecodable").build()));
    }
}
