package io.auspex.jobs.graph;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The edge-stats window as the job builds it ({@link EdgeWindowOperator}): counts per edge and window,
 * state cleared on firing.
 */
class EdgeWindowHarnessTest {

    @Test
    void countsCallsAndErrorsPerEdgeAndWindow() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new EdgeWindowOperator(10_000), ServiceCall::edge,
                Types.STRING);
        h.open();
        h.processElement(new ServiceCall("checkout", "payment", false, 1000, T0 + 1), T0 + 1);
        h.processElement(new ServiceCall("checkout", "payment", true, 3000, T0 + 2), T0 + 2);
        h.processElement(new ServiceCall("frontend", "checkout", false, 9000, T0 + 3), T0 + 3);
        h.processWatermark(T0 + 10_000);
        List<EdgeStats> out = h.extractOutputValues();
        assertEquals(2, out.size());
        EdgeStats pay = out.stream().filter(e -> e.callee.equals("payment")).findFirst().orElseThrow();
        assertEquals(2, pay.calls);
        assertEquals(1, pay.errors);
        assertEquals(4000, pay.sumDurationUs);
        assertEquals(T0 + 10_000, pay.windowEndMs);
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numEventTimeTimers());
        h.close();
    }
}
