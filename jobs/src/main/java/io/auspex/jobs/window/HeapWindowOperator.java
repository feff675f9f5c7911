package io.auspex.jobs.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Tumbling event-time windows per key (a string) whose accumulators live on the heap, so a record
 * touches no Flink state and registers no timer (Flink's {@code WindowOperator} reads and rewrites
 * the window's accumulator in the state backend, RocksDB in production, and registers a timer for
 * every record). Used by the golden-signals window and the service graph's edge stats window.
 *
 * <p><b>Same outputs as Flink's {@code WindowOperator}</b> with {@code TumblingEventTimeWindows},
 * the event-time trigger and zero allowed lateness:
 *
 * <ul>
 *   <li>each record is added to its window's accumulator on its own, in arrival order, by {@link
 *       #add} (accumulators are never merged);
 *   <li>a window {@code [start, start + size)} fires when a watermark at or after its last
 *       millisecond arrives, before the watermark is forwarded: {@link #fire} runs under the
 *       window's key, its outputs stamped {@code end - 1}; windows due at one watermark fire in
 *       (end, key) order, so a key's windows come out in event-time order;
 *   <li>a record whose window's last millisecond is at or behind the current watermark is late and
 *       goes to {@link #late} (the watermark starts at {@code Long.MIN_VALUE} after a restore, as
 *       Flink's timer service does).
 * </ul>
 *
 * <p><b>Failure on a record.</b> When {@link #add} throws, nothing of this operator changed: a
 * subclass whose add can fail halfway adds to a copy (or checks first) and returns the accumulator
 * to keep.
 *
 * <p><b>State.</b> On the heap, per subtask: per key the accumulators of its open windows, and an
 * index of the windows by end time. <b>Cleared</b> when the window fires. <b>Bound</b>: a window is
 * open only between its first record and the watermark passing its end, so a key has about {@code
 * (out-of-orderness + size) / size} open windows (more only while the watermark is held back). The
 * gauge {@code auspex.<group>.openWindows} shows the number per subtask.
 *
 * <p><b>Checkpoints.</b> Flink state is written only when a checkpoint or savepoint is taken: keyed
 * map state {@value #STATE_NAME} (window start -> accumulator) of each key whose windows changed
 * since the last one (its entry rewritten, or removed when it has no open window left). On restore
 * each subtask reads its own key groups' entries back to the heap, so open windows survive a restart
 * and a rescale.
 *
 * @param <IN> the records
 * @param <ACC> a window's accumulator
 * @param <OUT> what a fired window writes
 */
public abstract class HeapWindowOperator<IN, ACC, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT> {
    private static final long serialVersionUID = 1L;

    /** The keyed state the open windows are checkpointed in. */
    public static final String STATE_NAME = "open-windows";

    private final long sizeMs;
    private final TypeInformation<ACC> accumulatorType;
    private final String metricGroup;

    /** Key -> window start -> accumulator. */
    private transient HashMap<String, TreeMap<Long, ACC>> open;
    /** Window end -> keys with that window open. */
    private transient TreeMap<Long, TreeSet<String>> byEnd;
    /** Keys whose open windows changed since the last snapshot. */
    private transient HashSet<String> changed;
    /** Key -> window starts {@value #STATE_NAME} holds for it (as the last snapshot wrote them, or restored). */
    private transient HashMap<String, long[]> written;
    /** Whether snapshots write copies: on the heap backend, whose asynchronous snapshot reads the objects later. */
    private transient boolean copyOnSnapshot;
    private transient long openWindows;
    private transient long watermark;
    private transient TypeSerializer<ACC> serializer;
    private transient MapState<Long, ACC> checkpointed;
    private transient TimestampedCollector<OUT> collector;
    /** The operator's metric group ({@code auspex.<metricGroup>}), set in {@link #open()}. */
    protected transient MetricGroup metrics;

    /**
     * @param sizeMs the window size
     * @param accumulatorType the accumulators' type (their serializer writes the checkpointed state and copies)
     * @param metricGroup the group under {@code auspex} of the {@code openWindows} gauge
     */
    protected HeapWindowOperator(long sizeMs, TypeInformation<ACC> accumulatorType, String metricGroup) {
        if (sizeMs <= 0) {
            throw new IllegalArgumentException("window size must be positive: " + sizeMs);
        }
        this.sizeMs = sizeMs;
        this.accumulatorType = accumulatorType;
        this.metricGroup = metricGroup;
    }

    /**
     * Adds a record to its window's accumulator.
     *
     * @param acc the window's accumulator, null when the record is the window's first
     * @return the accumulator to keep; when this throws, the window stays as it was (or is not opened)
     */
    protected abstract ACC add(IN value, ACC acc) throws Exception;

    /** A record whose window the watermark has passed. */
    protected abstract void late(StreamRecord<IN> record) throws Exception;

    /**
     * Writes a fired window (under its key: the keyed state store is the key's), to {@code out},
     * whose timestamp is {@code end - 1}. The accumulator is no longer referenced by this operator.
     */
    protected abstract void fire(String key, long start, long end, ACC acc, TimestampedCollector<OUT> out)
            throws Exception;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        open = new HashMap<>();
        byEnd = new TreeMap<>();
        changed = new HashSet<>();
        written = new HashMap<>();
        copyOnSnapshot = getKeyedStateBackend() instanceof HeapKeyedStateBackend;
        openWindows = 0;
        watermark = Long.MIN_VALUE;
        serializer = accumulatorType.createSerializer(getExecutionConfig().getSerializerConfig());
        checkpointed = getPartitionedState(new MapStateDescriptor<>(STATE_NAME, Types.LONG, accumulatorType));
        if (context.isRestored()) {
            List<Object> keys;
            try (Stream<Object> s = getKeyedStateBackend().getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
                keys = s.toList();
            }
            for (Object k : keys) {
                String key = (String) k;
                setCurrentKey(key);
                List<Long> starts = new ArrayList<>();
                for (Map.Entry<Long, ACC> e : checkpointed.entries()) {
                    put(key, e.getKey(), e.getValue());
                    starts.add(e.getKey());
                }
                written.put(key, starts.stream().mapToLong(Long::longValue).toArray());
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        metrics = getMetricGroup().addGroup("auspex").addGroup(metricGroup);
        metrics.gauge("openWindows", () -> openWindows);
    }

    @Override
    public void processElement(StreamRecord<IN> record) throws Exception {
        long ts = record.getTimestamp();
        if (ts == Long.MIN_VALUE) {
            throw new IllegalStateException("record without a timestamp: the " + metricGroup
                    + " window needs event time");
        }
        long start = TimeWindow.getWindowStartWithOffset(ts, 0, sizeMs);
        if (start + sizeMs - 1 <= watermark) {
            late(record);
            return;
        }
        String key = (String) getCurrentKey();
        TreeMap<Long, ACC> windows = open.get(key);
        ACC acc = windows == null ? null : windows.get(start);
        ACC added = add(record.getValue(), acc);
        if (acc == null) {
            put(key, start, added);
        } else if (added != acc) {
            windows.put(start, added);
        }
        changed.add(key);
    }

    private void put(String key, long start, ACC acc) {
        open.computeIfAbsent(key, s -> new TreeMap<>()).put(start, acc);
        byEnd.computeIfAbsent(start + sizeMs, e -> new TreeSet<>()).add(key);
        openWindows++;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        while (!byEnd.isEmpty() && byEnd.firstKey() - 1 <= watermark) {
            Map.Entry<Long, TreeSet<String>> due = byEnd.pollFirstEntry();
            long end = due.getKey();
            long start = end - sizeMs;
            for (String key : due.getValue()) {
                TreeMap<Long, ACC> windows = open.get(key);
                ACC acc = windows.remove(start);
                if (windows.isEmpty()) {
                    open.remove(key);
                }
                openWindows--;
                changed.add(key);
                setCurrentKey(key);
                collector.setAbsoluteTimestamp(end - 1);
                fire(key, start, end, acc, collector);
            }
        }
        super.processWatermark(mark);
    }

    /**
     * Writes the open windows of every key whose windows changed since the last snapshot to
     * {@value #STATE_NAME} (before the keyed state backend takes its snapshot), and removes the windows
     * written before that have fired since. On the heap backend copies go to the state, so its
     * asynchronous snapshot never sees a later record (RocksDB serializes on the put).
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<String> keys = new ArrayList<>(changed);
        keys.sort(null);
        for (String key : keys) {
            setCurrentKey(key);
            TreeMap<Long, ACC> windows = open.get(key);
            // drop the windows written before that are no longer open, one by one: a MapState clear()
            // would open a RocksDB iterator per key
            long[] before = written.remove(key);
            if (before != null) {
                for (long start : before) {
                    if (windows == null || !windows.containsKey(start)) {
                        checkpointed.remove(start);
                    }
                }
            }
            if (windows != null) {
                long[] now = new long[windows.size()];
                int i = 0;
                for (Map.Entry<Long, ACC> e : windows.entrySet()) {
                    checkpointed.put(e.getKey(), copyOnSnapshot ? serializer.copy(e.getValue()) : e.getValue());
                    now[i++] = e.getKey();
                }
                written.put(key, now);
            }
        }
        changed.clear();
    }

    /** Open windows on this subtask (all keys). */
    public long openWindows() {
        return openWindows;
    }
}
