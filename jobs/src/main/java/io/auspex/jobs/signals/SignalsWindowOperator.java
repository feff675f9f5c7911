package io.auspex.jobs.signals;

import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.ServiceSignals;
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
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The golden-signals window: per service, tumbling event-time windows of {@code sizeMs} whose
 * accumulators live on the heap, so a record touches no Flink state (the window operator it
 * replaces read and rewrote the window's accumulator, with its latency sketches, in RocksDB and
 * registered a timer for every record).
 *
 * <p><b>Same outputs as Flink's {@code WindowOperator}</b> with {@code TumblingEventTimeWindows},
 * the event-time trigger and zero allowed lateness, which this operator replaced (uid
 * {@code signals-window}):
 *
 * <ul>
 *   <li>each record is added to its window's accumulator on its own, in arrival order, with
 *       {@link SignalsAggregate#add} (accumulators are never merged);
 *   <li>a window {@code [start, start + size)} fires when a watermark at or after its last
 *       millisecond arrives, before the watermark is forwarded: {@link SignalsWindowFunction} turns
 *       it into one {@link ServiceSignals} stamped {@code end - 1}, with the service's keyed state
 *       (cumulative series, last gauges, template miner) under the service's key, as the window
 *       function's global state was; windows due at one watermark fire in (end, service) order, so a
 *       service's windows come out in event-time order;
 *   <li>a record whose window's last millisecond is at or behind the current watermark is late: it
 *       goes unchanged to the {@code late} side output (the watermark starts at {@code
 *       Long.MIN_VALUE} after a restore, as Flink's timer service does).
 * </ul>
 *
 * <p><b>Failure on a record.</b> When adding a record throws, the record's window is as it was
 * before the record (a new window is not created): spans and logs are added by accumulator methods
 * that compute everything that can fail before they change anything; a metric point (few per
 * window: one per series per scrape) is added to a copy of the accumulator, which replaces it only
 * when the add succeeded. The exception goes to the caller, the service admission, which makes the
 * record an {@code operator_error} dead letter.
 *
 * <p><b>State.</b> On the heap, per subtask: per service the accumulators of its open windows,
 * and an index of the windows by end time. <b>Cleared</b> when the window fires: nothing of it
 * stays. <b>Bound</b>: a window is open only between its first record and the watermark passing its
 * end, so a service has about {@code (out-of-orderness + size) / size} open windows (1-2 with the
 * job's 5 s bound and 10 s windows; more only while the watermark is held back, e.g. an idle input
 * within its idleness timeout), services are at most the admission's share of
 * {@code auspex.limits.max-services}, and an accumulator is bounded by its caps (operations,
 * series, log lines, templates, exemplars; the latency sketches by their 1 % accuracy). The
 * gauge {@code auspex.signals.openWindows} shows the number per subtask.
 *
 * <p><b>Checkpoints.</b> Flink state is written only when a checkpoint or savepoint is taken:
 * keyed map state {@value #STATE_NAME} (window start -> accumulator, {@link
 * SignalsAccumulatorSerializer}) of each service whose windows changed since the last one (its
 * entry rewritten, or removed when it has no open window left). On restore each subtask reads its
 * own key groups' entries back to the heap, so open windows survive a restart and a rescale.
 */
public final class SignalsWindowOperator extends AbstractStreamOperator<ServiceSignals>
        implements OneInputStreamOperator<Telemetry, ServiceSignals> {
    private static final long serialVersionUID = 1L;

    /** The keyed state the open windows are checkpointed in. */
    public static final String STATE_NAME = "open-windows";

    private final long sizeMs;
    private final SignalsAggregate aggregate;
    private final SignalsWindowFunction windowFunction;
    private final OutputTag<Telemetry> late;

    /** Service -> window start -> accumulator. */
    private transient HashMap<String, TreeMap<Long, SignalsAccumulator>> open;
    /** Window end -> services with that window open. */
    private transient TreeMap<Long, TreeSet<String>> byEnd;
    /** Services whose open windows changed since the last snapshot. */
    private transient HashSet<String> changed;
    private transient long openWindows;
    private transient long watermark;
    private transient MapState<Long, SignalsAccumulator> checkpointed;
    private transient TimestampedCollector<ServiceSignals> collector;

    /**
     * @param sizeMs the window size
     * @param aggregate adds a record to a window's accumulator
     * @param windowFunction turns a fired window into its signals record
     * @param late the side output of late records
     */
    public SignalsWindowOperator(long sizeMs, SignalsAggregate aggregate, SignalsWindowFunction windowFunction,
            OutputTag<Telemetry> late) {
        if (sizeMs <= 0) {
            throw new IllegalArgumentException("window size must be positive: " + sizeMs);
        }
        this.sizeMs = sizeMs;
        this.aggregate = aggregate;
        this.windowFunction = windowFunction;
        this.late = late;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        open = new HashMap<>();
        byEnd = new TreeMap<>();
        changed = new HashSet<>();
        openWindows = 0;
        watermark = Long.MIN_VALUE;
        checkpointed = getPartitionedState(new MapStateDescriptor<>(STATE_NAME, Types.LONG,
                SignalsAccumulatorTypeInfo.INSTANCE));
        if (context.isRestored()) {
            List<Object> services;
            try (Stream<Object> keys = getKeyedStateBackend().getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
                services = keys.toList();
            }
            for (Object key : services) {
                String service = (String) key;
                setCurrentKey(service);
                for (Map.Entry<Long, SignalsAccumulator> e : checkpointed.entries()) {
                    put(service, e.getKey(), e.getValue());
                }
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        MetricGroup signals = getMetricGroup().addGroup("auspex").addGroup("signals");
        signals.gauge("openWindows", () -> openWindows);
    }

    @Override
    public void processElement(StreamRecord<Telemetry> record) throws Exception {
        long ts = record.getTimestamp();
        if (ts == Long.MIN_VALUE) {
            throw new IllegalStateException("record without a timestamp: the signals window needs event time");
        }
        long start = TimeWindow.getWindowStartWithOffset(ts, 0, sizeMs);
        if (start + sizeMs - 1 <= watermark) {
            // a record of its own: the chained map behind the side output replaces its value in place, and
            // with object reuse the input record is shared with the span path chained beside this operator
            output.collect(late, new StreamRecord<>(record.getValue(), ts));
            return;
        }
        String service = (String) getCurrentKey();
        Telemetry t = record.getValue();
        TreeMap<Long, SignalsAccumulator> windows = open.get(service);
        SignalsAccumulator acc = windows == null ? null : windows.get(start);
        if (acc == null) {
            acc = aggregate.add(t, aggregate.createAccumulator());
            put(service, start, acc);
        } else if (t.metric != null) {
            windows.put(start, aggregate.add(t, SignalsAccumulatorSerializer.INSTANCE.copy(acc)));
        } else {
            aggregate.add(t, acc);
        }
        changed.add(service);
    }

    private void put(String service, long start, SignalsAccumulator acc) {
        open.computeIfAbsent(service, s -> new TreeMap<>()).put(start, acc);
        byEnd.computeIfAbsent(start + sizeMs, e -> new TreeSet<>()).add(service);
        openWindows++;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        while (!byEnd.isEmpty() && byEnd.firstKey() - 1 <= watermark) {
            Map.Entry<Long, TreeSet<String>> due = byEnd.pollFirstEntry();
            long end = due.getKey();
            long start = end - sizeMs;
            for (String service : due.getValue()) {
                TreeMap<Long, SignalsAccumulator> windows = open.get(service);
                SignalsAccumulator acc = windows.remove(start);
                if (windows.isEmpty()) {
                    open.remove(service);
                }
                openWindows--;
                changed.add(service);
                setCurrentKey(service);
                collector.setAbsoluteTimestamp(end - 1);
                windowFunction.emit(service, start, end, acc, getKeyedStateStore(), collector);
            }
        }
        super.processWatermark(mark);
    }

    /**
     * Writes the open windows of every service whose windows changed since the last snapshot to
     * {@value #STATE_NAME} (before the keyed state backend takes its snapshot). Copies go to the
     * state, so the heap backend's asynchronous snapshot never sees a later record.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<String> services = new ArrayList<>(changed);
        services.sort(null);
        for (String service : services) {
            setCurrentKey(service);
            checkpointed.clear();
            TreeMap<Long, SignalsAccumulator> windows = open.get(service);
            if (windows != null) {
                for (Map.Entry<Long, SignalsAccumulator> e : windows.entrySet()) {
                    checkpointed.put(e.getKey(), SignalsAccumulatorSerializer.INSTANCE.copy(e.getValue()));
                }
            }
        }
        changed.clear();
    }

    /** Open windows on this subtask (all services). */
    long openWindows() {
        return openWindows;
    }
}
