package io.auspex.jobs.decode;

import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The one place watermarks are defined: bounded out-of-orderness and source idleness, applied
 * per Kafka partition in the sources. Event time is read from the decoded payload; dead letters
 * carry {@link Long#MIN_VALUE} and never advance a watermark.
 */
public final class EventTime implements SerializableTimestampAssigner<Telemetry> {
    private static final long serialVersionUID = 1L;

    @Override
    public long extractTimestamp(Telemetry t, long recordTimestamp) {
        return t.eventTimeMs();
    }

    public static WatermarkStrategy<Telemetry> strategy(Duration outOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Telemetry>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner(new EventTime())
                .withIdleness(idleness);
    }

    /** The job's strategy: {@code auspex.watermarks.*}, with idleness only where {@link #idleness} gives one. */
    public static WatermarkStrategy<Telemetry> strategy(PipelineConfig cfg) {
        Duration outOfOrderness = cfg.get(AuspexOptions.OUT_OF_ORDERNESS);
        return idleness(cfg).map(idle -> strategy(outOfOrderness, idle)).orElseGet(() ->
                WatermarkStrategy.<Telemetry>forBoundedOutOfOrderness(outOfOrderness)
                        .withTimestampAssigner(new EventTime()));
    }

    /**
     * The idleness timeout of the job's source splits: {@code auspex.watermarks.idleness} for
     * unbounded sources; none for bounded ones ({@code auspex.sources.bounded}, a replay), whose
     * splits end at the end offsets read at the start, so a split without records finishes instead
     * of holding the watermark back, and a split with records left is never taken for idle (which
     * would let the other inputs move the watermark past its records and make them late).
     */
    public static Optional<Duration> idleness(PipelineConfig cfg) {
        return cfg.get(AuspexOptions.BOUNDED) ? Optional.empty() : Optional.of(cfg.get(AuspexOptions.IDLENESS));
    }
}
