package io.auspex.infra.bench;

import io.auspex.jobs.decode.Telemetry;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The floor of the comparison: the least a DataStream job does for per-service window counts.
 * The pipeline's spans source (decoding OTLP in the source, same watermarks), the span's service,
 * duration and status as a {@link SpanRow}, keyBy(service), a 10 s event-time tumbling window
 * counting spans, served spans and errors (an incremental aggregate: one accumulator per key and
 * window in the state backend), a discarding sink.
 */
public final class BareWindowJob {
    static final Duration WINDOW = Duration.ofSeconds(10);

    private BareWindowJob() {}

    public static void define(StreamExecutionEnvironment env, Source<Telemetry, ?, ?> spans,
            WatermarkStrategy<Telemetry> wm) {
        env.fromSource(spans, wm, "spans-source").uid("source-spans")
                .flatMap(new SpanRow.FromTelemetry()).uid("span-rows").name("spans to rows")
                .keyBy(new SpanRow.ByService())
                .window(TumblingEventTimeWindows.of(WINDOW))
                .aggregate(new CountAggregate(), new CountWindow()).uid("span-counts").name("10 s span counts")
                .map(new BenchCounters.OfSpanCounts()).uid("count-rows").name("count rows")
                .sinkTo(new DiscardingSink<>()).uid("sink-discard").name("discarding sink");
    }

    /** One window's counts of one service. A Flink POJO. */
    public static class SpanCount {
        public String service;
        public long windowEndMs;
        public long spans;
        public long requests;
        public long errors;

        public SpanCount() {}
    }

    /** Counts spans, served spans and errors: {@code [spans, requests, errors]}. */
    static final class CountAggregate implements AggregateFunction<SpanRow, long[], long[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public long[] createAccumulator() {
            return new long[3];
        }

        @Override
        public long[] add(SpanRow r, long[] acc) {
            acc[0]++;
            if (r.served) {
                acc[1]++;
            }
            if (r.failed) {
                acc[2]++;
            }
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            return new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
        }
    }

    /** Names the counts with their service and window. */
    static final class CountWindow extends ProcessWindowFunction<long[], SpanCount, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String service, Context ctx, Iterable<long[]> counts, Collector<SpanCount> out) {
            long[] c = counts.iterator().next();
            SpanCount s = new SpanCount();
            s.service = service;
            s.windowEndMs = ctx.window().getEnd();
            s.spans = c[0];
            s.requests = c[1];
            s.errors = c[2];
            out.collect(s);
        }
    }
}
