package io.auspex.jobs.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Test helpers for the heap windows' tests: harnesses of one subtask of many, runs routed by key,
 * and the snapshot/restore and rescale checks every {@link HeapWindowOperator} must pass.
 */
public final class WindowHarnesses {
    public static final int MAX_PARALLELISM = 128;

    private WindowHarnesses() {}

    /** An opened harness of subtask {@code subtask} of {@code parallelism}, restored from {@code restore} if given. */
    public static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> keyed(
            OneInputStreamOperator<IN, OUT> operator, KeySelector<IN, String> key, int parallelism, int subtask,
            OperatorSubtaskState restore, boolean rocksDb) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING, MAX_PARALLELISM, parallelism,
                subtask);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** Records ({@link StreamRecord}s) to the subtask of their key, watermarks ({@link Watermark}s) to all. */
    @SuppressWarnings("unchecked")
    public static <IN, OUT> void run(List<KeyedOneInputStreamOperatorTestHarness<String, IN, OUT>> subtasks,
            KeySelector<IN, String> key, List<Object> steps) throws Exception {
        for (Object s : steps) {
            if (s instanceof Watermark wm) {
                for (var h : subtasks) {
                    h.processWatermark(wm);
                }
            } else {
                StreamRecord<IN> r = (StreamRecord<IN>) s;
                subtasks.get(KeyGroupRangeAssignment.assignKeyToParallelOperator(key.getKey(r.getValue()),
                        MAX_PARALLELISM, subtasks.size())).processElement(r);
            }
        }
    }

    /** Each key's outputs of the undisturbed run are those before the snapshot, then those after the restore. */
    public static void assertJoined(Map<String, List<String>> expected, Map<String, List<String>> before,
            Map<String, List<String>> after) {
        assertEquals(expected.keySet(), before.keySet());
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            List<String> joined = new ArrayList<>(before.getOrDefault(e.getKey(), List.of()));
            joined.addAll(after.getOrDefault(e.getKey(), List.of()));
            assertEquals(e.getValue(), joined, e.getKey());
        }
        assertTrue(after.values().stream().mapToInt(List::size).sum() > 0);
    }

    /** Builds the harness of one subtask of a heap window, restored from a snapshot when given. */
    @FunctionalInterface
    public interface Factory<IN, OUT> {
        KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> create(int parallelism, int subtask,
                OperatorSubtaskState restore, boolean rocksDb) throws Exception;
    }

    /** Counts the entries of a harness's checkpointed open-windows state. */
    @FunctionalInterface
    public interface StateCount<IN, OUT> {
        int count(KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> h) throws Exception;
    }

    /**
     * A heap window under test: its harness, its key, its outputs per key as text (in emission
     * order, with their timestamps) and the entries of its checkpointed state.
     */
    public record Subject<IN, OUT>(Factory<IN, OUT> harness, KeySelector<IN, String> key,
            Function<List<KeyedOneInputStreamOperatorTestHarness<String, IN, OUT>>, Map<String, List<String>>> byKey,
            StateCount<IN, OUT> checkpointed) {}

    public static long openWindows(AbstractStreamOperatorTestHarness<?> h) {
        return ((HeapWindowOperator<?, ?, ?>) h.getOperator()).openWindows();
    }

    /**
     * A snapshot after {@code cut} steps (at least {@code minOpen} windows open) restores to exactly
     * the outputs of an undisturbed run; the fired windows leave the state at the next snapshot.
     */
    public static <IN, OUT> void snapshotMidWindowRestoresExactly(Subject<IN, OUT> s, List<Object> steps, int cut,
            long minOpen, boolean rocksDb) throws Exception {
        var whole = s.harness().create(1, 0, null, rocksDb);
        run(List.of(whole), s.key(), steps);

        var before = s.harness().create(1, 0, null, rocksDb);
        run(List.of(before), s.key(), steps.subList(0, cut));
        long open = openWindows(before);
        assertTrue(open >= minOpen, "open windows at the snapshot: " + open);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        assertEquals(open, s.checkpointed().count(before), "one state entry per open window");
        Map<String, List<String>> firstPart = s.byKey().apply(List.of(before));
        // the same operator goes on: each later snapshot holds exactly the windows open then
        int mid = cut + (steps.size() - cut) / 2;
        run(List.of(before), s.key(), steps.subList(cut, mid));
        before.snapshot(2L, 2L);
        assertEquals(openWindows(before), s.checkpointed().count(before), "open windows at a second snapshot");
        run(List.of(before), s.key(), steps.subList(mid, steps.size()));
        before.snapshot(3L, 3L);
        assertEquals(0, s.checkpointed().count(before), "every window fired: none left in the state");
        before.close();

        var after = s.harness().create(1, 0, snapshot, rocksDb);
        assertEquals(open, openWindows(after));
        run(List.of(after), s.key(), steps.subList(cut, steps.size()));
        assertJoined(s.byKey().apply(List.of(whole)), firstPart, s.byKey().apply(List.of(after)));
        assertEquals(0, openWindows(after));
        after.snapshot(2L, 2L);
        assertEquals(0, s.checkpointed().count(after),
                "fired windows leave the checkpointed state at the next snapshot");
        whole.close();
        after.close();
    }

    /** A snapshot of one subtask after {@code cut} steps restored into two gives the outputs of an undisturbed run. */
    public static <IN, OUT> void rescaleOneToTwoGivesTheSame(Subject<IN, OUT> s, List<Object> steps, int cut, int keys)
            throws Exception {
        var whole = s.harness().create(1, 0, null, false);
        run(List.of(whole), s.key(), steps);

        var before = s.harness().create(1, 0, null, false);
        run(List.of(before), s.key(), steps.subList(0, cut));
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        Map<String, List<String>> firstPart = s.byKey().apply(List.of(before));
        before.close();
        assertEquals(keys, firstPart.size());

        List<KeyedOneInputStreamOperatorTestHarness<String, IN, OUT>> two = new ArrayList<>();
        long restored = 0;
        for (int i = 0; i < 2; i++) {
            var h = s.harness().create(2, i, AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot,
                    MAX_PARALLELISM, 1, 2, i), false);
            assertTrue(openWindows(h) > 0, "subtask " + i + " restored some open windows");
            restored += openWindows(h);
            two.add(h);
        }
        assertTrue(restored >= keys, "restored windows: " + restored);
        run(two, s.key(), steps.subList(cut, steps.size()));
        assertJoined(s.byKey().apply(List.of(whole)), firstPart, s.byKey().apply(two));
        whole.close();
        for (var h : two) {
            h.close();
        }
    }
}
