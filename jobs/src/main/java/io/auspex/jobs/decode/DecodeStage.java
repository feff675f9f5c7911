package io.auspex.jobs.decode;

import io.auspex.jobs.PipelineIo;
import io.auspex.schemas.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Stage 1: the three input sources (decoding happens in them, so per-partition watermarks see
 * only valid event times) and the split of dead letters from usable records.
 */
public final class DecodeStage {
    private DecodeStage() {}

    /** Usable telemetry of the three inputs, and what could not be used. */
    public record Outputs(DataStream<Telemetry> valid, DataStream<DeadLetter> deadLetters) {}

    public static Outputs wire(StreamExecutionEnvironment env, PipelineIo io, WatermarkStrategy<Telemetry> wm) {
        DataStream<Telemetry> spans = env.fromSource(io.spans(), wm, "spans-source").uid("source-spans");
        DataStream<Telemetry> metrics = env.fromSource(io.metrics(), wm, "metrics-source").uid("source-metrics");
        DataStream<Telemetry> logs = env.fromSource(io.logs(), wm, "logs-source").uid("source-logs");
        SingleOutputStreamOperator<Telemetry> valid = spans.union(metrics, logs)
                .process(new DeadLetterSplitter()).uid("dead-letter-split").name("dead-letter split");
        return new Outputs(valid, valid.getSideOutput(DeadLetterSplitter.DEAD_LETTERS));
    }
}
