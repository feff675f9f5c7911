package io.auspex.jobs.io;

import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.RecordIds;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a record as its Avro binary encoding (no schema header: the wire format of every Auspex
 * topic, see docs/topics.md), keyed by a string taken from the record; on the at-least-once topics
 * with the record's stable id as the Kafka header {@link RecordIds#HEADER}.
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
    private final KeyOf<T> idOf;
    private transient AvroBinary<T> codec;

    /** Records without an id header. */
    public AvroKeyedSerializer(String topic, Class<T> type, KeyOf<T> keyOf) {
        this(topic, type, keyOf, null);
    }

    /** Records with the id {@code idOf} gives as the header {@link RecordIds#HEADER} (none when null). */
    public AvroKeyedSerializer(String topic, Class<T> type, KeyOf<T> keyOf, KeyOf<T> idOf) {
        this.topic = topic;
        this.type = type;
        this.keyOf = keyOf;
        this.idOf = idOf;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new AvroBinary<>(type);
        }
        RecordHeaders headers = new RecordHeaders();
        if (idOf != null) {
            headers.add(RecordIds.HEADER, idOf.key(element).getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topic, null, timestamp, keyOf.key(element).getBytes(StandardCharsets.UTF_8),
                codec.encode(element), headers);
    }
}
