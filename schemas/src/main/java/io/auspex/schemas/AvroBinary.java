package io.auspex.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The wire format of the telemetry topics: the plain Avro binary encoding of one record, with no
 * header, magic byte, schema id or fingerprint (docs/topics.md). Reuses its encoder and decoder,
 * so one instance per thread.
 *
 * @param <T> the generated record class
 */
public final class AvroBinary<T extends SpecificRecord> {

    private final Class<T> type;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;
    /** Readers of the record's earlier wire shapes (oldest last), tried when the current shape does not fit. */
    private final List<SpecificDatumReader<T>> olderReaders = new ArrayList<>();

    public AvroBinary(Class<T> type) {
        this.type = type;
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(type);
        Schema current = SpecificData.get().getSchema(type);
        for (Schema older : SchemaHistory.olderSchemas(type.getSimpleName())) {
            olderReaders.add(new SpecificDatumReader<>(older, current));
        }
    }

    /** The record's Avro binary encoding. */
    public byte[] encode(T record) {
        buffer.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
        return buffer.toByteArray();
    }

    /**
     * Decodes exactly one record that must fill {@code bytes} completely.
     *
     * @throws IOException if the bytes are not one valid record of this schema (too short,
     *     negative lengths, bad union or enum index, or trailing bytes)
     */
    public T decode(byte[] bytes) throws IOException {
        try {
            return decode(bytes, reader);
        } catch (IOException current) {
            // the plain binary encoding carries no schema id: a producer still on an earlier shape of
            // the record (schemas/src/main/resources/.../history) is read with that shape
            for (SpecificDatumReader<T> older : olderReaders) {
                try {
                    return decode(bytes, older);
                } catch (IOException ignored) {
                    // not that shape either; the error of the current shape is the one reported
                }
            }
            throw current;
        }
    }

    private T decode(byte[] bytes, SpecificDatumReader<T> reader) throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (RuntimeException e) {
            // Avro reports some malformed input (negative lengths, bad indexes) as runtime exceptions.
            throw new IOException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        if (!decoder.isEnd()) {
            throw new IOException("not a valid " + type.getSimpleName() + ": trailing bytes after the record");
        }
        return record;
    }
}
