package io.auspex.infra.bench;

import io.auspex.jobs.decode.Telemetry;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The Flink SQL a user would write instead of the pipeline for per-service golden signals: a
 * 10 s TUMBLE window per service over the spans with count, served requests, errors and a p99
 * from a DDSketch UDAF ({@link DDSketchP99}), mini-batch on and the TWO_PHASE (local-global)
 * aggregation. Flink SQL cannot parse OTLP protobuf, so the spans are decoded by the pipeline's
 * own source (the same OTLP decoder and watermarks) in a DataStream, projected to
 * {@link SpanRow}s and turned into a table with {@code fromDataStream}, the source's watermarks
 * kept ({@code SOURCE_WATERMARK()}). The result rows end in a discarding sink.
 */
public final class SqlWindowJob {
    static final int COLUMN_SPANS = 3;
    static final int COLUMN_REQUESTS = 4;
    /** The query; its columns 3 and 4 are read by {@link BenchCounters.OfSqlRows}. */
    public static final String QUERY = String.join("\n",
            "SELECT service, window_start, window_end,",
            "  COUNT(*) AS spans,",
            "  COUNT(*) FILTER (WHERE served) AS requests,",
            "  COUNT(*) FILTER (WHERE failed) AS errors,",
            "  DDSKETCH_P99(latencyMs) FILTER (WHERE served) AS p99_ms",
            "FROM TABLE(TUMBLE(TABLE spans, DESCRIPTOR(rowtime), INTERVAL '10' SECOND))",
            "GROUP BY service, window_start, window_end");

    /** Mini-batch and two-phase aggregation, as a tuned Flink SQL job sets them. */
    static final String[][] TABLE_OPTIONS = {
        {"table.exec.mini-batch.enabled", "true"},
        {"table.exec.mini-batch.allow-latency", "1 s"},
        {"table.exec.mini-batch.size", "5000"},
        {"table.optimizer.agg-phase-strategy", "TWO_PHASE"},
    };

    private SqlWindowJob() {}

    /** Wires the query on {@code env}; returns the table environment (for {@code explain}). */
    public static StreamTableEnvironment define(StreamExecutionEnvironment env, Source<Telemetry, ?, ?> spans,
            WatermarkStrategy<Telemetry> wm) {
        DataStream<SpanRow> rows = env.fromSource(spans, wm, "spans-source").uid("source-spans")
                .flatMap(new SpanRow.FromTelemetry()).uid("span-rows").name("spans to rows");
        StreamTableEnvironment tables = StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
        for (String[] o : TABLE_OPTIONS) {
            tables.getConfig().set(o[0], o[1]);
        }
        tables.createTemporarySystemFunction("DDSKETCH_P99", DDSketchP99.class);
        Table spanTable = tables.fromDataStream(rows, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                .watermark("rowtime", "SOURCE_WATERMARK()")
                .build());
        tables.createTemporaryView("spans", spanTable);
        Table result = tables.sqlQuery(QUERY);
        tables.toDataStream(result)
                .map(new BenchCounters.OfSqlRows()).uid("count-rows").name("count rows")
                .sinkTo(new DiscardingSink<>()).uid("sink-discard").name("discarding sink");
        return tables;
    }
}
