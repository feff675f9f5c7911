package io.auspex.jobs.graph;

import io.auspex.jobs.signals.SignalsAccumulator;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * After {@code keyBy(traceId)}: pairs each callee's SERVER (or CONSUMER) span with its parent, the
 * caller's CLIENT (or PRODUCER) span, and emits a {@link ServiceCall} when the two belong to
 * different services (caller = the parent's service, callee = the child's), as the OpenTelemetry
 * Collector's servicegraph connector pairs them. Each call carries the callee span's error,
 * duration and start time and the caller's wait beyond the callee's own span (the CLIENT span's
 * duration minus the SERVER span's): network and queueing in front of the callee. A call is
 * emitted with the timestamp of the span that completed the pair.
 *
 * <p>Only spans that can cross services are kept: CLIENT/PRODUCER spans (a possible parent) and
 * SERVER/CONSUMER spans with a parent (a possible child); INTERNAL and root spans pass through
 * without a trace. A parent and a child of another kind (a SERVER span whose parent is another
 * service's SERVER span, with no CLIENT span between) make no call.
 *
 * <p>State: an in-memory buffer per subtask (no keyed state, no timers, no RocksDB access per
 * span), keyed by (trace id, span id of the parent): a CLIENT/PRODUCER span waiting for its child,
 * or the SERVER/CONSUMER children waiting for their parent. A CLIENT span leaves the buffer when it
 * pairs (one callee span per client span); a PRODUCER span stays until it expires (a message can
 * have several consumers). <b>Cleared</b>: an entry expires once the watermark passes its first
 * span's start time plus the trace TTL (entries expire in arrival order, so an entry that arrived
 * out of order can stay a little longer); a span that never paired is counted then
 * ({@code auspex.graph.unpairedSpans}: client calls to uninstrumented callees, children whose
 * parent was lost). At most {@code maxSpans} spans are buffered per subtask: beyond it the oldest
 * entries are evicted and counted ({@code auspex.graph.evictedSpans}), so a flood of trace ids
 * costs pairs, not memory. The buffer is written to union operator state at each checkpoint and
 * on restore every subtask keeps the entries of the traces in its own key groups, so a pair
 * waiting across a restart or a rescale still completes.
 */
public final class EdgeExtractor extends AbstractStreamOperator<ServiceCall>
        implements OneInputStreamOperator<Span, ServiceCall> {
    private static final long serialVersionUID = 2L;

    /** The operator-state name of the buffer. */
    static final String STATE_NAME = "graph-pending-spans";

    private final long ttlMs;
    private final int maxSpans;

    private transient LinkedHashMap<Key, Entry> pending;
    private transient long spans;
    private transient ListState<PendingSpan> checkpointed;
    private transient StreamRecord<ServiceCall> reuse;
    private transient Counter unpaired;
    private transient Counter evicted;

    /** (trace id, span id of the parent span). */
    record Key(String traceId, String spanId) {}

    /** A buffered parent span, or the children waiting for their parent. */
    static final class Entry {
        final long timeMs;
        /** The parent span's service, null while only children wait. */
        String service;
        long durationUs;
        boolean producer;
        boolean paired;
        List<Child> children;

        Entry(long timeMs) {
            this.timeMs = timeMs;
        }

        int size() {
            return (service == null ? 0 : 1) + (children == null ? 0 : children.size());
        }
    }

    record Child(String service, boolean error, long durationUs, long timeMs) {}

    /** One buffered span as the checkpoint keeps it. */
    public static class PendingSpan {
        public String traceId;
        /** The parent's span id: the span's own id for a parent, its parent's for a child. */
        public String parentSpanId;
        /** True for a CLIENT/PRODUCER span waiting for its child, false for a waiting child. */
        public boolean parent;
        public String service;
        public boolean error;
        public long durationUs;
        public long timeMs;
        public boolean producer;
        public boolean paired;

        public PendingSpan() {}
    }

    public EdgeExtractor(long ttlMs, int maxSpans) {
        if (maxSpans < 1) {
            throw new IllegalArgumentException("maxSpans must be at least 1: " + maxSpans);
        }
        this.ttlMs = ttlMs;
        this.maxSpans = maxSpans;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pending = new LinkedHashMap<>();
        spans = 0;
        checkpointed = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(STATE_NAME, Types.POJO(PendingSpan.class)));
        if (context.isRestored()) {
            var task = getRuntimeContext().getTaskInfo();
            int keyGroups = task.getMaxNumberOfParallelSubtasks();
            KeyGroupRange mine = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(keyGroups,
                    task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
            List<PendingSpan> restored = new ArrayList<>();
            for (PendingSpan p : checkpointed.get()) {
                if (mine.contains(KeyGroupRangeAssignment.assignToKeyGroup(p.traceId, keyGroups))) {
                    restored.add(p);
                }
            }
            restored.sort(Comparator.comparingLong(p -> p.timeMs));
            for (PendingSpan p : restored) {
                Key k = new Key(p.traceId, p.parentSpanId);
                Entry e = pending.computeIfAbsent(k, x -> new Entry(p.timeMs));
                if (p.parent) {
                    e.service = p.service;
                    e.durationUs = p.durationUs;
                    e.producer = p.producer;
                    e.paired = p.paired;
                } else {
                    if (e.children == null) {
                        e.children = new ArrayList<>(1);
                    }
                    e.children.add(new Child(p.service, p.error, p.durationUs, p.timeMs));
                }
                spans++;
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        reuse = new StreamRecord<>(null);
        MetricGroup graph = getMetricGroup().addGroup("auspex").addGroup("graph");
        unpaired = graph.counter("unpairedSpans");
        evicted = graph.counter("evictedSpans");
        graph.gauge("pendingSpans", () -> spans);
    }

    /** No keyed state is read or written here: the key need not be set in the state backend per record. */
    @Override
    public boolean hasKeyContext1() {
        return false;
    }

    @Override
    public void processElement(StreamRecord<Span> record) throws Exception {
        Span s = record.getValue();
        SpanKind kind = s.getKind();
        if (kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER) {
            Key k = new Key(s.getTraceId(), s.getSpanId());
            Entry e = pending.get(k);
            String service = s.getServiceName();
            long durationUs = s.getDurationUs();
            boolean producer = kind == SpanKind.PRODUCER;
            if (e != null && e.children != null) {
                for (Child c : e.children) {
                    emit(record, service, c.service, c.error, c.durationUs, c.timeMs, gap(durationUs, c.durationUs));
                }
                pending.remove(k);
                spans -= e.size();
                if (producer) {
                    Entry p = parentEntry(s.getStartTimeMs(), service, durationUs, true);
                    p.paired = true;
                    put(k, p);
                }
            } else if (e != null) {
                // the same parent span again (a duplicate): keep the newest
                e.service = service;
                e.durationUs = durationUs;
                e.producer = producer;
            } else {
                put(k, parentEntry(s.getStartTimeMs(), service, durationUs, producer));
            }
        } else if ((kind == SpanKind.SERVER || kind == SpanKind.CONSUMER) && s.getParentSpanId() != null) {
            Key k = new Key(s.getTraceId(), s.getParentSpanId());
            Entry e = pending.get(k);
            String service = s.getServiceName();
            boolean error = SignalsAccumulator.isError(s);
            long durationUs = s.getDurationUs();
            if (e != null && e.service != null) {
                emit(record, e.service, service, error, durationUs, s.getStartTimeMs(), gap(e.durationUs, durationUs));
                if (e.producer) {
                    e.paired = true;
                } else {
                    pending.remove(k);
                    spans -= e.size();
                }
            } else {
                Child c = new Child(service, error, durationUs, s.getStartTimeMs());
                if (e == null) {
                    e = new Entry(s.getStartTimeMs());
                    e.children = new ArrayList<>(1);
                    e.children.add(c);
                    put(k, e);
                } else {
                    e.children.add(c);
                    spans++;
                    evictOverflow();
                }
            }
        }
    }

    private static Entry parentEntry(long timeMs, String service, long durationUs, boolean producer) {
        Entry e = new Entry(timeMs);
        e.service = service;
        e.durationUs = durationUs;
        e.producer = producer;
        return e;
    }

    /** Adds a new entry of one span, evicting the oldest entries beyond the bound. */
    private void put(Key k, Entry e) {
        pending.put(k, e);
        spans++;
        evictOverflow();
    }

    private void evictOverflow() {
        Iterator<Entry> it = pending.values().iterator();
        while (spans > maxSpans && it.hasNext()) {
            Entry oldest = it.next();
            it.remove();
            int n = oldest.size();
            spans -= n;
            evicted.inc(n);
        }
    }

    private void emit(StreamRecord<Span> in, String caller, String callee, boolean error, long durationUs, long timeMs,
            long gapUs) {
        if (!caller.equals(callee)) {
            ServiceCall call = new ServiceCall(caller, callee, error, durationUs, timeMs, gapUs);
            if (in.hasTimestamp()) {
                reuse.replace(call, in.getTimestamp());
            } else {
                reuse.replace(call);
                reuse.eraseTimestamp();
            }
            output.collect(reuse);
        }
    }

    /** The parent's duration beyond the child's. */
    static long gap(long parentUs, long childUs) {
        return parentUs < 0 ? -1 : Math.max(0, parentUs - childUs);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long wm = mark.getTimestamp();
        Iterator<Entry> it = pending.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.timeMs + ttlMs > wm) {
                break;
            }
            it.remove();
            int n = e.size();
            spans -= n;
            unpaired.inc(e.paired ? n - 1 : n);
        }
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<PendingSpan> out = new ArrayList<>((int) spans);
        for (Map.Entry<Key, Entry> me : pending.entrySet()) {
            Key k = me.getKey();
            Entry e = me.getValue();
            if (e.service != null) {
                PendingSpan p = pendingSpan(k, true, e.service, false, e.durationUs, e.timeMs);
                p.producer = e.producer;
                p.paired = e.paired;
                out.add(p);
            }
            if (e.children != null) {
                for (Child c : e.children) {
                    out.add(pendingSpan(k, false, c.service, c.error, c.durationUs, c.timeMs));
                }
            }
        }
        checkpointed.update(out);
    }

    private static PendingSpan pendingSpan(Key k, boolean parent, String service, boolean error, long durationUs,
            long timeMs) {
        PendingSpan p = new PendingSpan();
        p.traceId = k.traceId();
        p.parentSpanId = k.spanId();
        p.parent = parent;
        p.service = service;
        p.error = error;
        p.durationUs = durationUs;
        p.timeMs = timeMs;
        return p;
    }

    /** Spans buffered on this subtask (parents and waiting children). */
    long pendingSpans() {
        return spans;
    }

    /** Spans that expired without a partner on this subtask. */
    long unpairedSpans() {
        return unpaired.getCount();
    }

    /** Spans dropped at the bound on this subtask. */
    long evictedSpans() {
        return evicted.getCount();
    }
}
