package io.auspex.jobs.decode;

import io.auspex.schemas.LogRecord;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Keeps what the service graph reads of the telemetry stream: the spans, and the ERROR (and FATAL)
 * log lines written in a span (a trace id and a span id, not all zeros), whose failed calls it
 * attributes (io.auspex.jobs.graph.CallErrorLogs). Everything else stays out of its shuffle.
 */
public final class GraphInputs implements FilterFunction<Telemetry> {
    private static final long serialVersionUID = 1L;
    private final boolean errorLines;

    /** @param errorLines keep the error lines too (the attribution is on) */
    public GraphInputs(boolean errorLines) {
        this.errorLines = errorLines;
    }

    @Override
    public boolean filter(Telemetry t) {
        return t.span != null || errorLines && t.log != null && errorLineInSpan(t.log);
    }

    /** An ERROR or FATAL line with a trace id and a span id. */
    public static boolean errorLineInSpan(LogRecord l) {
        return l.getSeverityNumber() >= 17 && valid(l.getTraceId()) && valid(l.getSpanId());
    }

    private static boolean valid(String id) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) != '0') {
                return true;
            }
        }
        return false;
    }

    /** The key of the service graph's shuffle: the trace id of the span or the line. */
    public static String traceId(Telemetry t) {
        return t.span != null ? t.span.getTraceId() : t.log.getTraceId();
    }
}
