package io.auspex.jobs;

import io.auspex.jobs.anomaly.AnomalyAlertFunction;
import io.auspex.jobs.anomaly.EvidenceFunction;
import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.anomaly.WindowScorer;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.decode.DeadLetterSplitter;
import io.auspex.jobs.decode.EventTime;
import io.auspex.jobs.decode.LateToDeadLetter;
import io.auspex.jobs.decode.SpanOnly;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.graph.EdgeExtractor;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.jobs.graph.EdgeWindowAggregate;
import io.auspex.jobs.graph.ServiceCall;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.io.KafkaStartupCheck;
import io.auspex.jobs.rca.RcaInput;
import io.auspex.jobs.rca.RootCauseEnricher;
import io.auspex.jobs.signals.MetricSignals;
import io.auspex.jobs.signals.ServiceKey;
import io.auspex.jobs.signals.SignalsAggregate;
import io.auspex.jobs.signals.SignalsWindowFunction;
import io.auspex.jobs.slo.SloSet;
import io.auspex.jobs.slo.SloStage;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import io.auspex.schemas.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The Auspex pipeline: Kafka telemetry in, golden signals, SLO burn-rate alerts, anomaly
 * evidence, service graph, root-cause hints, and enriched alerts out. This class only wires;
 * each stage is a named operator class with a constant uid.
 */
public final class PipelineJob {
    public static final OutputTag<Telemetry> LATE = new OutputTag<>("late-telemetry") {};

    private PipelineJob() {}

    /** Builds the whole job graph on {@code env}. */
    public static void define(StreamExecutionEnvironment env, PipelineConfig cfg, SloSet slos, WindowScorer model) {
        env.setMaxParallelism(cfg.get(AuspexOptions.MAX_PARALLELISM));
        WatermarkStrategy<Telemetry> wm = EventTime.strategy(cfg.get(AuspexOptions.OUT_OF_ORDERNESS),
                cfg.get(AuspexOptions.IDLENESS));
        Duration window = cfg.get(AuspexOptions.WINDOW);

        // 1. decode (in the sources: per-partition watermarks see only valid event times)
        DataStream<Telemetry> spans = env.fromSource(KafkaIo.source(cfg, TelemetryDecoder.Kind.SPAN), wm,
                "spans-source").uid("source-spans");
        DataStream<Telemetry> metrics = env.fromSource(KafkaIo.source(cfg, TelemetryDecoder.Kind.METRIC), wm,
                "metrics-source").uid("source-metrics");
        DataStream<Telemetry> logs = env.fromSource(KafkaIo.source(cfg, TelemetryDecoder.Kind.LOG), wm,
                "logs-source").uid("source-logs");
        SingleOutputStreamOperator<Telemetry> valid = spans.union(metrics, logs)
                .process(new DeadLetterSplitter()).uid("dead-letter-split").name("dead-letter split");

        // 2-4. per-service event-time windows joining spans, logs and gauges into golden signals
        long[] thresholds = slos.latencyThresholdsMs().stream().mapToLong(Long::longValue).toArray();
        MetricSignals metricSignals = new MetricSignals(Set.copyOf(cfg.get(AuspexOptions.SATURATION_METRICS)),
                Set.copyOf(cfg.get(AuspexOptions.LATENCY_HISTOGRAMS)),
                cfg.get(AuspexOptions.GAUGE_STALENESS).toMillis());
        SingleOutputStreamOperator<ServiceSignals> signals = valid
                .keyBy(new ServiceKey())
                .window(TumblingEventTimeWindows.of(window))
                .sideOutputLateData(LATE)
                .aggregate(new SignalsAggregate(thresholds, metricSignals), new SignalsWindowFunction(thresholds,
                        metricSignals))
                .uid("signals-window").name("golden signals window");

        DataStream<DeadLetter> dead = valid.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .union(signals.getSideOutput(LATE).map(new LateToDeadLetter()).uid("late-to-dead-letter")
                        .name("late records"));
        dead.sinkTo(KafkaIo.sink(cfg, cfg.get(AuspexOptions.DLQ_TOPIC), DeadLetter.class,
                DeadLetter::getSourceTopic)).uid("sink-dlq").name("dead-letter sink");
        signals.sinkTo(KafkaIo.sink(cfg, cfg.get(AuspexOptions.SIGNALS_TOPIC), ServiceSignals.class,
                ServiceSignals::getServiceName)).uid("sink-signals").name("signals sink");

        // 5. SLO burn rates
        Duration reload = cfg.get(AuspexOptions.SLO_RELOAD);
        Path sloFile = Path.of(cfg.get(AuspexOptions.SLO_FILE));
        SloStage.Outputs slo = reload.isZero()
                // no reload: the file's text once, a bounded stream, so bounded jobs still finish
                ? SloStage.wire(signals, slos, env.fromData(readSloFile(sloFile)).uid("slo-file-once")
                        .name("SLO file (once)").setParallelism(1))
                : SloStage.apply(signals, slos, sloFile, reload);
        slo.statuses().sinkTo(KafkaIo.sink(cfg, cfg.get(AuspexOptions.SLO_STATUS_TOPIC), SloStatus.class,
                SloStatus::getSlo)).uid("sink-slo-status").name("slo status sink");

        // 6. anomaly evidence per service and window, and the anomaly alert rule
        double signalThreshold = cfg.get(AuspexOptions.EVIDENCE_THRESHOLD);
        SingleOutputStreamOperator<ServiceEvidence> evidence = signals
                .keyBy(ServiceSignals::getServiceName)
                .process(new EvidenceFunction(signalThreshold, cfg.get(AuspexOptions.DETECTOR_THRESHOLD),
                        cfg.get(AuspexOptions.RETIRE_AFTER).toMillis(), model))
                .uid("anomaly-evidence").name("anomaly evidence");
        DataStream<Alert> alerts = slo.alerts();
        int anomalyWindows = cfg.get(AuspexOptions.ANOMALY_ALERT_WINDOWS);
        if (anomalyWindows > 0) {
            alerts = alerts.union(evidence.keyBy(e -> e.service)
                    .process(new AnomalyAlertFunction(anomalyWindows))
                    .uid("anomaly-alerts").name("anomaly alerts"));
        }

        // 7. service graph from spans
        DataStream<Span> spanStream = valid.flatMap(new SpanOnly()).uid("spans-only").name("spans");
        DataStream<EdgeStats> edges = spanStream
                .keyBy(Span::getTraceId)
                .process(new EdgeExtractor(cfg.get(AuspexOptions.TRACE_TTL).toMillis()))
                .uid("graph-edges").name("caller-callee edges")
                .keyBy(ServiceCall::edge)
                .window(TumblingEventTimeWindows.of(window))
                .aggregate(new EdgeWindowAggregate(), new EdgeWindowAggregate.StampWindow())
                .uid("graph-edge-window").name("edge stats window");

        // 8-9. root-cause hints on every firing alert, then the exactly-once alert sink
        DataStream<RcaInput> rcaIn = evidence.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-evidence")
                .union(edges.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-edges"),
                        alerts.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-alerts"));
        rcaIn.keyBy(RcaInput::key)
                .process(new RootCauseEnricher(cfg.get(AuspexOptions.RCA_LOOKBACK).toMillis(),
                        cfg.get(AuspexOptions.EDGE_TTL).toMillis(), signalThreshold))
                .uid("rca-enricher").name("root-cause enricher")
                .sinkTo(KafkaIo.exactlyOnceSink(cfg, cfg.get(AuspexOptions.ALERTS_TOPIC), Alert.class,
                        Alert::getFingerprint))
                .uid("sink-alerts").name("alerts sink (exactly-once)");
    }

    private static String readSloFile(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read SLO file " + file, e);
        }
    }

    /**
     * Flink settings the pipeline relies on: RocksDB with incremental checkpoints, exactly-once
     * checkpointing, and no Kryo fallback.
     */
    public static Configuration flinkConfiguration(String checkpointDir, Duration checkpointInterval) {
        Map<String, String> m = new HashMap<>();
        m.put("state.backend.type", "rocksdb");
        m.put("execution.checkpointing.incremental", "true");
        m.put("execution.checkpointing.dir", checkpointDir);
        m.put("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
        m.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        m.put("pipeline.generic-types", "false");
        return Configuration.fromMap(m);
    }

    /** Entry point for {@code flink run}: {@code --auspex.kafka.bootstrap-servers ... --auspex.slo.file ...}. */
    public static void main(String[] args) throws Exception {
        PipelineConfig cfg = PipelineConfig.from(JobArgs.parse(args));
        KafkaStartupCheck.verify(cfg);
        SloSet slos = SloSet.load(Path.of(cfg.get(AuspexOptions.SLO_FILE)));
        WindowScorer model = io.auspex.jobs.anomaly.ModelWindowScorer.fromConfig(cfg);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, cfg, slos, model);
        env.execute("auspex-pipeline");
    }
}
