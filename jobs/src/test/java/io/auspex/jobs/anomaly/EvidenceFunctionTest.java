package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.ServiceSignals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class EvidenceFunctionTest {
    static final long RETIRE = 3_600_000;

    KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new EvidenceFunction(0.8, 0.3, RETIRE, null),
                ServiceSignals::getServiceName, Types.STRING);
    }

    @Test
    void quietDuringWarmUpAndSteadyTrafficThenFlagsTheErrorBurst() throws Exception {
        var h = harness();
        long t = T0;
        for (int i = 0; i < 300; i++) {
            t += 10_000;
            double jitter = (i % 5) * 0.4;
            h.processElement(Fixtures.signals("payment", t).setTrafficRps(10 + jitter).setLatencyP99Ms(100 + jitter * 5)
                    .build(), t);
        }
        List<ServiceEvidence> out = h.extractOutputValues();
        assertEquals(300, out.size());
        assertTrue(out.stream().allMatch(e -> e.strength == 0.0), "steady traffic never scores");
        t += 10_000;
        h.processElement(Fixtures.signals("payment", t).setErrorRatio(0.3).setErrorSpanCount(30)
                .setExemplarTraceIds(List.of("abc")).build(), t);
        ServiceEvidence burst = h.extractOutputValues().get(300);
        assertEquals(1.0, burst.strength);
        assertTrue(List.of(burst.onsetSignals).contains("error_ratio"), burst.toString());
        assertArrayEquals(new String[] {"error_ratio"}, burst.movedSignals);
        assertArrayEquals(new String[] {"abc"}, burst.exemplarTraceIds);
        h.close();
    }

    @Test
    void baselineStateIsClearedWhenTheServiceRetires() throws Exception {
        var h = harness();
        for (int i = 0; i < 360; i++) {
            h.processElement(Fixtures.signals("gone", T0 + i * 10_000L).build(), T0 + i * 10_000L);
        }
        assertEquals(2, h.numKeyedStateEntries(), "the baselines and the onset detectors");
        assertEquals(1, h.numEventTimeTimers(), "an hour of windows holds one hourly timer, not 360");
        long last = T0 + 359 * 10_000L;
        h.processWatermark(last + RETIRE - 1);
        assertEquals(2, h.numKeyedStateEntries());
        h.processWatermark(last + RETIRE + EvidenceFunction.TIMER_GRAIN_MS);
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numEventTimeTimers());
        h.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> metricHarness(boolean alerts)
            throws Exception {
        MetricEvidence metrics = new MetricEvidence(new MetricEvidence.Config(List.of("*"), List.of("ignored_*"), 2,
                300_000L, RETIRE, alerts));
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new EvidenceFunction(0.8, 0.3, RETIRE, null, null, metrics), ServiceSignals::getServiceName, Types.STRING);
    }

    /** A window of orders with a CPU gauge, a queue depth and a counter, and a metric the exclude glob leaves out. */
    static ServiceSignals metricWindow(long t, double cpu) {
        return Fixtures.signals("orders", t).setGauges(Map.of("container_cpu_ratio", cpu, "queue_depth", 4.0,
                "ignored_gauge", 1.0)).setCounters(Map.of("retries_total", 2.0)).build();
    }

    @Test
    void metricEvidenceFeedsRankingNotTheAlertRuleUnlessAsked() throws Exception {
        for (boolean alerts : new boolean[] {false, true}) {
            var h = metricHarness(alerts);
            long t = T0;
            for (int i = 0; i < 40; i++) {
                t += 10_000;
                h.processElement(metricWindow(t, 0.2), t);
            }
            t += 10_000;
            h.processElement(metricWindow(t, 0.95), t);
            List<ServiceEvidence> out = h.extractOutputValues();
            assertTrue(out.subList(0, 40).stream().allMatch(e -> e.metricStrength == 0.0));
            // the bound is 2: container_cpu_ratio and queue_depth (name order); retries_total is counted, ignored_gauge excluded
            assertTrue(out.stream().allMatch(e -> e.metricsUnfollowed == 1), out.get(0).toString());
            ServiceEvidence e = out.get(40);
            assertEquals(1.0, e.metricStrength);
            assertArrayEquals(new String[] {"metric:container_cpu_ratio"}, e.metricSignals);
            if (alerts) {
                assertEquals(1.0, e.strength);
                assertArrayEquals(new String[] {"metric:container_cpu_ratio"}, e.movedSignals);
            } else {
                assertEquals(0.0, e.strength, "no golden signal moved");
                assertArrayEquals(new String[0], e.movedSignals);
            }
            h.close();
        }
    }

    @Test
    void metricEvidenceStateIsClearedWhenTheServiceRetires() throws Exception {
        var h = metricHarness(false);
        for (int i = 0; i < 360; i++) {
            h.processElement(metricWindow(T0 + i * 10_000L, 0.2), T0 + i * 10_000L);
        }
        // a service without metrics keeps no metric state
        h.processElement(Fixtures.signals("payment", T0).build(), T0);
        assertEquals(5, h.numKeyedStateEntries(), "orders: baselines, onset detectors, metric evidence; payment: two");
        long last = T0 + 359 * 10_000L;
        h.processWatermark(last + RETIRE - 1);
        assertEquals(5, h.numKeyedStateEntries());
        h.processWatermark(last + RETIRE + EvidenceFunction.TIMER_GRAIN_MS);
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numEventTimeTimers());
        h.close();
    }

    /** The metric baselines are keyed state: restored from a snapshot they are warm and score as before it. */
    @Test
    void metricBaselinesSurviveASnapshotAndRestore() throws Exception {
        MetricEvidence metrics = new MetricEvidence(MetricEvidence.Config.defaults());
        java.util.function.Supplier<KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence>>
                fresh = () -> {
                    try {
                        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                                new EvidenceFunction(0.8, 0.3, RETIRE, null, null, metrics)),
                                ServiceSignals::getServiceName, Types.STRING);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
        var whole = fresh.get();
        whole.open();
        for (int i = 1; i <= 40; i++) {
            whole.processElement(metricWindow(T0 + i * 10_000L, 0.2), T0 + i * 10_000L);
        }
        OperatorSubtaskState snapshot = whole.snapshot(1L, T0 + 40 * 10_000L);
        whole.processElement(metricWindow(T0 + 41 * 10_000L, 0.95), T0 + 41 * 10_000L);
        ServiceEvidence uninterrupted = whole.extractOutputValues().get(40);
        whole.close();
        var resumed = fresh.get();
        resumed.initializeState(snapshot);
        resumed.open();
        resumed.processElement(metricWindow(T0 + 41 * 10_000L, 0.95), T0 + 41 * 10_000L);
        ServiceEvidence after = resumed.extractOutputValues().get(0);
        assertEquals(1.0, after.metricStrength);
        assertEquals(uninterrupted.metricStrength, after.metricStrength);
        assertArrayEquals(uninterrupted.metricSignals, after.metricSignals);
        assertEquals(3, resumed.numKeyedStateEntries());
        resumed.close();
    }

    /** A harness on the default (heap) state backend, restored from {@code restore} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> restored(
            OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EvidenceFunction(0.8, 0.3, RETIRE, null)),
                ServiceSignals::getServiceName, Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** Window {@code i}: steady traffic with a p99 that wanders, an error burst from window 420 on. */
    static ServiceSignals window(int i) {
        long t = T0 + i * 10_000L;
        boolean burst = i >= 420;
        return Fixtures.signals("payment", t).setTrafficRps(10 + (i % 5) * 0.4).setLatencyP99Ms(100 + (i % 7) * 2)
                .setErrorRatio(burst ? 0.3 : 0).setErrorSpanCount(burst ? 30 : 0).build();
    }

    static String onsets(List<ServiceEvidence> out) {
        List<String> lines = new ArrayList<>();
        for (ServiceEvidence e : out) {
            lines.add(e.windowEndMs + " " + Arrays.toString(e.onsetSignals));
        }
        return String.join("\n", lines);
    }

    /**
     * The onset detectors are typed keyed state: a snapshot taken after 400 windows restores into a
     * new operator whose detectors are warm (the error burst 20 windows later is an onset there, as
     * in the uninterrupted run, while fresh detectors would still be in their 150-row warm-up) and
     * continue exactly like the uninterrupted ones.
     */
    @Test
    void onsetDetectorsSurviveASnapshotAndRestore() throws Exception {
        var whole = restored(null);
        for (int i = 0; i < 400; i++) {
            whole.processElement(window(i), T0 + i * 10_000L);
        }
        OperatorSubtaskState snapshot = whole.snapshot(1L, T0 + 400 * 10_000L);
        int before = whole.extractOutputValues().size();
        for (int i = 400; i < 460; i++) {
            whole.processElement(window(i), T0 + i * 10_000L);
        }
        List<ServiceEvidence> uninterrupted = whole.extractOutputValues().subList(before, before + 60);
        whole.close();

        var resumed = restored(snapshot);
        var fresh = restored(null);
        for (int i = 400; i < 460; i++) {
            resumed.processElement(window(i), T0 + i * 10_000L);
            fresh.processElement(window(i), T0 + i * 10_000L);
        }
        List<ServiceEvidence> after = resumed.extractOutputValues();
        assertEquals(onsets(uninterrupted), onsets(after));
        assertTrue(List.of(after.get(20).onsetSignals).contains("error_ratio"), onsets(after));
        assertTrue(fresh.extractOutputValues().stream().allMatch(e -> e.onsetSignals.length == 0),
                "without the restored state the detectors are still warming up");
        resumed.close();
        fresh.close();
    }

    /**
     * Detectors kept as bytes in the baselines (the state of earlier releases, as a savepoint of
     * them restores it) move into the typed state on the next window and go on scoring exactly as
     * the byte form would have.
     */
    @Test
    void detectorBytesOfAnEarlierReleaseMoveIntoTheTypedState() {
        SignalBaselines.BaselineState legacy = new SignalBaselines.BaselineState();
        for (int i = 0; i < 400; i++) {
            OnsetDetectors.scoreAndUpdate(legacy, window(i));
        }
        SignalBaselines.BaselineState migrated = new SignalBaselines.BaselineState();
        migrated.detectors = legacy.detectors.clone();
        var detectors = OnsetDetectors.of(migrated);
        assertEquals(null, migrated.detectors, "the bytes are dropped once moved");
        for (int i = 400; i < 460; i++) {
            assertArrayEquals(OnsetDetectors.scoreAndUpdate(legacy, window(i)), OnsetDetectors.score(detectors, window(i)),
                    "window " + i);
        }
    }

    @Test
    void scoreMappingIsExact() {
        SignalBaselines.BaselineState st = new SignalBaselines.BaselineState();
        for (int i = 0; i <= SignalBaselines.WARM_UP; i++) {
            SignalBaselines.scoreAndUpdate(st, Fixtures.signals("s", T0 + i * 10_000L).build());
        }
        // p99 baseline 100 ms with no deviation: the floor is 10 % of the mean = 10 ms.
        // 160 ms is z = 6, halfway between Z_LOW = 4 and Z_HIGH = 8: score 0.5
        double[] s = SignalBaselines.scoreAndUpdate(st, Fixtures.signals("s", T0).setLatencyP99Ms(160).build());
        assertEquals(0.5, s[3], 1e-12);
        assertEquals(0.0, s[0]);
    }
}
