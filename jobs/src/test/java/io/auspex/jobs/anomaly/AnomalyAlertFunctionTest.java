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
        // either detector alone keeps it firing: the model after the baselines adapted, or the baselines
        ServiceEvidence modelOnly = ev(T0 + 65_000L, true);
        modelOnly.movedSignals = new String[0];
        ServiceEvidence baselinesOnly = ev(T0 + 66_000L, true);
        baselinesOnly.modelAnomalous = false;
        for (int i = 0; i < 2; i++) {
            h.processElement(modelOnly, T0);
            h.processElement(baselinesOnly, T0);
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

    @Test
    void baselinesAloneFireWithoutAModelAndBrokenRunsDoNot() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ServiceEvidence, Alert> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new AnomalyAlertFunction(3), e -> e.service,
                        Types.STRING);
        long t = T0;
        for (boolean a : new boolean[] {true, true, false, true, true, false}) {
            ServiceEvidence e = ev(t += 10_000, a);
            e.modelAnomalous = false;
            e.modelScore = Double.NaN;
            h.processElement(e, t);
        }
        assertEquals(0, h.extractOutputValues().size(), "runs of 2 do not fire");
        for (int i = 0; i < 3; i++) {
            ServiceEvidence e = ev(t += 10_000, true);
            e.modelAnomalous = false;
            e.modelScore = Double.NaN;
            h.processElement(e, t);
        }
        assertEquals(1, h.extractOutputValues().size());
        assertNull(h.extractOutputValues().get(0).getAnomalyScore(), "no model, no score");
        h.close();
    }
}
