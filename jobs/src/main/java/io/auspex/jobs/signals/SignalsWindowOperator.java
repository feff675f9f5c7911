package io.auspex.jobs.signals;

import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.window.CachedLongState;
import io.auspex.jobs.window.HeapWindowOperator;
import io.auspex.schemas.ServiceSignals;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The golden-signals window: per service, tumbling event-time windows of {@code sizeMs} whose
 * accumulators live on the heap, so a record touches no Flink state (the window operator it
 * replaces read and rewrote the window's accumulator, with its latency sketches, in RocksDB and
 * registered a timer for every record). The windowing is {@link HeapWindowOperator}'s, shared with the
 * service graph's edge stats window; this class adds records, fires windows and sends late records.
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
 *
 * <p><b>Retirement.</b> The service's keyed state of the window function (cumulative series, last
 * gauges, template miner) is cleared when the service has fired no window for {@code retireAfterMs}
 * of event time ({@code auspex.anomaly.retire-after}, as the service admission and the anomaly
 * evidence retire it): keyed state {@value #LAST_WINDOW} (the end of the service's newest fired
 * window, written at most once per {@code min(60 s, retireAfterMs / 10)} of event time) and one
 * event-time timer per service, which clears the state when it is due and otherwise moves to the
 * new due time. The processing-time TTL of those states ({@link SignalsWindowFunction#STATE_TTL})
 * stays as a second bound. The number of retired services is the counter {@code
 * auspex.signals.retiredServices}.
 */
public final class SignalsWindowOperator extends HeapWindowOperator<Telemetry, SignalsAccumulator, ServiceSignals>
        implements Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    /** Keyed state: the end of the service's newest fired window (for its retirement). */
    public static final String LAST_WINDOW = "last-window-end";

    private final SignalsAggregate aggregate;
    private final SignalsWindowFunction windowFunction;
    private final OutputTag<Telemetry> late;
    private final long retireAfterMs;
    private transient Counter unlistedOperationSpans;
    private transient Counter retiredServices;
    /** Keyed {@link #LAST_WINDOW}, read through a heap copy. */
    private transient CachedLongState lastWindow;
    private transient long granularityMs;
    private transient InternalTimerService<VoidNamespace> timers;

    /**
     * As below, retiring a service's state after {@code auspex.anomaly.retire-after}'s default.
     */
    public SignalsWindowOperator(long sizeMs, SignalsAggregate aggregate, SignalsWindowFunction windowFunction,
            OutputTag<Telemetry> late) {
        this(sizeMs, aggregate, windowFunction, late, AuspexOptions.RETIRE_AFTER.defaultValue().toMillis());
    }

    /**
     * @param sizeMs the window size
     * @param aggregate adds a record to a window's accumulator
     * @param windowFunction turns a fired window into its signals record
     * @param late the side output of late records
     * @param retireAfterMs event time without a fired window after which a service's state is cleared
     */
    public SignalsWindowOperator(long sizeMs, SignalsAggregate aggregate, SignalsWindowFunction windowFunction,
            OutputTag<Telemetry> late, long retireAfterMs) {
        super(sizeMs, SignalsAccumulatorTypeInfo.INSTANCE, "signals");
        if (retireAfterMs <= 0) {
            throw new IllegalArgumentException("retire-after must be positive: " + retireAfterMs);
        }
        this.aggregate = aggregate;
        this.windowFunction = windowFunction;
        this.late = late;
        this.retireAfterMs = retireAfterMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        unlistedOperationSpans = metrics.counter("unlistedOperationSpans");
        retiredServices = metrics.counter("retiredServices");
        lastWindow = new CachedLongState(getPartitionedState(new ValueStateDescriptor<>(LAST_WINDOW, Types.LONG)));
        granularityMs = Math.max(1, Math.min(60_000L, retireAfterMs / 10));
        timers = getInternalTimerService("signals-retire", VoidNamespaceSerializer.INSTANCE, this);
    }

    /** Services this subtask's window function state was cleared for (the metric's count). */
    long retiredServices() {
        return retiredServices.getCount();
    }

    /** Spans of fired windows left out of their window's operations (the metric's count). */
    long unlistedOperationSpans() {
        return unlistedOperationSpans.getCount();
    }

    @Override
    protected SignalsAccumulator add(Telemetry t, SignalsAccumulator acc) {
        if (acc == null) {
            return aggregate.add(t, aggregate.createAccumulator());
        }
        if (t.metric != null) {
            return aggregate.add(t, SignalsAccumulatorSerializer.INSTANCE.copy(acc));
        }
        return aggregate.add(t, acc);
    }

    @Override
    protected void late(StreamRecord<Telemetry> record) {
        // a record of its own: the chained map behind the side output replaces its value in place, and
        // with object reuse the input record is shared with the span path chained beside this operator
        output.collect(late, new StreamRecord<>(record.getValue(), record.getTimestamp()));
    }

    @Override
    protected void fire(String service, long start, long end, SignalsAccumulator acc,
            TimestampedCollector<ServiceSignals> out) throws Exception {
        if (acc.unlistedOperationSpans > 0) {
            unlistedOperationSpans.inc(acc.unlistedOperationSpans);
        }
        windowFunction.emit(service, start, end, acc, getKeyedStateStore(), out);
        Long last = lastWindow.get(service);
        if (last == null) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, end + retireAfterMs);
        }
        if (last == null || end >= last + granularityMs) {
            lastWindow.put(service, end);
        }
    }

    /** Clears the service's state when it fired no window for {@code retireAfterMs}; else waits for the rest. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String service = timer.getKey();
        Long last = lastWindow.get(service);
        if (last == null) {
            return;
        }
        long due = last + retireAfterMs;
        if (due <= timer.getTimestamp()) {
            windowFunction.retire(getKeyedStateStore());
            lastWindow.clear(service);
            retiredServices.inc();
        } else {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, due);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // event time only
    }
}
