package io.auspex.jobs.io;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.utils.DataInputDecoder;
import org.apache.flink.formats.avro.utils.DataOutputEncoder;

/**
 * One Avro record type written to and read from Flink's data views in the encoding Flink's
 * {@code AvroSerializer} uses (its {@code DataOutputEncoder} / {@code DataInputDecoder}), but
 * through the generated classes' own coders ({@code customEncode} / {@code customDecode}) instead
 * of Avro's generic, schema-walking datum writer and reader: the same bytes, less work per record.
 * Not thread-safe (one per serializer instance, as Flink duplicates serializers per thread).
 */
public final class AvroCodec<T extends SpecificRecordBase> {
    private final Schema schema;
    private final SpecificData data;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final DataOutputEncoder encoder = new DataOutputEncoder();
    private final DataInputDecoder decoder = new DataInputDecoder();

    public AvroCodec(Class<T> type, Schema schema) {
        this.schema = schema;
        this.data = new SpecificData(type.getClassLoader());
        data.setCustomCoders(true);
        this.writer = new SpecificDatumWriter<>(schema, data);
        this.reader = new SpecificDatumReader<>(schema, schema, data);
    }

    public void write(T value, DataOutputView out) throws IOException {
        encoder.setOut(out);
        writer.write(value, encoder);
    }

    public T read(DataInputView in) throws IOException {
        decoder.setIn(in);
        return reader.read(null, decoder);
    }

    public T copy(T value) {
        return data.deepCopy(schema, value);
    }
}
