package io.auspex.jobs.rca;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.graph.EdgeStats;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The bound on callers tracked per service: the first callers are kept, later new ones refused until one leaves. */
class RcaServiceStateLimitTest {
    static final long W = 10_000;
    static final long TTL = 60_000;

    static RcaInput edge(String caller, long windowEnd) {
        EdgeStats s = new EdgeStats(caller, "db");
        s.windowEndMs = windowEnd;
        s.calls = 10;
        return RcaInput.of(s);
    }

    static String[] callers(ServiceView v) {
        return Arrays.stream(v.incoming).map(e -> e.caller).sorted().toArray(String[]::new);
    }

    @Test
    void newCallersOverTheLimitAreRefusedUntilAnEdgeLeaves() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RcaServiceState(15 * 60_000L, TTL, 0.8, 10.0).withMaxCallers(3)),
                RcaInput::key, Types.STRING);
        h.open();
        long t = T0 + W;
        for (String c : List.of("c1", "c2", "c3", "c4", "c5")) {
            h.processElement(edge(c, t), t - 1);
        }
        h.processWatermark(t);
        List<ServiceView> views = h.extractOutputValues();
        ServiceView first = views.get(views.size() - 1);
        assertArrayEquals(new String[] {"c1", "c2", "c3"}, callers(first), "the first three in apply order");
        // c1 and c2 keep calling, c3 stops: after the edge TTL c3 leaves and the next new caller gets its place
        for (int i = 2; i <= 10; i++) {
            long ti = T0 + i * W;
            for (String c : List.of("c1", "c2", i == 10 ? "c5" : "c4")) {
                h.processElement(edge(c, ti), ti - 1);
            }
            h.processWatermark(ti);
        }
        views = h.extractOutputValues();
        ServiceView last = views.get(views.size() - 1);
        assertTrue(Arrays.asList(callers(last)).containsAll(List.of("c1", "c2")), Arrays.toString(callers(last)));
        assertEquals(3, last.incoming.length, Arrays.toString(callers(last)));
        assertTrue(!Arrays.asList(callers(last)).contains("c3"), "c3 left after " + TTL + " ms without calls");
        h.close();
    }

    @Test
    void aLimitBelowOneFailsNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RcaServiceState(1, 1, 0.8, 10.0).withMaxCallers(0));
        assertTrue(e.getMessage().contains("auspex.limits.max-callers-per-service"), e.getMessage());
    }
}
