package io.auspex.jobs.decode;

import io.auspex.schemas.Span;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Keeps the spans of the telemetry stream (input of the service graph). */
public final class SpanOnly implements FlatMapFunction<Telemetry, Span> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Telemetry t, Collector<Span> out) {
        if (t.span != null) {
            out.collect(t.span);
        }
    }
}
