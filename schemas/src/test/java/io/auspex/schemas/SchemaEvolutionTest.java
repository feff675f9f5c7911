package io.auspex.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * Schemas evolve with BACKWARD compatibility: every field with a default may be missing from an
 * older writer's schema. Data written by such an older writer decodes with today's classes.
 */
class SchemaEvolutionTest {

    /** The schema as an older writer had it: the same record without its defaulted fields. */
    static Schema withoutDefaultedFields(Schema current) {
        List<Schema.Field> kept = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.hasDefaultValue()) {
                kept.add(new Schema.Field(f.name(), f.schema(), f.doc()));
            }
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, kept);
    }

    @Test
    void everyRecordReadsItsOlderShape() {
        for (Schema s : List.of(Span.getClassSchema(), MetricPoint.getClassSchema(), LogRecord.getClassSchema(),
                ServiceSignals.getClassSchema(), Alert.getClassSchema(), DeadLetter.getClassSchema(),
                SloStatus.getClassSchema())) {
            SchemaCompatibility.SchemaPairCompatibility c =
                    SchemaCompatibility.checkReaderWriterCompatibility(s, withoutDefaultedFields(s));
            assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, c.getType(),
                    s.getName() + ": " + c.getDescription());
        }
    }

    @Test
    void anOldSpanDecodesWithDefaults() throws IOException {
        Schema old = withoutDefaultedFields(Span.getClassSchema());
        GenericRecord g = new GenericData.Record(old);
        g.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
        g.put("span_id", "b7ad6b7169203331");
        g.put("service_name", "checkout");
        g.put("name", "POST /checkout");
        g.put("kind", new GenericData.EnumSymbol(old.getField("kind").schema(), "SERVER"));
        g.put("start_time_ms", 1_700_000_000_000L);
        g.put("duration_us", 1500L);
        g.put("status_code", new GenericData.EnumSymbol(old.getField("status_code").schema(), "OK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(g, enc);
        enc.flush();

        Span span = new SpecificDatumReader<Span>(old, Span.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertEquals("checkout", span.getServiceName());
        assertEquals(1500L, span.getDurationUs());
        assertNull(span.getParentSpanId());
        assertNull(span.getHttpStatusCode());
        assertEquals(Map.of(), span.getAttributes());
        assertTrue(out.size() > 0);
    }
}
