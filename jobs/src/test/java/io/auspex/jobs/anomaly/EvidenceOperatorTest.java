package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.schemas.ServiceSignals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The evidence operator's heap cache (RocksDB, as in production) changes nothing a user sees: the
 * same evidence as the function reading and writing RocksDB every window, through a full cache, idle
 * evictions, a retired service, and snapshots restored either way.
 */
class EvidenceOperatorTest {
    static final long W = 10_000L;
    static final long RETIRE = 1_800_000L;
    static final int WINDOWS = 700;
    static final int SNAPSHOT_AT = 350;

    static EvidenceFunction function() {
        return new EvidenceFunction(0.8, 0.3, RETIRE, null,
                new CountEvidence(CountEvidence.Config.defaults(), CountEvidence.DEFAULT_LADDER_MS),
                new MetricEvidence(MetricEvidence.Config.defaults()));
    }

    /**
     * Window {@code i} of the services sending then: a, b and d throughout (an error burst in b from
     * 500, a CPU gauge in a that jumps at 550); c until 200 and again from 400; e until 100 (it
     * retires); f from 300.
     */
    static List<ServiceSignals> windows(int i) {
        long t = T0 + (i + 1) * W;
        List<ServiceSignals> out = new ArrayList<>();
        for (String s : List.of("a", "b", "c", "d", "e", "f")) {
            boolean sends = switch (s) {
                case "c" -> i < 200 || i >= 400;
                case "e" -> i < 100;
                case "f" -> i >= 300;
                default -> true;
            };
            if (!sends) {
                continue;
            }
            boolean burst = s.equals("b") && i >= 500;
            var w = Fixtures.signals(s, t).setTrafficRps(10 + (i % 5) * 0.4 + s.charAt(0) % 3)
                    .setLatencyP99Ms(100 + (i % 7) * 2).setErrorRatio(burst ? 0.3 : 0)
                    .setErrorSpanCount(burst ? 30 : 0).setErrorLogCount(burst ? 12 : 0);
            if (s.equals("a")) {
                w.setGauges(Map.of("container_cpu_ratio", i >= 550 ? 0.95 : 0.2 + (i % 3) * 0.01));
            }
            out.add(w.build());
        }
        return out;
    }

    static String line(ServiceEvidence e) {
        return e + " level=" + e.countLevel + " onsetMs=" + e.countOnsetMs + " unfollowed=" + e.metricsUnfollowed
                + " exemplars=" + Arrays.toString(e.exemplarTraceIds) + " templates="
                + Arrays.toString(e.errorLogTemplates);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> harness(
            OneInputStreamOperator<ServiceSignals, ServiceEvidence> op, OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, ServiceSignals::getServiceName, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** Feeds windows {@code from} to {@code to} (exclusive), each followed by a watermark at its end. */
    static void feed(KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> h, int from,
            int to) throws Exception {
        for (int i = from; i < to; i++) {
            long t = T0 + (i + 1) * W;
            for (ServiceSignals s : windows(i)) {
                h.processElement(s, t - 1);
            }
            h.processWatermark(t - 1);
        }
    }

    static List<String> lines(KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> h) {
        return h.extractOutputValues().stream().map(EvidenceOperatorTest::line).toList();
    }

    /** Evidence of the function without a cache, reading and writing RocksDB every window. */
    static List<String> uncached() throws Exception {
        var h = harness(new KeyedProcessOperator<>(function()), null);
        feed(h, 0, WINDOWS);
        List<String> out = lines(h);
        h.close();
        return out;
    }

    @Test
    void aFullCacheWithEvictionsAndARetiredServiceScoresAsTheUncachedFunction() throws Exception {
        List<String> expected = uncached();
        assertTrue(expected.stream().anyMatch(l -> l.startsWith("b@") && l.contains("moved=[error_ratio")),
                "the burst in b is evidence");
        assertTrue(expected.stream().anyMatch(l -> l.startsWith("a@") && l.contains("metric=1.0")),
                "the CPU jump in a is metric evidence");

        EvidenceOperator op = new EvidenceOperator(function(), 3);
        var h = harness(op, null);
        assertTrue(op.caching());
        feed(h, 0, 100);
        // a, b, c cached; d and e served from RocksDB: no cached service is idle
        assertEquals(3, op.cache().size());
        assertEquals(2 * 100, op.cache().uncached());
        feed(h, 100, 210);
        // c has sent nothing since window 199: d took its place once c had been idle 60 s (window 206)
        assertNull(op.cache().peek("c"));
        assertTrue(op.cache().peek("d") != null);
        feed(h, 210, WINDOWS);
        assertEquals(expected, lines(h));
        h.close();
    }

    @Test
    void aRetiredServiceLeavesTheCacheAndRocksDb() throws Exception {
        EvidenceOperator op = new EvidenceOperator(function(), 10);
        var h = harness(op, null);
        for (int i = 0; i < 360; i++) {
            h.processElement(Fixtures.signals("gone", T0 + i * W).build(), T0 + i * W);
        }
        assertEquals(3L, entriesIn(h.snapshot(1L, T0 + 360 * W)),
                "baselines, onset detectors, count evidence, written by the flush");
        assertEquals(1, op.cache().size());
        long last = T0 + 359 * W;
        h.processWatermark(last + RETIRE + EvidenceFunction.TIMER_GRAIN_MS);
        assertEquals(0, op.cache().size());
        assertEquals(0L, entriesIn(h.snapshot(2L, last + RETIRE + EvidenceFunction.TIMER_GRAIN_MS)),
                "nothing written back after the retirement");
        h.close();
    }

    /** Keyed state entries (service x state) in {@code snapshot}, restored into RocksDB to count them. */
    static long entriesIn(OperatorSubtaskState snapshot) throws Exception {
        KeyedProcessOperator<String, ServiceSignals, ServiceEvidence> op = new KeyedProcessOperator<>(function());
        var h = harness(op, snapshot);
        long n = 0;
        for (String state : List.of("signal-baselines", OnsetDetectors.STATE_NAME, "count-evidence",
                EvidenceFunction.METRIC_STATE)) {
            try (var keys = op.getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
                n += keys.count();
            }
        }
        h.close();
        return n;
    }

    @Test
    void snapshotsOfTheCachedOperatorAndOfTheFunctionRestoreIntoEachOther() throws Exception {
        List<String> expected = uncached();
        var cached = harness(new EvidenceOperator(function(), 3), null);
        feed(cached, 0, SNAPSHOT_AT);
        OperatorSubtaskState fromCached = cached.snapshot(1L, T0 + SNAPSHOT_AT * W);
        List<String> before = lines(cached);
        cached.close();
        var plain = harness(new KeyedProcessOperator<>(function()), null);
        feed(plain, 0, SNAPSHOT_AT);
        OperatorSubtaskState fromPlain = plain.snapshot(1L, T0 + SNAPSHOT_AT * W);
        plain.close();
        assertEquals(expected.subList(0, before.size()), before);

        for (OperatorSubtaskState snapshot : List.of(fromCached, fromPlain)) {
            for (int k = 0; k < 3; k++) {
                OneInputStreamOperator<ServiceSignals, ServiceEvidence> target = k == 0
                        ? new KeyedProcessOperator<>(function())
                        : new EvidenceOperator(function(), k == 1 ? 3 : 64);
                var resumed = harness(target, snapshot);
                feed(resumed, SNAPSHOT_AT, WINDOWS);
                assertEquals(expected.subList(before.size(), expected.size()), lines(resumed),
                        (snapshot == fromCached ? "cached" : "plain") + " snapshot into target " + k);
                resumed.close();
            }
        }
    }

    @Test
    void noCacheOnTheHeapBackendOrWhenTurnedOff() throws Exception {
        EvidenceOperator heap = new EvidenceOperator(function(), 100);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(heap, ServiceSignals::getServiceName, Types.STRING);
        h.open();
        assertFalse(heap.caching(), "heap state objects are scored in place already");
        feed(h, 0, 5);
        assertEquals(5 * 5, h.extractOutputValues().size());
        h.close();
        EvidenceOperator off = new EvidenceOperator(function(), 0);
        var r = harness(off, null);
        assertFalse(off.caching());
        r.close();
    }

    @Test
    void automaticCapacityIsATenthOfTheHeapAtEightyKilobytesAService() {
        assertEquals(3932, EvidenceOperator.capacity(-1, 3L << 30));
        assertEquals(655, EvidenceOperator.capacity(-1, 512L << 20));
        assertEquals(64, EvidenceOperator.capacity(-1, 16L << 20), "at least 64");
        assertEquals(0, EvidenceOperator.capacity(0, 3L << 30));
        assertEquals(500, EvidenceOperator.capacity(500, 3L << 30));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnomalyStage.checkedCacheOption(-2));
        assertTrue(e.getMessage().contains("auspex.anomaly.state-cache-services"), e.getMessage());
    }
}
