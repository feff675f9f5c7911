package io.auspex.jobs.decode;

import io.auspex.jobs.PipelineIo;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.schemas.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Stage 1: the three input sources (decoding happens in them, so per-partition watermarks see
 * only valid event times), the split of dead letters from usable records, and the service
 * admission ({@link ServiceAdmission}: at most {@code auspex.limits.max-services} live services,
 * and the containment boundary of the signals window chained behind it).
 */
public final class DecodeStage {
    private DecodeStage() {}

    /**
     * Usable telemetry of admitted services (also keyed by service, partitioned as the admission
     * left it, for the signals window to chain onto), and what could not be used.
     */
    public record Outputs(DataStream<Telemetry> valid, KeyedStream<Telemetry, String> byService,
            DataStream<DeadLetter> deadLetters) {}

    /** The name of the operators chained behind the admission, for the detail of an {@code operator_error}. */
    public static final String DOWNSTREAM = "golden signals window / spans to the service graph";

    public static Outputs wire(StreamExecutionEnvironment env, PipelineIo io, WatermarkStrategy<Telemetry> wm,
            PipelineConfig cfg) {
        boolean contain = cfg.get(AuspexOptions.CONTAIN_OPERATOR_ERRORS);
        // the split is chained to each source: after a union it could not be (an operator with
        // three inputs chains to none of them), and every record crossed one more serialized hop
        SingleOutputStreamOperator<Telemetry> spans = split(
                env.fromSource(io.spans(), wm, "spans-source").uid("source-spans"), "spans", contain);
        SingleOutputStreamOperator<Telemetry> metrics = split(
                env.fromSource(io.metrics(), wm, "metrics-source").uid("source-metrics"), "metrics", contain);
        SingleOutputStreamOperator<Telemetry> logs = split(
                env.fromSource(io.logs(), wm, "logs-source").uid("source-logs"), "logs", contain);
        DataStream<Telemetry> split = spans.union(metrics, logs);
        SingleOutputStreamOperator<Telemetry> admitted = split.keyBy(new ServiceSelector(), Types.STRING)
                .transform("service admission", TypeInformation.of(Telemetry.class),
                        new ServiceAdmission(cfg.get(AuspexOptions.MAX_SERVICES),
                                cfg.get(AuspexOptions.RETIRE_AFTER).toMillis(), contain, DOWNSTREAM))
                .uid("service-admission");
        KeyedStream<Telemetry, String> byService = DataStreamUtils.reinterpretAsKeyedStream(admitted,
                new ServiceSelector(), Types.STRING);
        DataStream<DeadLetter> dead = spans.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .union(metrics.getSideOutput(DeadLetterSplitter.DEAD_LETTERS),
                        logs.getSideOutput(DeadLetterSplitter.DEAD_LETTERS),
                        admitted.getSideOutput(ServiceAdmission.DEAD_LETTERS));
        return new Outputs(admitted, byService, dead);
    }

    /** The dead-letter split of one input, chained to its source (stateless; uid {@code dead-letter-split-<input>}). */
    private static SingleOutputStreamOperator<Telemetry> split(DataStream<Telemetry> source, String input,
            boolean contain) {
        return source.process(new DeadLetterSplitter(contain)).uid("dead-letter-split-" + input)
                .name("dead-letter split (" + input + ")");
    }

    /** Keys telemetry by service name (the same key as the signals window). */
    public static final class ServiceSelector implements KeySelector<Telemetry, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Telemetry t) {
            return t.service();
        }
    }
}
