package io.auspex.jobs;

import io.auspex.jobs.anomaly.AnomalyStage;
import io.auspex.jobs.anomaly.WindowScorer;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.DecodeStage;
import io.auspex.jobs.decode.LimitAlerts;
import io.auspex.jobs.decode.EventTime;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.jobs.graph.GraphStage;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.io.KafkaStartupCheck;
import io.auspex.jobs.rca.RcaStage;
import io.auspex.jobs.signals.SignalsStage;
import io.auspex.jobs.slo.SloSet;
import io.auspex.jobs.slo.SloStage;
import io.auspex.schemas.Alert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Auspex pipeline: Kafka telemetry in, golden signals, SLO burn-rate alerts, anomaly
 * evidence, service graph, root-cause hints, and enriched alerts out. This class only wires;
 * each stage is a named operator class with a constant uid.
 */
public final class PipelineJob {
    private PipelineJob() {}

    /**
     * Builds the whole job graph on {@code env}, reading from and writing to {@code io}. Only wires:
     * each stage's {@code wire} returns its outputs. Sets the job's restart strategy
     * ({@code auspex.restart.*}) on {@code env}.
     */
    public static void define(StreamExecutionEnvironment env, PipelineConfig cfg, SloSet slos, WindowScorer model,
            PipelineIo io) {
        env.setMaxParallelism(cfg.get(AuspexOptions.MAX_PARALLELISM));
        // chained operators get the upstream record itself, not a copy: no operator of this job changes a
        // record it received or keeps one it emitted (docs/benchmarks.md, optimisation step 2; ObjectReuseTest)
        env.getConfig().enableObjectReuse();
        env.configure(cfg.restartConfiguration());
        WatermarkStrategy<Telemetry> wm = EventTime.strategy(cfg);

        DecodeStage.Outputs decoded = DecodeStage.wire(env, io, wm, cfg);
        long[] thresholds = slos.latencyThresholdsMs().stream().mapToLong(Long::longValue).toArray();
        SignalsStage.Outputs signals = SignalsStage.wire(decoded.byService(), cfg, thresholds);
        decoded.deadLetters().union(signals.late()).sinkTo(io.deadLetters()).uid("sink-dlq").name("dead-letter sink");
        signals.signals().sinkTo(io.signals()).uid("sink-signals").name("signals sink");

        Duration reload = cfg.get(AuspexOptions.SLO_RELOAD);
        Path sloFile = Path.of(cfg.get(AuspexOptions.SLO_FILE));
        SloStage.Outputs slo = reload.isZero()
                // no reload: the file's text once, a bounded stream, so bounded jobs still finish
                ? SloStage.wire(signals.signals(), slos, env.fromData(readSloFile(sloFile)).uid("slo-file-once")
                        .name("SLO file (once)").setParallelism(1))
                : SloStage.apply(signals.signals(), slos, sloFile, reload);
        slo.statuses().sinkTo(io.sloStatuses()).uid("sink-slo-status").name("slo status sink");

        AnomalyStage.Outputs anomaly = AnomalyStage.wire(signals.signals(), cfg, model);
        DataStream<Alert> alerts = anomaly.alerts().map(slo.alerts()::union).orElse(slo.alerts());
        DataStream<EdgeStats> edges = GraphStage.wire(decoded.valid(), cfg);
        // an alert on the job itself when the service limit refuses records
        DataStream<Alert> limits = decoded.deadLetters().filter(LimitAlerts::refusal).uid("limit-refusals")
                .name("refused at the service limit")
                .keyBy(LimitAlerts::key).process(new LimitAlerts(cfg.get(AuspexOptions.MAX_SERVICES)))
                .uid("limit-alerts").name("service-limit alert");
        RcaStage.wire(anomaly.evidence(), edges, alerts, cfg).union(limits)
                .sinkTo(io.alerts()).uid("sink-alerts").name("alerts sink");
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
        define(env, cfg, slos, model, KafkaIo.pipelineIo(cfg));
        env.execute("auspex-pipeline");
    }
}
