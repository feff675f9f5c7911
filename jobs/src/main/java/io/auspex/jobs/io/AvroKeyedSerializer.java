package io.auspex.jobs.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
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
    private transient SpecificDatumWriter<T> writer;
    private transient BinaryEncoder encoder;

    public AvroKeyedSerializer(String topic, Class<T> type, KeyOf<T> keyOf) {
        this.topic = topic;
        this.type = type;
        this.keyOf = keyOf;
    }

    /** Avro binary encoding of {@code record}; shared with producers outside Flink. */
    public static <R extends SpecificRecord> byte[] encode(SpecificDatumWriter<R> writer, R record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
        }
        return out.toByteArray();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (writer == null) {
            writer = new SpecificDatumWriter<>(type);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            writer.write(element, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
        return new ProducerRecord<>(topic, null, timestamp, keyOf.key(element).getBytes(StandardCharsets.UTF_8),
                out.toByteArray());
    }
}
