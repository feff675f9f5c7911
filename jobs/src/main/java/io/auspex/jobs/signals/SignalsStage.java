package io.auspex.jobs.signals;

import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.LateToDeadLetter;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.models.logs.MinerConfig;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/** Stages 2-4: per-service event-time windows joining spans, logs and metrics into golden signals. */
public final class SignalsStage {
    /** Records behind the watermark when they reach the window: dead-lettered as {@code late}, never dropped. */
    public static final OutputTag<Telemetry> LATE = new OutputTag<>("late-telemetry") {};

    /**
     * The golden-signals window's uid. The heap window replaced Flink's {@code WindowOperator} of uid
     * {@code signals-window}, whose state it cannot read (docs/operations.md, Upgrade with state).
     */
    public static final String UID = "signals-heap-window";

    private SignalsStage() {}

    /** The golden-signals window operator as the job builds it (late records to {@link #LATE}). */
    public static SignalsWindowOperator operator(long windowMs, long[] latencyThresholdsMs, MetricSignals metricSignals,
            LogTemplateSettings logTemplates) {
        return operator(windowMs, latencyThresholdsMs, metricSignals, logTemplates, SignalsAccumulator.MAX_OPERATIONS,
                AuspexOptions.RETIRE_AFTER.defaultValue().toMillis());
    }

    /**
     * As above, listing at most {@code maxOperations} operations per service and window, and
     * clearing a service's state after {@code retireAfterMs} of event time without a window.
     */
    public static SignalsWindowOperator operator(long windowMs, long[] latencyThresholdsMs, MetricSignals metricSignals,
            LogTemplateSettings logTemplates, int maxOperations, long retireAfterMs) {
        return new SignalsWindowOperator(windowMs,
                new SignalsAggregate(latencyThresholdsMs, metricSignals, logTemplates, maxOperations),
                new SignalsWindowFunction(latencyThresholdsMs, metricSignals, logTemplates), LATE, retireAfterMs);
    }

    /** One record per service per window, and the late records as dead letters. */
    public record Outputs(DataStream<ServiceSignals> signals, DataStream<DeadLetter> late) {}

    /**
     * @param latencyThresholdsMs thresholds whose exceedances are counted exactly (the SLO file's)
     */
    public static Outputs wire(DataStream<Telemetry> valid, PipelineConfig cfg, long[] latencyThresholdsMs) {
        return wire(valid.keyBy(new ServiceKey()), cfg, latencyThresholdsMs);
    }

    /**
     * As above, on a stream already keyed by service (the service admission's output: the window
     * chains onto it without another shuffle).
     */
    public static Outputs wire(KeyedStream<Telemetry, String> byService, PipelineConfig cfg,
            long[] latencyThresholdsMs) {
        MetricSignals metricSignals = new MetricSignals(Set.copyOf(cfg.get(AuspexOptions.SATURATION_METRICS)),
                Set.copyOf(cfg.get(AuspexOptions.LATENCY_HISTOGRAMS)),
                cfg.get(AuspexOptions.GAUGE_STALENESS).toMillis());
        LogTemplateSettings logTemplates = new LogTemplateSettings(cfg.get(AuspexOptions.LOG_TEMPLATE_MAX_LINES),
                MinerConfig.DEFAULTS.withMaxClusters(cfg.get(AuspexOptions.LOG_TEMPLATE_MAX_TEMPLATES))
                        .withSimilarity(cfg.get(AuspexOptions.LOG_TEMPLATE_SIMILARITY)));
        SingleOutputStreamOperator<ServiceSignals> signals = byService
                .transform("golden signals window", TypeInformation.of(ServiceSignals.class),
                        operator(cfg.get(AuspexOptions.WINDOW).toMillis(), latencyThresholdsMs, metricSignals,
                                logTemplates, cfg.get(AuspexOptions.MAX_OPERATIONS_PER_SERVICE),
                                cfg.get(AuspexOptions.RETIRE_AFTER).toMillis()))
                .uid(UID);
        DataStream<DeadLetter> late = signals.getSideOutput(LATE).map(new LateToDeadLetter())
                .uid("late-to-dead-letter").name("late records");
        return new Outputs(signals, late);
    }
}
