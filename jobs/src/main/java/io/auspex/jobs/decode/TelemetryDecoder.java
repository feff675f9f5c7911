package io.auspex.jobs.decode;

import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes and validates one Kafka value of one input kind. Never throws on data: a value that
 * cannot be decoded or fails validation becomes a {@link DeadLetter} with a reason.
 *
 * <p>Wire format: the Avro binary encoding of the record (no header), written with the current
 * schema. Reasons: {@code undecodable}, {@code missing_service}, {@code invalid_id},
 * {@code negative_duration}, {@code bad_timestamp}, {@code non_finite_value}.
 */
public final class TelemetryDecoder implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");

    /** Which record type a topic carries. */
    public enum Kind { SPAN, METRIC, LOG }

    private final Kind kind;
    private final long maxFutureSkewMs;
    private final long maxAgeMs;
    private transient AvroBinary<? extends SpecificRecord> codec;

    public TelemetryDecoder(Kind kind, long maxFutureSkewMs, long maxAgeMs) {
        this.kind = kind;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxAgeMs = maxAgeMs;
    }

    public Kind kind() {
        return kind;
    }

    /** Decodes {@code value}; {@code nowMs} is wall time for the timestamp sanity check. */
    public Telemetry decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value,
            long nowMs) {
        if (value == null) {
            return dead(topic, partition, offset, kafkaTimestamp, key, null, "undecodable", "null value (tombstone)");
        }
        Object record;
        try {
            if (codec == null) {
                codec = switch (kind) {
                    case SPAN -> new AvroBinary<>(Span.class);
                    case METRIC -> new AvroBinary<>(MetricPoint.class);
                    case LOG -> new AvroBinary<>(LogRecord.class);
                };
            }
            record = codec.decode(value);
        } catch (IOException e) {
            return dead(topic, partition, offset, kafkaTimestamp, key, value, "undecodable", e.getMessage());
        }
        String problem;
        String reason;
        long eventTime;
        Telemetry t;
        switch (kind) {
            case SPAN -> {
                Span s = (Span) record;
                t = Telemetry.of(s);
                eventTime = s.getStartTimeMs();
                if (blank(s.getServiceName())) {
                    reason = "missing_service";
                    problem = "span " + s.getSpanId() + " has no service_name";
                } else if (!TRACE_ID.matcher(s.getTraceId()).matches() || !SPAN_ID.matcher(s.getSpanId()).matches()
                        || (s.getParentSpanId() != null && !SPAN_ID.matcher(s.getParentSpanId()).matches())) {
                    reason = "invalid_id";
                    problem = "trace/span ids must be 32/16 lowercase hex chars";
                } else if (s.getDurationUs() < 0) {
                    reason = "negative_duration";
                    problem = "duration_us=" + s.getDurationUs();
                } else {
                    reason = null;
                    problem = null;
                }
            }
            case METRIC -> {
                MetricPoint m = (MetricPoint) record;
                t = Telemetry.of(m);
                eventTime = m.getTimeMs();
                if (blank(m.getServiceName())) {
                    reason = "missing_service";
                    problem = "metric " + m.getName() + " has no service_name";
                } else if (!Double.isFinite(m.getValue())) {
                    reason = "non_finite_value";
                    problem = "metric " + m.getName() + " value=" + m.getValue();
                } else {
                    reason = null;
                    problem = null;
                }
            }
            default -> {
                LogRecord l = (LogRecord) record;
                t = Telemetry.of(l);
                eventTime = l.getTimeMs();
                if (blank(l.getServiceName())) {
                    reason = "missing_service";
                    problem = "log record has no service_name";
                } else {
                    reason = null;
                    problem = null;
                }
            }
        }
        if (reason == null && (eventTime > nowMs + maxFutureSkewMs || eventTime < nowMs - maxAgeMs)) {
            reason = "bad_timestamp";
            problem = "event time " + eventTime + " is outside [now - max-age, now + max-future-skew]";
        }
        if (reason != null) {
            return dead(topic, partition, offset, kafkaTimestamp, key, value, reason, problem);
        }
        return t.origin(topic, partition, offset);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static Telemetry dead(String topic, int partition, long offset, long ts, byte[] key, byte[] value, String reason,
            String detail) {
        DeadLetter d = DeadLetter.newBuilder()
                .setSourceTopic(topic).setPartition(partition).setOffset(offset).setTimestampMs(ts)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason).setDetail(detail == null ? "" : detail)
                .build();
        return Telemetry.dead(d).origin(topic, partition, offset);
    }
}
