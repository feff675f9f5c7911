package io.auspex.jobs.decode;

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
 * every dead-letter reason as a Flink metric {@code auspex.deadLetters.<reason>}.
 */
public final class TelemetryDeserializer implements KafkaRecordDeserializationSchema<Telemetry> {
    private static final long serialVersionUID = 1L;

    private final MessageDecoder decoder;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> counters;

    public TelemetryDeserializer(MessageDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        metrics = context.getMetricGroup().addGroup("auspex").addGroup("deadLetters");
        counters = new HashMap<>();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Telemetry> out) {
        decoder.decode(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(),
                record.value(), System.currentTimeMillis(), t -> {
                    if (t.isDeadLetter() && metrics != null) {
                        counters.computeIfAbsent(t.deadLetter.getReason(), metrics::counter).inc();
                    }
                    out.collect(t);
                });
    }

    @Override
    public TypeInformation<Telemetry> getProducedType() {
        return TypeInformation.of(Telemetry.class);
    }
}
