package io.auspex.jobs.io;

import io.auspex.schemas.AvroBinary;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a record as its Avro binary encoding (no header: the wire format of every Auspex
 * topic, see docs/topics.md), keyed by a string taken from the record.
 */
public final class AvroKeyedSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** Serializable key extractor. */
    @FunctionalInterface
    public interface KeyOf<T> extends Function {
        String key(T record);
    }

    private final String topic;
    private final Class<T> type;
    private final KeyOf<T> keyOf;
    private transient AvroBinary<T> codec;

    public AvroKeyedSerializer(String topic, Class<T> type, KeyOf<T> keyOf) {
        this.topic = topic;
        this.type = type;
        this.keyOf = keyOf;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new AvroBinary<>(type);
        }
        return new ProducerRecord<>(topic, null, timestamp, keyOf.key(element).getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}
