package io.auspex.jobs.graph;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.window.CheckpointedWindows;
import io.auspex.jobs.window.WindowHarnesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap edge stats window ({@link EdgeWindowOperator}): writes exactly what Flink's {@code
 * WindowOperator} with {@code aggregate(EdgeWindowAggregate, StampWindow)} (the operator it
 * replaced) writes for the same calls, drops and counts late calls as that operator dropped them,
 * and keeps its open windows across a snapshot, a restore and a rescale.
 */
class EdgeWindowOperatorTest {
    static final long W = 10_000;

    static KeyedOneInputStreamOperatorTestHarness<String, ServiceCall, EdgeStats> harness(int parallelism, int subtask,
            OperatorSubtaskState restore, boolean rocksDb) throws Exception {
        return WindowHarnesses.keyed(new EdgeWindowOperator(W), ServiceCall::edge, parallelism, subtask, restore,
                rocksDb);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ServiceCall, EdgeStats> harness() throws Exception {
        return harness(1, 0, null, false);
    }

    /** Flink's window operator as the job built it before (the reference), on RocksDB as in production. */
    static KeyedOneInputStreamOperatorTestHarness<String, ServiceCall, EdgeStats> flinkWindow() throws Exception {
        WindowOperatorBuilder<ServiceCall, String, TimeWindow> b = new WindowOperatorBuilder<>(
                TumblingEventTimeWindows.of(Duration.ofMillis(W)), EventTimeTrigger.create(), new ExecutionConfig(),
                TypeInformation.of(ServiceCall.class), ServiceCall::edge, Types.STRING);
        OneInputStreamOperator<ServiceCall, EdgeStats> op = b.aggregate(new EdgeWindowAggregate(),
                new EdgeWindowAggregate.StampWindow(), TypeInformation.of(EdgeStats.class));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, ServiceCall::edge, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
        return h;
    }

    static EdgeWindowOperator op(AbstractStreamOperatorTestHarness<?> h) {
        return (EdgeWindowOperator) h.getOperator();
    }

    static int checkpointed(AbstractStreamOperatorTestHarness<?> h) throws Exception {
        return CheckpointedWindows.count(op(h), TypeInformation.of(EdgeStats.class));
    }

    static String describe(long timestamp, EdgeStats e) {
        return timestamp + " " + e.caller + "->" + e.callee + " end=" + e.windowEndMs + " calls=" + e.calls
                + " errors=" + e.errors + " dur=" + e.sumDurationUs + " gap=" + e.sumGapUs + "/" + e.gapCount
                + " over=" + Arrays.toString(e.gapOver);
    }

    /** Outputs and watermarks in emission order, as text. */
    static List<String> emitted(AbstractStreamOperatorTestHarness<EdgeStats> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark wm) {
                out.add("watermark " + wm.getTimestamp());
            } else if (o instanceof StreamRecord<?> r && r.getValue() instanceof EdgeStats e) {
                out.add(describe(r.getTimestamp(), e));
            }
        }
        return out;
    }

    /** Per edge, its stats in emission order with their timestamps. */
    static Map<String, List<String>> byEdge(List<? extends AbstractStreamOperatorTestHarness<EdgeStats>> hs) {
        Map<String, List<String>> out = new TreeMap<>();
        for (var h : hs) {
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof EdgeStats e) {
                    out.computeIfAbsent(e.caller + "->" + e.callee, k -> new ArrayList<>())
                            .add(describe(r.getTimestamp(), e));
                }
            }
        }
        return out;
    }

    /**
     * Calls of {@code edges} edges, up to 4 s out of order, every 97th 20 s behind (late), every
     * 89th at the watermark; a watermark 5 s behind the newest call every 50 calls (every third one
     * moved back to a window's last millisecond), and a final one.
     */
    static List<Object> stream(long seed, int calls, int edges, long stepMs) {
        Random r = new Random(seed);
        List<Object> steps = new ArrayList<>();
        long newest = T0;
        long watermark = T0;
        for (int i = 0; i < calls; i++) {
            long t = T0 + 4_000 + i * stepMs - r.nextInt(4_000);
            if (i % 97 == 0) {
                t -= 20_000;
            } else if (i % 89 == 0) {
                t = watermark; // at the watermark: late only when that is its window's last millisecond
            }
            newest = Math.max(newest, t);
            int e = r.nextInt(edges);
            long duration = 500 + (long) (r.nextDouble() * r.nextDouble() * 3_000_000);
            long gap = r.nextInt(4) == 0 ? -1 : (long) (r.nextDouble() * r.nextDouble() * 6_000_000);
            steps.add(new StreamRecord<>(new ServiceCall("svc-" + e, "svc-" + (e + 1) % edges, r.nextInt(15) == 0,
                    duration, t, gap), t));
            if (i % 50 == 49) {
                long next = newest - 5_000;
                if (i % 150 == 149) {
                    next = next - Math.floorMod(next - T0, W) - 1; // a window's last millisecond
                }
                watermark = Math.max(watermark, next);
                steps.add(new Watermark(next));
            }
        }
        steps.add(new Watermark(Long.MAX_VALUE));
        return steps;
    }

    static void run(KeyedOneInputStreamOperatorTestHarness<String, ServiceCall, EdgeStats> h, List<Object> steps)
            throws Exception {
        WindowHarnesses.run(List.of(h), ServiceCall::edge, steps);
    }

    @Test
    void aWindowFiresWhenTheWatermarkReachesItsLastMillisecondAndLateCallsAreDroppedAndCounted() throws Exception {
        var h = harness();
        h.processElement(new ServiceCall("checkout", "payment", false, 1_000, T0 + 9_999, 120_000), T0 + 9_999);
        h.processElement(new ServiceCall("api", "checkout", true, 2_000, T0 + 1, -1), T0 + 1);
        h.processElement(new ServiceCall("api", "checkout", false, 3_000, T0 + W, -1), T0 + W);
        assertEquals(3, op(h).openWindows());
        h.processWatermark(T0 + W - 2);
        assertEquals(List.of("watermark " + (T0 + W - 2)), emitted(h), "one millisecond early: nothing fires");
        h.getOutput().clear();

        h.processWatermark(T0 + W - 1);
        long last = T0 + W - 1;
        assertEquals(List.of(
                last + " api->checkout end=" + (T0 + W)
                        + " calls=1 errors=1 dur=2000 gap=0/0 over=[0, 0, 0, 0, 0, 0, 0]",
                last + " checkout->payment end=" + (T0 + W)
                        + " calls=1 errors=0 dur=1000 gap=120000/1 over=[1, 1, 0, 0, 0, 0, 0]",
                "watermark " + last), emitted(h));
        h.getOutput().clear();

        // late: its window's last millisecond is at the watermark; the next window still takes calls
        h.processElement(new ServiceCall("checkout", "payment", false, 1_000, T0 + W - 1, -1), T0 + W - 1);
        h.processElement(new ServiceCall("checkout", "payment", false, 1_000, T0 + W, -1), T0 + W);
        assertEquals(1, op(h).lateDropped());
        assertEquals(2, op(h).openWindows());
        h.processWatermark(Long.MAX_VALUE);
        assertEquals(3, emitted(h).size());
        assertEquals(0, op(h).openWindows());
        assertEquals(0, h.numEventTimeTimers(), "no timers: the watermark fires the windows");
        assertEquals(0, h.numKeyedStateEntries(), "no checkpoint was taken: the windows never touched state");
        h.close();
    }

    @Test
    void theSameOutputsAsFlinksWindowOperatorLateCallsIncluded() throws Exception {
        List<Object> steps = stream(7, 40_000, 6, 1);
        var flink = flinkWindow();
        run(flink, steps);
        var heap = harness();
        run(heap, steps);
        Map<String, List<String>> expected = byEdge(List.of(flink));
        assertEquals(6, expected.size());
        assertTrue(expected.values().stream().mapToInt(List::size).sum() >= 6 * 4);
        assertEquals(expected, byEdge(List.of(heap)));
        // the calls Flink's operator left out are the ones this one dropped as late
        long counted = flink.extractOutputValues().stream().mapToLong(e -> e.calls).sum();
        long dropped = 40_000 - counted;
        assertTrue(dropped > 300, "late calls: " + dropped);
        assertEquals(dropped, op(heap).lateDropped());
        assertEquals(0, op(heap).openWindows());
        flink.close();
        heap.close();
    }

    /** This operator as a {@link WindowHarnesses.Subject}. */
    static final WindowHarnesses.Subject<ServiceCall, EdgeStats> SUBJECT = new WindowHarnesses.Subject<>(
            EdgeWindowOperatorTest::harness, ServiceCall::edge,
            EdgeWindowOperatorTest::byEdge, EdgeWindowOperatorTest::checkpointed);

    @ParameterizedTest(name = "RocksDB {0}")
    @ValueSource(booleans = {false, true})
    void aSnapshotMidWindowRestoresToTheSameStatsAsAnUndisturbedRun(boolean rocksDb) throws Exception {
        // cut between two watermarks: windows of every edge open
        WindowHarnesses.snapshotMidWindowRestoresExactly(SUBJECT, stream(11, 6_000, 4, 10), 3_001, 4, rocksDb);
    }

    @Test
    void aRescaleFromOneToTwoSubtasksGivesTheSameStatsAsAnUndisturbedRun() throws Exception {
        WindowHarnesses.rescaleOneToTwoGivesTheSame(SUBJECT, stream(13, 8_000, 12, 10), 4_001, 12);
    }
}
