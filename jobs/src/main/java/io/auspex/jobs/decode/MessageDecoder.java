package io.auspex.jobs.decode;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * Turns one Kafka record of an input topic into telemetry records. Never throws on data: what
 * cannot be used comes out as dead letters with a reason. An Avro record holds one record; an
 * OTLP message is a batch that decodes into many.
 */
public interface MessageDecoder extends Serializable {

    /**
     * Decodes {@code value} and hands every record (and every dead letter) to {@code out} in
     * message order; {@code nowMs} is wall time for the timestamp sanity check.
     */
    default void decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value,
            long nowMs, Consumer<Telemetry> out) {
        decode(topic, partition, offset, kafkaTimestamp, key, value, nowMs, out, LimitCounter.NONE);
    }

    /**
     * As above; every cut {@link Limits} makes to a record that is still used is reported to
     * {@code counter}.
     */
    void decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value, long nowMs,
            Consumer<Telemetry> out, LimitCounter counter);
}
