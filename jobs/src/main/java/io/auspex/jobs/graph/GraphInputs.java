package io.auspex.jobs.graph;

import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.LogRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps what the service graph reads of the telemetry stream, as {@link GraphEvent}s: the spans
 * that can cross services, and the ERROR (and FATAL) log lines written in a span (a trace id and
 * a span id, not all zeros), whose failed calls it attributes ({@link CallErrorLogs}). Everything
 * else stays out of its shuffle. Stateless.
 */
public final class GraphInputs implements FlatMapFunction<Telemetry, GraphEvent> {
    private static final long serialVersionUID = 2L;
    private final boolean errorLines;

    /** @param errorLines keep the error lines too (the attribution is on) */
    public GraphInputs(boolean errorLines) {
        this.errorLines = errorLines;
    }

    @Override
    public void flatMap(Telemetry t, Collector<GraphEvent> out) {
        GraphEvent e = GraphEvent.from(t, errorLines);
        if (e != null) {
            out.collect(e);
        }
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
}
