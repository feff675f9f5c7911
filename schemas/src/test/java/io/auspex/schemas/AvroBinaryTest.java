package io.auspex.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroBinaryTest {

    private final AvroBinary<MetricPoint> codec = new AvroBinary<>(MetricPoint.class);

    @Test
    void encodesPlainAvroBinaryWithoutHeader() throws IOException {
        MetricPoint m = gauge();
        byte[] bytes = codec.encode(m);
        // service_name first: zig-zag varint length 3 (= 6), then the UTF-8 bytes; no magic byte or schema id
        assertEquals(6, bytes[0]);
        assertEquals("svc", new String(Arrays.copyOfRange(bytes, 1, 4), StandardCharsets.UTF_8));
        // 1+3 service, 1+3 name, 1 time (zig-zag 10), 8 double, 1+1 unit, 1 empty map = 20 bytes, then
        // type (enum index 0), cumulative (false), start 0, count 0, empty bounds, empty bucket counts, error
        // (false) = 7
        assertEquals(27, bytes.length);
        assertEquals(m, codec.decode(bytes));
        assertArrayEquals(bytes, codec.encode(codec.decode(bytes)));
    }

    @Test
    void rejectsTrailingTruncatedAndNegativeLengthBytes() {
        byte[] bytes = codec.encode(gauge());
        assertThrows(IOException.class, () -> codec.decode(Arrays.copyOf(bytes, bytes.length + 1)));
        assertThrows(IOException.class, () -> codec.decode(Arrays.copyOf(bytes, bytes.length - 1)));
        assertThrows(IOException.class, () -> codec.decode(new byte[] {1, 2, 3, 4}));
    }

    @Test
    void readsARecordFromAProducerOnTheRecordsFirstShape() throws IOException {
        // MetricPoint before the histogram fields: the first 20 bytes of today's encoding are exactly that shape
        byte[] first = Arrays.copyOf(codec.encode(gauge()), 20);
        MetricPoint m = codec.decode(first);
        assertEquals(gauge(), m);
        assertEquals(MetricType.GAUGE, m.getType());
        assertEquals(List.of(), m.getBucketCounts());
    }

    @Test
    void readsServiceSignalsWrittenBeforeTheLogTemplatesTheLatencyLadderAndCarriedGauges() throws IOException {
        AvroBinary<ServiceSignals> signals = new AvroBinary<>(ServiceSignals.class);
        ServiceSignals s = ServiceSignals.newBuilder().setServiceName("svc").setWindowStartMs(0).setWindowEndMs(10_000)
                .setRequestCount(3).setTrafficRps(0.3).setErrorSpanCount(1).setHttp5xxCount(1).setErrorLogCount(2)
                .setLogCount(5).setErrorRatio(1.0 / 3).setLatencyP50Ms(1).setLatencyP90Ms(2).setLatencyP99Ms(3)
                .setLatencyMaxMs(4).setSaturation(0.5).setErrorLogTemplates(List.of("boom <NUM>")).build();
        // written by a producer of the first shape (no log templates, latency ladder, carried gauges): its own writer
        assertEquals(1, SchemaHistory.olderSchemas("ServiceSignals").size());
        Schema first = SchemaHistory.olderSchemas("ServiceSignals").get(0);
        GenericRecord r = new GenericData.Record(first);
        for (Schema.Field f : first.getFields()) {
            r.put(f.name(), s.get(f.name()));
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
        new GenericDatumWriter<GenericRecord>(first).write(r, encoder);
        encoder.flush();
        byte[] before = buffer.toByteArray();
        assertEquals(signals.encode(s).length - 5, before.length,
                "no log_templates, unlisted counts, ladder, carried_gauges");
        ServiceSignals old = signals.decode(before);
        assertEquals(s, old);
        assertEquals(List.of(), old.getLogTemplates());
        assertEquals(0L, old.getUnlistedErrorLogCount());
        assertEquals(Map.of(), old.getLatencyLadderMs());
        assertEquals(List.of(), old.getCarriedGauges(), "every gauge of an old record reads as sampled");
    }

    static MetricPoint gauge() {
        return MetricPoint.newBuilder().setServiceName("svc").setName("cpu").setTimeMs(5L).setValue(0.5).setUnit("1")
                .setAttributes(Map.of()).build();
    }
}
