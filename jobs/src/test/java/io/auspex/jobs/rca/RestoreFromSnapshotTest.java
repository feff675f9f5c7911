package io.auspex.jobs.rca;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.anomaly.EvidenceFunction;
import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The evidence and root-cause operators on RocksDB: a snapshot taken mid-stream restores into a
 * new operator instance that continues exactly as the uninterrupted one (state types serialize
 * without Kryo, nothing is lost).
 */
class RestoreFromSnapshotTest {

    static KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> evidence(
            OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EvidenceFunction(0.8, 0.3, 3_600_000L, null)),
                ServiceSignals::getServiceName, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static ServiceSignals window(int i) {
        long t = T0 + i * 10_000L;
        boolean burst = i >= 250;
        return Fixtures.signals("payment", t).setTrafficRps(10 + (i % 5) * 0.4)
                .setErrorRatio(burst ? 0.3 : 0).setErrorSpanCount(burst ? 30 : 0).build();
    }

    static String describe(ServiceEvidence e) {
        return e.windowEndMs + " " + e.strength + " " + Arrays.toString(e.movedSignals) + " "
                + Arrays.toString(e.onsetSignals);
    }

    @Test
    void evidenceContinuesIdenticallyAfterRestore() throws Exception {
        List<String> uninterrupted = new ArrayList<>();
        var whole = evidence(null);
        for (int i = 0; i < 260; i++) {
            whole.processElement(window(i), T0 + i * 10_000L);
        }
        whole.extractOutputValues().forEach(e -> uninterrupted.add(describe(e)));
        whole.close();

        var first = evidence(null);
        for (int i = 0; i < 200; i++) {
            first.processElement(window(i), T0 + i * 10_000L);
        }
        List<String> resumed = new ArrayList<>();
        first.extractOutputValues().forEach(e -> resumed.add(describe(e)));
        OperatorSubtaskState snapshot = first.snapshot(1L, 1L);
        first.close();
        var second = evidence(snapshot);
        for (int i = 200; i < 260; i++) {
            second.processElement(window(i), T0 + i * 10_000L);
        }
        second.extractOutputValues().forEach(e -> resumed.add(describe(e)));
        second.close();
        assertEquals(uninterrupted, resumed);
    }

    @Test
    void pendingAlertsAndGraphSurviveARestore() throws Exception {
        var first = new RcaHarness(15 * 60_000L, 3_600_000L, 0.8, 0, new EmbeddedRocksDBStateBackend(), null);
        long t = T0 + 60_000;
        first.processElement(RootCauseEnricherTest.edge("checkout", "payment", t), t);
        for (long w = t - 40_000; w <= t; w += 10_000) {
            first.processElement(RootCauseEnricherTest.evidence("payment", w, 1.0, "error_ratio"), w - 1);
        }
        first.processAlert(Alert.newBuilder().setFingerprint("f").setStatus(AlertStatus.FIRING)
                .setRule("slo_burn_fast").setSeverity(Severity.PAGE).setService("checkout").setStartsAtMs(t)
                .setEventTimeMs(t).build(), t);
        // the views of the windows before the alert reach the enricher; the last window's inputs are still held
        first.processWatermark(t - 10_000);
        RcaHarness.Snapshot snapshot = first.snapshot(1L);
        assertEquals(List.of(), first.extractOutputValues());
        first.close();

        var second = new RcaHarness(15 * 60_000L, 3_600_000L, 0.8, 0, new EmbeddedRocksDBStateBackend(), snapshot);
        second.processWatermark(t);
        List<Alert> out = second.extractOutputValues();
        assertEquals(1, out.size(), "the pending alert came back with its timer");
        assertEquals("payment", out.get(0).getRootCauses().get(0).getService());
        second.close();
    }
}
