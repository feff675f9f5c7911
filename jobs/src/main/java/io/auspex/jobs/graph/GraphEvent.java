package io.auspex.jobs.graph;

import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.io.SerializerTypeInfo;
import io.auspex.jobs.signals.SignalsAccumulator;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What the service graph reads of one span or one error line, and nothing else: the record of the
 * graph's {@code keyBy(traceId)} shuffle ({@link GraphEventSerializer}). Built by {@link
 * GraphInputs} from the spans that can cross services (CLIENT and PRODUCER spans, SERVER and
 * CONSUMER spans with a parent) and, with the callers' error lines on, from ERROR lines written in
 * a span. It replaced the whole {@link Telemetry} record on that shuffle (its Avro span with every
 * kept attribute, or the whole log record; docs/benchmarks.md, optimisation step 5). Never kept in
 * state.
 */
@TypeInfo(GraphEvent.Factory.class)
public final class GraphEvent {
    /** Which side of a call a span is, or an error line. */
    public enum Kind {
        /** A CLIENT span: a call's caller side. */
        CLIENT,
        /** A PRODUCER span: a message's sender side (several consumers may pair with it). */
        PRODUCER,
        /** A SERVER or CONSUMER span with a parent: a call's callee side. */
        SERVER,
        /** An ERROR (or FATAL) log line with a trace id and a span id. */
        LINE
    }

    final Kind kind;
    final String traceId;
    /** The span's id; of a line, the span it was written in. */
    final String spanId;
    /** The span's parent (null for a line). */
    final String parentSpanId;
    final String service;
    /** The span's start, or the line's time (epoch ms). */
    final long timeMs;
    final long durationUs;
    /** The span failed ({@link SignalsAccumulator#isError}). */
    final boolean error;
    /** How a CLIENT span named its peer ({@link CallErrorLogs#PEER_ATTRIBUTES}), with the error lines on; else null. */
    final String[] peers;
    /** A line's text as the attribution reads it (body, exception type and message); null for spans. */
    final String text;

    GraphEvent(Kind kind, String traceId, String spanId, String parentSpanId, String service, long timeMs,
            long durationUs, boolean error, String[] peers, String text) {
        this.kind = kind;
        this.traceId = traceId;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.service = service;
        this.timeMs = timeMs;
        this.durationUs = durationUs;
        this.error = error;
        this.peers = peers;
        this.text = text;
    }

    /**
     * The graph's view of a telemetry record, or null when the graph has no use for it (metrics,
     * INTERNAL and root spans, lines that are not errors in a span, and lines at all with {@code
     * errorLines} off).
     */
    public static GraphEvent from(Telemetry t, boolean errorLines) {
        if (t.span != null) {
            return span(t.span, errorLines);
        }
        if (errorLines && t.log != null && GraphInputs.errorLineInSpan(t.log)) {
            LogRecord l = t.log;
            return new GraphEvent(Kind.LINE, l.getTraceId(), l.getSpanId(), null, l.getServiceName(), l.getTimeMs(),
                    0, false, null, text(l));
        }
        return null;
    }

    private static GraphEvent span(Span s, boolean errorLines) {
        SpanKind k = s.getKind();
        Kind kind;
        if (k == SpanKind.CLIENT) {
            kind = Kind.CLIENT;
        } else if (k == SpanKind.PRODUCER) {
            kind = Kind.PRODUCER;
        } else if ((k == SpanKind.SERVER || k == SpanKind.CONSUMER) && s.getParentSpanId() != null) {
            kind = Kind.SERVER;
        } else {
            return null;
        }
        return new GraphEvent(kind, s.getTraceId(), s.getSpanId(), s.getParentSpanId(), s.getServiceName(),
                s.getStartTimeMs(), s.getDurationUs(), SignalsAccumulator.isError(s),
                errorLines && kind == Kind.CLIENT ? peers(s.getAttributes()) : null, null);
    }

    /** How a CLIENT span named its peer; null when it did not. */
    static String[] peers(Map<String, String> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return null;
        }
        List<String> out = null;
        for (String a : CallErrorLogs.PEER_ATTRIBUTES) {
            String v = attributes.get(a);
            if (v != null) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                CallErrorLogs.peerNames(a, v, out);
            }
        }
        return out == null || out.isEmpty() ? null : out.toArray(new String[0]);
    }

    /** A line's text as the attribution reads it: its body and its exception's type and message. */
    static String text(LogRecord l) {
        String body = l.getBody() == null ? "" : l.getBody();
        Map<String, String> attrs = l.getAttributes();
        if (attrs == null || attrs.isEmpty()) {
            return body;
        }
        String type = attrs.get("exception.type");
        String message = attrs.get("exception.message");
        return type == null && message == null ? body
                : body + "\n" + (type == null ? "" : type) + "\n" + (message == null ? "" : message);
    }

    /** The key of the graph's shuffle. */
    public String traceId() {
        return traceId;
    }

    /** The span's end (start plus duration, a negative duration as 0). */
    long endMs() {
        return timeMs + Math.max(0, durationUs) / 1000;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphEvent e && kind == e.kind && timeMs == e.timeMs && durationUs == e.durationUs
                && error == e.error && Objects.equals(traceId, e.traceId) && Objects.equals(spanId, e.spanId)
                && Objects.equals(parentSpanId, e.parentSpanId) && Objects.equals(service, e.service)
                && Arrays.equals(peers, e.peers) && Objects.equals(text, e.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, traceId, spanId, parentSpanId, service, timeMs, durationUs, error, text)
                * 31 + Arrays.hashCode(peers);
    }

    @Override
    public String toString() {
        return kind + "{trace=" + traceId + ", span=" + spanId + ", parent=" + parentSpanId + ", service=" + service
                + ", time=" + timeMs + ", durationUs=" + durationUs + ", error=" + error
                + (peers == null ? "" : ", peers=" + Arrays.toString(peers)) + (text == null ? "" : ", text=" + text)
                + "}";
    }

    /** Picked up through {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<GraphEvent> {
        @Override
        public TypeInformation<GraphEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new SerializerTypeInfo<>(GraphEvent.class, GraphEventSerializer::new);
        }
    }
}
