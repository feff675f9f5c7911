package io.auspex.jobs.decode;

import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;

/**
 * One decoded input record: exactly one of {@code span}, {@code metric}, {@code log} or
 * {@code deadLetter} is set. Flink ships it with {@link TelemetrySerializer} (Avro fields with Flink's Avro serializer, no Kryo).
 * Where it came from (topic, partition, offset) travels along so late records can still be
 * dead-lettered with their origin.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(TelemetrySerializer.Factory.class)
public class Telemetry implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public Span span;
    public MetricPoint metric;
    public LogRecord log;
    public DeadLetter deadLetter;
    public String topic;
    public int partition;
    public long offset;

    public Telemetry() {}

    public static Telemetry of(Span s) {
        Telemetry t = new Telemetry();
        t.span = s;
        return t;
    }

    public static Telemetry of(MetricPoint m) {
        Telemetry t = new Telemetry();
        t.metric = m;
        return t;
    }

    public static Telemetry of(LogRecord l) {
        Telemetry t = new Telemetry();
        t.log = l;
        return t;
    }

    public static Telemetry dead(DeadLetter d) {
        Telemetry t = new Telemetry();
        t.deadLetter = d;
        return t;
    }

    public Telemetry origin(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        return this;
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    /** Event time in epoch ms; {@link Long#MIN_VALUE} for dead letters so they never move a watermark. */
    public long eventTimeMs() {
        if (span != null) {
            return span.getStartTimeMs();
        } else if (metric != null) {
            return metric.getTimeMs();
        } else if (log != null) {
            return log.getTimeMs();
        }
        return Long.MIN_VALUE;
    }

    public String service() {
        if (span != null) {
            return span.getServiceName();
        } else if (metric != null) {
            return metric.getServiceName();
        } else if (log != null) {
            return log.getServiceName();
        }
        return "";
    }
}
