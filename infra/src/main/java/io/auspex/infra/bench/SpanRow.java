package io.auspex.infra.bench;

import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.signals.SignalsAccumulator;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.util.Collector;

/**
 * The columns of a span the SQL query and the bare DataStream job aggregate: what a user would
 * project from the decoded span before the shuffle. A Flink POJO.
 */
public class SpanRow {
    /** {@code service.name}. */
    public String service;
    /** Span duration in milliseconds. */
    public double latencyMs;
    /** A SERVER or CONSUMER span: a request the service served (the pipeline's traffic). */
    public boolean served;
    /** A served span with status ERROR or HTTP status >= 500 (the pipeline's error spans). */
    public boolean failed;

    public SpanRow() {}

    static SpanRow of(Span s) {
        SpanRow r = new SpanRow();
        r.service = s.getServiceName();
        r.latencyMs = s.getDurationUs() / 1000.0;
        r.served = s.getKind() == SpanKind.SERVER || s.getKind() == SpanKind.CONSUMER;
        r.failed = r.served && SignalsAccumulator.isError(s);
        return r;
    }

    /** Decoded telemetry to rows: spans only (dead letters and other signals are dropped). */
    static final class FromTelemetry implements FlatMapFunction<Telemetry, SpanRow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Telemetry t, Collector<SpanRow> out) {
            if (t.span != null) {
                out.collect(of(t.span));
            }
        }
    }

    /** The key of the per-service windows. */
    static final class ByService implements KeySelector<SpanRow, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(SpanRow r) {
            return r.service;
        }
    }
}
