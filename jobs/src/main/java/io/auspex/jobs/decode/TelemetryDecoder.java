package io.auspex.jobs.decode;

import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes and validates one Kafka value of one input kind. Never throws on data: a value that
 * cannot be decoded or fails validation becomes a {@link DeadLetter} with a reason.
 *
 * <p>Wire format: the Avro binary encoding of the record (no header), written with the current
 * schema. Reasons: {@code undecodable}, {@code missing_service}, {@code invalid_id},
 * {@code negative_duration}, {@code bad_timestamp}, {@code non_finite_value}, {@code bad_histogram}
 * (checks in {@link RecordChecks}), then {@code invalid_service}, {@code implausible_duration},
 * {@code out_of_range} and the cuts of {@link Limits}; both shared with the OTLP decoder.
 */
public final class TelemetryDecoder implements MessageDecoder {
    private static final long serialVersionUID = 1L;

    /** Which record type a topic carries. */
    public enum Kind { SPAN, METRIC, LOG }

    private final Kind kind;
    private final long maxFutureSkewMs;
    private final long maxAgeMs;
    private final Limits limits;
    private transient AvroBinary<? extends SpecificRecord> codec;

    /** A decoder with the default {@link Limits}. */
    public TelemetryDecoder(Kind kind, long maxFutureSkewMs, long maxAgeMs) {
        this(kind, maxFutureSkewMs, maxAgeMs, Limits.DEFAULTS);
    }

    public TelemetryDecoder(Kind kind, long maxFutureSkewMs, long maxAgeMs, Limits limits) {
        this.kind = kind;
        this.limits = limits;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxAgeMs = maxAgeMs;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public void decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value,
            long nowMs, Consumer<Telemetry> out, LimitCounter counter) {
        out.accept(decode(topic, partition, offset, kafkaTimestamp, key, value, nowMs, counter));
    }

    /** Decodes {@code value} (one Avro record); {@code nowMs} is wall time for the timestamp sanity check. */
    public Telemetry decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value,
            long nowMs) {
        return decode(topic, partition, offset, kafkaTimestamp, key, value, nowMs, LimitCounter.NONE);
    }

    /** As above, reporting every cut {@link Limits} makes to {@code counter}. */
    public Telemetry decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value,
            long nowMs, LimitCounter counter) {
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
        Telemetry t;
        RecordChecks.Problem problem;
        switch (kind) {
            case SPAN -> {
                t = Telemetry.of((Span) record);
                problem = RecordChecks.span(t.span);
            }
            case METRIC -> {
                t = Telemetry.of((MetricPoint) record);
                problem = RecordChecks.metric(t.metric);
            }
            default -> {
                t = Telemetry.of((LogRecord) record);
                problem = RecordChecks.log(t.log);
            }
        }
        if (problem == null) {
            problem = RecordChecks.time(t.eventTimeMs(), nowMs, maxFutureSkewMs, maxAgeMs);
        }
        if (problem == null) {
            problem = limits.apply(t, counter);
        }
        if (problem != null) {
            return dead(topic, partition, offset, kafkaTimestamp, key, value, problem.reason(), problem.detail());
        }
        return t.origin(topic, partition, offset);
    }

    static Telemetry dead(String topic, int partition, long offset, long ts, byte[] key, byte[] value, String reason,
            String detail) {
        return dead(topic, partition, offset, ts, key, value, null, reason, detail);
    }

    /** Raw values larger than this are cut to it in a dead letter, so every dead letter fits a Kafka record. */
    public static final int MAX_DEAD_LETTER_VALUE = 512 * 1024;
    /** Keys and details are cut to this many bytes / characters. */
    public static final int MAX_DEAD_LETTER_KEY = 4 * 1024;
    public static final int MAX_DEAD_LETTER_DETAIL = 4 * 1024;

    /**
     * A dead letter; {@code recordIndex} is the position of one bad record inside a batch, else
     * null. Bounded by construction: a value over {@link #MAX_DEAD_LETTER_VALUE} keeps its first
     * bytes with the original size and its SHA-256; key and detail are cut.
     */
    public static Telemetry dead(String topic, int partition, long offset, long ts, byte[] key, byte[] value,
            Integer recordIndex, String reason, String detail) {
        DeadLetter.Builder d = DeadLetter.newBuilder()
                .setSourceTopic(topic).setPartition(partition).setOffset(offset).setTimestampMs(ts)
                .setKey(key == null ? null : ByteBuffer.wrap(key.length <= MAX_DEAD_LETTER_KEY ? key
                        : java.util.Arrays.copyOf(key, MAX_DEAD_LETTER_KEY)))
                .setRecordIndex(recordIndex)
                .setReason(reason)
                .setDetail(detail == null ? "" : detail.length() > MAX_DEAD_LETTER_DETAIL
                        ? detail.substring(0, MAX_DEAD_LETTER_DETAIL) + "..." : detail);
        if (value != null && value.length > MAX_DEAD_LETTER_VALUE) {
            d.setValue(ByteBuffer.wrap(java.util.Arrays.copyOf(value, MAX_DEAD_LETTER_VALUE)))
                    .setValueTruncatedFrom((long) value.length).setValueSha256(sha256(value));
        } else {
            d.setValue(value == null ? null : ByteBuffer.wrap(value));
        }
        return Telemetry.dead(d.build()).origin(topic, partition, offset);
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
