package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.jobs.graph.EdgeStats;
import io.auspex.jobs.rca.RcaHarness;
import io.auspex.jobs.rca.RcaInput;
import io.auspex.jobs.rca.RootCauseEnricher;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A service whose only evidence is a metric (a CPU counter under a custom name, no golden signal
 * moved) is ranked by the root-cause enricher as any other evidence, and the metric is named
 * among the hint's moved signals.
 */
class MetricEvidenceRankingTest {
    static final String CPU = "metric:container_cpu_usage_seconds_total";

    static RcaInput edge(String caller, String callee, long t) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = 100;
        return RcaInput.of(e);
    }

    static RcaInput evidence(String service, long t, double strength, double metricStrength, String[] moved,
            String[] metrics) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = service;
        e.windowEndMs = t;
        e.strength = strength;
        e.modelScore = Double.NaN;
        e.movedSignals = moved;
        e.metricStrength = metricStrength;
        e.metricSignals = metrics;
        return RcaInput.of(e);
    }

    static Alert rank(boolean withMetric) throws Exception {
        RcaHarness h = new RcaHarness(15 * 60_000L, 3_600_000L, 0.8);
        long t = T0 + 60_000;
        h.processElement(edge("frontend", "checkout", t), t);
        h.processElement(edge("checkout", "payment", t), t);
        h.processElement(edge("checkout", "inventory", t), t);
        String[] none = new String[0];
        for (long w = t - 40_000; w <= t; w += 10_000) {
            h.processElement(evidence("checkout", w, 1.0, 0.0, new String[] {"latency_p99_ms"}, none), w - 1);
            h.processElement(evidence("payment", w, 0.0, withMetric ? 1.0 : 0.0, none,
                    withMetric ? new String[] {CPU} : none), w - 1);
            h.processElement(evidence("inventory", w, 0.0, 0.0, none, none), w - 1);
        }
        h.processAlert(Alert.newBuilder().setFingerprint("f1").setStatus(AlertStatus.FIRING)
                .setRule("slo_burn_fast").setSeverity(Severity.PAGE).setService("checkout").setStartsAtMs(t)
                .setEventTimeMs(t).build(), t);
        h.processWatermark(t);
        Alert a = h.extractOutputValues().get(0);
        h.close();
        return a;
    }

    @Test
    void aMovedMetricMakesItsServiceTheRootCauseAndIsNamedInTheHint() throws Exception {
        Alert with = rank(true);
        assertEquals("payment", with.getRootCauses().get(0).getService(), with.toString());
        assertEquals(List.of(CPU), with.getRootCauses().get(0).getMovedSignals());
        Alert without = rank(false);
        assertEquals("checkout", without.getRootCauses().get(0).getService(), without.toString());
    }
}
