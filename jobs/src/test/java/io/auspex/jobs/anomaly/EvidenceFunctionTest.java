package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.ServiceSignals;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
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
        assertEquals(1, h.numKeyedStateEntries());
        assertEquals(1, h.numEventTimeTimers(), "an hour of windows holds one hourly timer, not 360");
        long last = T0 + 359 * 10_000L;
        h.processWatermark(last + RETIRE - 1);
        assertEquals(1, h.numKeyedStateEntries());
        h.processWatermark(last + RETIRE + EvidenceFunction.TIMER_GRAIN_MS);
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numEventTimeTimers());
        h.close();
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
