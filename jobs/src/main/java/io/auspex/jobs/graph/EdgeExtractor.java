package io.auspex.jobs.graph;

import io.auspex.jobs.signals.SignalsAccumulator;
import io.auspex.schemas.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by trace id: joins each span with its parent span and emits a {@link ServiceCall} when
 * the two belong to different services (caller = parent's service, callee = child's service).
 * Children that arrive before their parent wait in state.
 *
 * <p>Each call also carries the caller's wait beyond the callee's own span (the parent CLIENT
 * span's duration minus the callee's SERVER span): network and queueing in front of the callee,
 * which the callee's own latency never shows.
 *
 * <p>State: span id -> service and duration of every span of the trace, child span id -> waiting child, and
 * the newest event time seen. <b>Cleared</b> by an event-time timer once the watermark passes the
 * trace's newest span plus the trace TTL; children still waiting then are dropped (their parent
 * never arrived).
 */
public final class EdgeExtractor extends KeyedProcessFunction<String, Span, ServiceCall> {
    private static final long serialVersionUID = 1L;

    private final long ttlMs;
    private transient MapState<String, String> serviceBySpan;
    private transient MapState<String, WaitingChild> waiting;
    private transient ValueState<Long> newest;

    /** A span whose parent has not arrived yet. */
    public static class WaitingChild {
        public String parentSpanId;
        public String service;
        public boolean error;
        public long durationUs;
        public long timeMs;

        public WaitingChild() {}
    }

    public EdgeExtractor(long ttlMs) {
        this.ttlMs = ttlMs;
    }

    @Override
    public void open(OpenContext ctx) {
        serviceBySpan = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("service-by-span", Types.STRING, Types.STRING));
        waiting = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("waiting-children", Types.STRING, Types.POJO(WaitingChild.class)));
        newest = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-span-ms", Types.LONG));
    }

    @Override
    public void processElement(Span s, Context ctx, Collector<ServiceCall> out) throws Exception {
        String service = s.getServiceName();
        serviceBySpan.put(s.getSpanId(), service + SEP + s.getDurationUs());
        boolean error = SignalsAccumulator.isError(s);
        String parent = s.getParentSpanId();
        if (parent != null) {
            String parentEntry = serviceBySpan.get(parent);
            if (parentEntry != null) {
                emit(serviceOf(parentEntry), service, error, s.getDurationUs(), s.getStartTimeMs(),
                        gap(durationOf(parentEntry), s.getDurationUs()), out);
            } else {
                WaitingChild w = new WaitingChild();
                w.parentSpanId = parent;
                w.service = service;
                w.error = error;
                w.durationUs = s.getDurationUs();
                w.timeMs = s.getStartTimeMs();
                waiting.put(s.getSpanId(), w);
            }
        }
        if (!waiting.isEmpty()) {
            List<String> done = new ArrayList<>();
            for (Map.Entry<String, WaitingChild> e : waiting.entries()) {
                if (e.getValue().parentSpanId.equals(s.getSpanId())) {
                    WaitingChild w = e.getValue();
                    emit(service, w.service, w.error, w.durationUs, w.timeMs, gap(s.getDurationUs(), w.durationUs),
                            out);
                    done.add(e.getKey());
                }
            }
            for (String k : done) {
                waiting.remove(k);
            }
        }
        Long seen = newest.value();
        long t = Math.max(seen == null ? Long.MIN_VALUE : seen, s.getStartTimeMs());
        newest.update(t);
        // one timer per second of event time at most: coalesces the timers of a trace's spans
        ctx.timerService().registerEventTimeTimer((t + ttlMs) / 1000 * 1000 + 999);
    }

    private static void emit(String caller, String callee, boolean error, long durationUs, long timeMs, long gapUs,
            Collector<ServiceCall> out) {
        if (!caller.equals(callee)) {
            out.collect(new ServiceCall(caller, callee, error, durationUs, timeMs, gapUs));
        }
    }

    /**
     * The state's value of a span: its service and its duration (µs) after {@link #SEP}; states
     * written before the duration was kept hold the service alone.
     */
    static final char SEP = '\u0001';

    static String serviceOf(String entry) {
        int i = entry.indexOf(SEP);
        return i < 0 ? entry : entry.substring(0, i);
    }

    static long durationOf(String entry) {
        int i = entry.indexOf(SEP);
        return i < 0 ? -1 : Long.parseLong(entry.substring(i + 1));
    }

    /** The parent's duration beyond the child's, or -1 when the parent's is unknown. */
    static long gap(long parentUs, long childUs) {
        return parentUs < 0 ? -1 : Math.max(0, parentUs - childUs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServiceCall> out) throws Exception {
        Long seen = newest.value();
        if (seen == null || seen + ttlMs <= timestamp) {
            serviceBySpan.clear();
            waiting.clear();
            newest.clear();
        }
    }
}
