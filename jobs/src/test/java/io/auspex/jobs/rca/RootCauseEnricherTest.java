package io.auspex.jobs.rca;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class RootCauseEnricherTest {
    static final long LOOKBACK = 15 * 60_000L;

    static RcaInput edge(String caller, String callee, long t) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = 100;
        return RcaInput.of(e);
    }

    static RcaInput evidence(String service, long t, double strength, String... moved) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = service;
        e.windowEndMs = t;
        e.strength = strength;
        e.modelScore = Double.NaN;
        e.movedSignals = moved;
        e.errorLogTemplates = strength > 0 ? new String[] {"gateway timeout after <n> ms"} : new String[0];
        return RcaInput.of(e);
    }

    static Alert alert(String service, long t, AlertStatus status) {
        return Alert.newBuilder().setFingerprint("f1").setStatus(status).setRule("slo_burn_fast")
                .setSeverity(Severity.PAGE).setService(service).setStartsAtMs(t).setEventTimeMs(t).build();
    }

    @Test
    void holdsTheAlertUntilTheWatermarkThenNamesTheRootCause() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, RcaInput, Alert> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new RootCauseEnricher(LOOKBACK, 3_600_000L, 0.8), RcaInput::key, Types.STRING);
        long t = T0 + 60_000;
        h.processElement(edge("frontend", "checkout", t), t);
        h.processElement(edge("checkout", "payment", t), t);
        h.processElement(edge("checkout", "inventory", t), t);
        h.processElement(RcaInput.of(alert("checkout", t, AlertStatus.FIRING)), t);
        // the evidence arrives after the alert: the alert must wait for it. Inventory has one noisy
        // window only: not an episode
        for (long w = t - 40_000; w <= t; w += 10_000) {
            h.processElement(evidence("checkout", w, 1.0, "error_ratio"), w - 1);
            h.processElement(evidence("payment", w, 1.0, "error_ratio", "error_log_count"), w - 1);
            h.processElement(evidence("inventory", w, w == t ? 1.0 : 0.0, "latency_p99_ms"), w - 1);
        }
        assertEquals(0, h.extractOutputValues().size());
        h.processWatermark(t);
        List<Alert> out = h.extractOutputValues();
        assertEquals(1, out.size());
        Alert a = out.get(0);
        assertEquals("payment", a.getRootCauses().get(0).getService());
        assertEquals(List.of("error_ratio", "error_log_count"), a.getRootCauses().get(0).getMovedSignals());
        assertEquals(List.of("gateway timeout after <n> ms"), a.getRootCauses().get(0).getErrorLogTemplates());
        assertEquals(List.of("error_ratio"), a.getMovedSignals());
        assertEquals(3, a.getRootCauses().size());
        var inventory = a.getRootCauses().stream().filter(x -> x.getService().equals("inventory")).findFirst()
                .orElseThrow();
        assertEquals(List.of(), inventory.getMovedSignals(), "one noisy window is not an anomaly episode");

        // resolved alerts pass through unchanged; old edges and evidence are dropped
        h.processElement(RcaInput.of(alert("checkout", t + 60_000, AlertStatus.RESOLVED)), t + 60_000);
        h.processWatermark(t + 3 * 3_600_000L);
        out = h.extractOutputValues();
        assertEquals(2, out.size());
        assertEquals(0, out.get(1).getRootCauses().size());
        assertEquals(0, h.numKeyedStateEntries());
        h.close();
    }
}
