package io.auspex.jobs.graph;

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
 * SERVER/CONSUMER spans with a parent (a possible child); INTERNAL and root spans do not reach
 * it ({@link GraphInputs} leaves them out of the shuffle, as {@link GraphEvent}s carry only what
 * the pairing reads). A parent and a child of another kind (a SERVER span whose parent is another
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
 *
 * <p>Its input also holds the ERROR log lines that carry a trace and span id ({@link GraphInputs}): with {@code callErrorLogWindowMs} above 0, a line that
 * follows a call its span made says the call failed when the spans did not ({@link
 * CallErrorLogs}, union operator state {@value #CALL_LOGS_STATE_NAME}, restored by key group as
 * the buffer is); the failure is emitted as a {@link ServiceCall#failureOnly} record stamped with
 * the call's end (or just past the watermark already forwarded, when that is later).
 */
public final class EdgeExtractor extends AbstractStreamOperator<ServiceCall>
        implements OneInputStreamOperator<GraphEvent, ServiceCall> {
    private static final long serialVersionUID = 3L;

    /** The operator-state name of the buffer. */
    static final String STATE_NAME = "graph-pending-spans";
    /** The operator-state name of the calls and error lines of {@link CallErrorLogs}. */
    static final String CALL_LOGS_STATE_NAME = "graph-call-error-logs";

    private final long ttlMs;
    private final int maxSpans;
    private final long callErrorLogWindowMs;

    private transient LinkedHashMap<Key, Entry> pending;
    private transient long spans;
    private transient ListState<PendingSpan> checkpointed;
    private transient StreamRecord<ServiceCall> reuse;
    private transient Counter unpaired;
    private transient Counter evicted;
    private transient CallErrorLogs callLogs;
    private transient ListState<CallErrorLogs.Entry> callLogsState;
    private transient long watermark;

    /** (trace id, span id of the parent span). */
    record Key(String traceId, String spanId) {}

    /** A buffered parent span, or the children waiting for their parent. */
    static final class Entry {
        final long timeMs;
        /** The parent span's service, null while only children wait. */
        String service;
        /** The parent span's own parent (the caller's span that made the call), its end, how it named its peer. */
        String callerSpanId;
        long endMs;
        String[] peers;
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

    record Child(String service, String spanId, boolean error, long durationUs, long timeMs) {}

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
        /** A parent's own parent span id, its end and its peer names (null, 0, null in checkpoints before 0.2). */
        public String callerSpanId;
        public long endMs;
        public String[] peers;
        /** A child's own span id (null in checkpoints before 0.2). */
        public String spanId;

        public PendingSpan() {}
    }

    /** Pairs spans only: error log lines are not attributed to calls. */
    public EdgeExtractor(long ttlMs, int maxSpans) {
        this(ttlMs, maxSpans, 0);
    }

    /**
     * @param callErrorLogWindowMs how long after a call ended an ERROR line of its span says it
     *     failed ({@code auspex.graph.call-error-log-window}); 0: never
     */
    public EdgeExtractor(long ttlMs, int maxSpans, long callErrorLogWindowMs) {
        if (maxSpans < 1) {
            throw new IllegalArgumentException("maxSpans must be at least 1: " + maxSpans);
        }
        if (callErrorLogWindowMs < 0) {
            throw new IllegalArgumentException("callErrorLogWindowMs must be >= 0: " + callErrorLogWindowMs);
        }
        this.ttlMs = ttlMs;
        this.maxSpans = maxSpans;
        this.callErrorLogWindowMs = callErrorLogWindowMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pending = new LinkedHashMap<>();
        spans = 0;
        watermark = Long.MIN_VALUE;
        callLogs = new CallErrorLogs(callErrorLogWindowMs, ttlMs, maxSpans);
        checkpointed = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(STATE_NAME, Types.POJO(PendingSpan.class)));
        callLogsState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(CALL_LOGS_STATE_NAME, Types.POJO(CallErrorLogs.Entry.class)));
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
            List<CallErrorLogs.Entry> logs = new ArrayList<>();
            for (CallErrorLogs.Entry e : callLogsState.get()) {
                if (mine.contains(KeyGroupRangeAssignment.assignToKeyGroup(e.traceId, keyGroups))) {
                    logs.add(e);
                }
            }
            callLogs.restore(logs);
            restored.sort(Comparator.comparingLong(p -> p.timeMs));
            for (PendingSpan p : restored) {
                Key k = new Key(p.traceId, p.parentSpanId);
                Entry e = pending.computeIfAbsent(k, x -> new Entry(p.timeMs));
                if (p.parent) {
                    e.service = p.service;
                    e.durationUs = p.durationUs;
                    e.producer = p.producer;
                    e.paired = p.paired;
                    e.callerSpanId = p.callerSpanId;
                    e.endMs = p.endMs;
                    e.peers = p.peers;
                } else {
                    if (e.children == null) {
                        e.children = new ArrayList<>(1);
                    }
                    e.children.add(new Child(p.service, p.spanId, p.error, p.durationUs, p.timeMs));
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
        graph.gauge("errorLogsAttributed", () -> callLogs.attributed);
        graph.gauge("errorLogsNotAttributed", () -> callLogs.notAttributed);
        graph.gauge("evictedCallLogEntries", () -> callLogs.evicted);
    }

    /** No keyed state is read or written here: the key need not be set in the state backend per record. */
    @Override
    public boolean hasKeyContext1() {
        return false;
    }

    @Override
    public void processElement(StreamRecord<GraphEvent> record) throws Exception {
        GraphEvent e = record.getValue();
        switch (e.kind) {
            case CLIENT, PRODUCER -> processParent(record, e, e.kind == GraphEvent.Kind.PRODUCER);
            case SERVER -> processChild(record, e);
            case LINE -> {
                if (callErrorLogWindowMs > 0) {
                    callLogs.line(e.traceId, e.spanId, e.service, e.timeMs, e.text, this::emitFailure);
                }
            }
        }
    }

    /** A CLIENT or PRODUCER span: pairs with the children waiting for it, or waits for them. */
    private void processParent(StreamRecord<GraphEvent> record, GraphEvent s, boolean producer) {
        Key k = new Key(s.traceId, s.spanId);
        Entry e = pending.get(k);
        String service = s.service;
        long durationUs = s.durationUs;
        if (e != null && e.children != null) {
            for (Child c : e.children) {
                emit(record, service, c.service, c.error, c.durationUs, c.timeMs, gap(durationUs, c.durationUs));
                if (!producer) {
                    indexCall(s.traceId, s.parentSpanId, service, c.service, c.spanId, s.endMs(), c.error, s.peers);
                }
            }
            pending.remove(k);
            spans -= e.size();
            if (producer) {
                Entry p = parentEntry(s.timeMs, service, durationUs, true);
                p.paired = true;
                put(k, p);
            }
        } else if (e != null) {
            // the same parent span again (a duplicate): keep the newest
            e.service = service;
            e.durationUs = durationUs;
            e.producer = producer;
            e.callerSpanId = s.parentSpanId;
            e.endMs = s.endMs();
            e.peers = s.peers;
        } else {
            Entry p = parentEntry(s.timeMs, service, durationUs, producer);
            if (!producer && callErrorLogWindowMs > 0) {
                p.callerSpanId = s.parentSpanId;
                p.endMs = s.endMs();
                p.peers = s.peers;
            }
            put(k, p);
        }
    }

    /** A SERVER or CONSUMER span with a parent: pairs with its waiting parent, or waits for it. */
    private void processChild(StreamRecord<GraphEvent> record, GraphEvent s) {
        Key k = new Key(s.traceId, s.parentSpanId);
        Entry e = pending.get(k);
        String service = s.service;
        boolean error = s.error;
        long durationUs = s.durationUs;
        if (e != null && e.service != null) {
            emit(record, e.service, service, error, durationUs, s.timeMs, gap(e.durationUs, durationUs));
            if (!e.producer) {
                indexCall(s.traceId, e.callerSpanId, e.service, service, s.spanId, e.endMs, error, e.peers);
            }
            if (e.producer) {
                e.paired = true;
            } else {
                pending.remove(k);
                spans -= e.size();
            }
        } else {
            Child c = new Child(service, s.spanId, error, durationUs, s.timeMs);
            if (e == null) {
                e = new Entry(s.timeMs);
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

    /** Remembers a call (of a CLIENT span) for the caller's error lines, when they are attributed. */
    private void indexCall(String traceId, String callerSpanId, String caller, String callee, String calleeSpanId,
            long endMs, boolean error, String[] peers) {
        if (callErrorLogWindowMs > 0 && !caller.equals(callee)) {
            callLogs.call(traceId, callerSpanId, caller, callee, calleeSpanId, endMs, error, peers);
        }
    }

    /**
     * A failure attributed from the caller's line: stamped with the call's end (so it usually lands
     * in the window that counted the call), or just past the watermark already forwarded when that
     * is later, so its window is still open.
     */
    private void emitFailure(CallErrorLogs.Call c) {
        long ts = Math.max(c.endMs, watermark == Long.MIN_VALUE ? c.endMs : watermark + 1);
        reuse.replace(ServiceCall.failure(c.caller, c.callee, c.endMs), ts);
        output.collect(reuse);
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

    private void emit(StreamRecord<GraphEvent> in, String caller, String callee, boolean error, long durationUs, long timeMs,
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
        if (callErrorLogWindowMs > 0) {
            // lines the watermark has passed are decided before it goes on, so their failures are in time
            callLogs.advance(wm, this::emitFailure);
        }
        watermark = Math.max(watermark, wm);
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
                p.callerSpanId = e.callerSpanId;
                p.endMs = e.endMs;
                p.peers = e.peers;
                out.add(p);
            }
            if (e.children != null) {
                for (Child c : e.children) {
                    PendingSpan p = pendingSpan(k, false, c.service, c.error, c.durationUs, c.timeMs);
                    p.spanId = c.spanId;
                    out.add(p);
                }
            }
        }
        checkpointed.update(out);
        callLogsState.update(callLogs.snapshot());
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

    /** The error-line attribution of this subtask. */
    CallErrorLogs callLogs() {
        return callLogs;
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
