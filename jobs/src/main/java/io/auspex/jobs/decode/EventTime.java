package io.auspex.jobs.decode;

import java.time.Duration;
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
}
