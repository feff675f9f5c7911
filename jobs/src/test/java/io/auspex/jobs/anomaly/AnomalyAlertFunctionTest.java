package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class AnomalyAlertFunctionTest {

    static ServiceEvidence ev(long t, boolean anomalous) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = "db";
        e.windowEndMs = t;
        e.modelScore = anomalous ? 0.9 : 0.1;
        e.modelAnomalous = anomalous;
        e.strength = anomalous ? 1 : 0;
        e.movedSignals = anomalous ? new String[] {"saturation"} : new String[0];
        return e;
    }

    @Test
    void firesOnceAfterThreeWindowsThenResolvesAndForgets() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ServiceEvidence, Alert> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new AnomalyAlertFunction(3), e -> e.service,
                        Types.STRING);
        h.processElement(ev(T0, false), T0);
        assertEquals(0, h.numKeyedStateEntries(), "quiet services hold no state");
        for (int i = 1; i <= 6; i++) {
            h.processElement(ev(T0 + i * 10_000L, true), T0);
        }
        // while firing, the model alone keeps it firing even when the signal baselines have adapted
        ServiceEvidence adapted = ev(T0 + 65_000L, true);
        adapted.movedSignals = new String[0];
        for (int i = 0; i < 4; i++) {
            h.processElement(adapted, T0);
        }
        List<Alert> out = h.extractOutputValues();
        assertEquals(1, out.size(), "never repeated while firing");
        Alert firing = out.get(0);
        assertEquals(AlertStatus.FIRING, firing.getStatus());
        assertEquals(T0 + 10_000, firing.getStartsAtMs(), "starts at the first anomalous window");
        assertEquals(T0 + 30_000, firing.getEventTimeMs());
        assertNull(firing.getEndsAtMs());
        for (int i = 7; i <= 9; i++) {
            h.processElement(ev(T0 + i * 10_000L, false), T0);
        }
        out = h.extractOutputValues();
        assertEquals(2, out.size());
        Alert resolved = out.get(1);
        assertEquals(AlertStatus.RESOLVED, resolved.getStatus());
        assertEquals(firing.getFingerprint(), resolved.getFingerprint());
        assertEquals(T0 + 90_000, resolved.getEndsAtMs());
        assertEquals(0, h.numKeyedStateEntries());
        h.close();
    }
}
