package io.auspex.jobs.decode;

import io.auspex.jobs.window.CachedLongState;
import io.auspex.schemas.DeadLetter;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The door of every per-service state: keyed by service, it admits at most
 * {@code auspex.limits.max-services} live services into the job and is the containment boundary
 * of the signals path.
 *
 * <p><b>Admission.</b> Each subtask owns a range of key groups and admits at most its share of the
 * limit, {@code floor(max * end / maxParallelism) - floor(max * start / maxParallelism)} for its
 * key groups {@code [start, end)}: the shares add up to exactly the limit, so the job never holds
 * more live services than that, whatever the parallelism, and no subtask has to ask another.
 * Services hash unevenly onto subtasks, so a subtask may refuse new services a little before the
 * job as a whole reaches the limit. A record of a service that is not admitted while its subtask
 * is full is a dead letter {@code service_limit} (counted as {@code auspex.deadLetters.service_limit})
 * and leaves no state anywhere. Gauges {@code auspex.limits.liveServices} and
 * {@code auspex.limits.serviceCapacity} show each subtask's admitted services and share.
 *
 * <p><b>State.</b> Per admitted service, the newest event time seen (keyed value state
 * {@code last-seen}, updated at most once a minute of event time) and one event-time timer. A
 * service with no record for {@code retireAfterMs} of event time is retired when its timer fires
 * (its state cleared, its slot free again), as the anomaly stage retires its baselines; the number
 * of admitted services is not stored but counted from the keyed state when the operator opens, so
 * it is right after any restore or rescale. The keyed state is the truth; a heap copy per admitted
 * service (at most the subtask's share) mirrors every write to it, so an admitted service's record
 * reads no state (it is filled from the state at a service's first record after a restore, and
 * emptied as services retire).
 *
 * <p><b>Containment.</b> The signals window (and the span path to the service graph) are chained
 * behind this operator, so handing a record on runs them in this call: when that throws (a user
 * function failing on the record), the record becomes a dead letter
 * {@code operator_error} naming {@code downstream} and the exception ({@link Containment}), and the
 * job goes on. The signals window leaves the record's window as it was before the failed update
 * ({@code SignalsWindowOperator}), on any state backend.
 */
public final class ServiceAdmission extends AbstractStreamOperator<Telemetry>
        implements OneInputStreamOperator<Telemetry, Telemetry>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    /** Refused records and records an operator threw on. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("admission-dead-letters") {};
    public static final String REASON = "service_limit";
    static final String LAST_SEEN = "last-seen";

    private final int maxServices;
    private final long retireAfterMs;
    private final boolean contain;
    private final String downstream;
    private final DeadLetters deadLetters = new DeadLetters();

    /** Keyed {@code last-seen} of each admitted service, read through a heap copy. */
    private transient CachedLongState lastSeen;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient long live;
    private transient long share;
    private transient long seenGranularityMs;
    private transient Counter refused;
    private transient Counter operatorErrors;

    /**
     * @param maxServices live services the whole job admits
     * @param retireAfterMs event time without a record after which a service is retired
     * @param contain divert records the downstream operators throw on to the dead letters
     * @param downstream the operators chained behind this one, for dead-letter details
     */
    public ServiceAdmission(int maxServices, long retireAfterMs, boolean contain, String downstream) {
        if (maxServices < 1 || retireAfterMs <= 0) {
            throw new IllegalArgumentException("max services and retire-after must be positive");
        }
        this.maxServices = maxServices;
        this.retireAfterMs = retireAfterMs;
        this.contain = contain;
        this.downstream = downstream;
    }

    /** The share of {@code maxServices} of the subtask owning {@code range} of {@code maxParallelism} key groups. */
    static long share(int maxServices, KeyGroupRange range, int maxParallelism) {
        long start = range.getStartKeyGroup();
        long end = range.getEndKeyGroup() + 1L;
        return Math.floorDiv(maxServices * end, maxParallelism) - Math.floorDiv(maxServices * start, maxParallelism);
    }

    @Override
    public void open() throws Exception {
        super.open();
        lastSeen = new CachedLongState(getPartitionedState(new ValueStateDescriptor<>(LAST_SEEN, Types.LONG)));
        timers = getInternalTimerService("service-retire", VoidNamespaceSerializer.INSTANCE, this);
        var task = getRuntimeContext().getTaskInfo();
        KeyGroupRange range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
        share = share(maxServices, range, task.getMaxNumberOfParallelSubtasks());
        seenGranularityMs = Math.max(1, Math.min(60_000L, retireAfterMs / 10));
        try (Stream<Object> keys = getKeyedStateBackend().getKeys(LAST_SEEN, VoidNamespace.INSTANCE)) {
            live = keys.count();
        }
        MetricGroup auspex = getMetricGroup().addGroup("auspex");
        MetricGroup dead = auspex.addGroup("deadLetters");
        refused = dead.counter(REASON);
        operatorErrors = dead.counter(Containment.REASON);
        MetricGroup limits = auspex.addGroup("limits");
        limits.gauge("liveServices", () -> live);
        limits.gauge("serviceCapacity", () -> share);
    }

    /** Services this subtask has admitted and not retired. */
    long liveServices() {
        return live;
    }

    @Override
    public void processElement(StreamRecord<Telemetry> record) throws Exception {
        Telemetry t = record.getValue();
        long ts = t.eventTimeMs();
        String service = (String) getCurrentKey();
        Long seen = lastSeen.get(service);
        if (seen == null) {
            if (live >= share) {
                refused.inc();
                output.collect(DEAD_LETTERS, new StreamRecord<>(deadLetters.of(t, REASON, "this subtask holds "
                        + live + " live services, its share of auspex.limits.max-services " + maxServices
                        + "; a service is retired after auspex.anomaly.retire-after without records"),
                        record.getTimestamp()));
                return;
            }
            live++;
            lastSeen.put(service, ts);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, ts + retireAfterMs);
        } else if (ts >= seen + seenGranularityMs) {
            lastSeen.put(service, ts);
        }
        if (!contain) {
            output.collect(record);
            return;
        }
        try {
            output.collect(record);
        } catch (RuntimeException | StackOverflowError e) {
            if (!Containment.containable(e)) {
                throw e;
            }
            operatorErrors.inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(deadLetters.of(t, Containment.REASON,
                    Containment.describe(downstream, e)), record.getTimestamp()));
        }
    }

    /** Retires the service when it had no record for {@code retireAfterMs}; else waits for the rest. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        Long seen = lastSeen.get(timer.getKey());
        if (seen == null) {
            return;
        }
        long due = seen + retireAfterMs;
        if (due <= timer.getTimestamp()) {
            lastSeen.clear(timer.getKey());
            live--;
        } else {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, due);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // event time only
    }
}
