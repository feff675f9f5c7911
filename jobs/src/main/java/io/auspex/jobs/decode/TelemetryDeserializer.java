package io.auspex.jobs.decode;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka source deserializer: decoding happens in the source, so Flink's per-partition
 * watermarks see only valid event times (dead letters carry {@link Long#MIN_VALUE}). Counts
 * every dead-letter reason as a Flink metric {@code auspex.deadLetters.<reason>} and every cut of
 * {@link Limits} as {@code auspex.limits.<truncated|dropped>.<field>}.
 *
 * <p>A decoder never throws on data; should one do so anyway (a bug), the Kafka record becomes a
 * dead letter {@code operator_error} naming the decoder and the exception, with its raw bytes,
 * and the source goes on ({@link Containment}; off with {@code contain = false}). Records of the
 * message emitted before the exception stay emitted.
 */
public final class TelemetryDeserializer implements KafkaRecordDeserializationSchema<Telemetry> {
    private static final long serialVersionUID = 1L;

    private final MessageDecoder decoder;
    private final boolean contain;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> counters;
    private transient Map<LimitCounter.Adjustment, Counter> cuts;
    private transient LimitCounter limitCounter;

    public TelemetryDeserializer(MessageDecoder decoder) {
        this(decoder, true);
    }

    public TelemetryDeserializer(MessageDecoder decoder, boolean contain) {
        this.decoder = decoder;
        this.contain = contain;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        MetricGroup auspex = context.getMetricGroup().addGroup("auspex");
        metrics = auspex.addGroup("deadLetters");
        counters = new HashMap<>();
        cuts = new EnumMap<>(LimitCounter.Adjustment.class);
        MetricGroup limits = auspex.addGroup("limits");
        for (LimitCounter.Adjustment a : LimitCounter.Adjustment.values()) {
            cuts.put(a, limits.addGroup(a.kind).counter(a.field));
        }
        limitCounter = a -> cuts.get(a).inc();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Telemetry> out) {
        try {
            decoder.decode(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(),
                    record.value(), System.currentTimeMillis(), t -> emit(t, out),
                    limitCounter == null ? LimitCounter.NONE : limitCounter);
        } catch (RuntimeException | StackOverflowError e) {
            if (!contain || !Containment.containable(e)) {
                throw e;
            }
            emit(TelemetryDecoder.dead(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.key(), record.value(), null, Containment.REASON,
                    Containment.describe(record.topic() + " source (" + decoder.getClass().getSimpleName() + ")", e)),
                    out);
        }
    }

    private void emit(Telemetry t, Collector<Telemetry> out) {
        if (t.isDeadLetter() && metrics != null) {
            counters.computeIfAbsent(t.deadLetter.getReason(), metrics::counter).inc();
        }
        out.collect(t);
    }

    @Override
    public TypeInformation<Telemetry> getProducedType() {
        return TypeInformation.of(Telemetry.class);
    }
}
