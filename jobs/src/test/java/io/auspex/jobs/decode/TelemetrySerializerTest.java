package io.auspex.jobs.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class TelemetrySerializerTest {
    private final TypeSerializer<Telemetry> serializer =
            TypeInformation.of(Telemetry.class).createSerializer(new SerializerConfigImpl());

    private Telemetry roundTrip(Telemetry t) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(t, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        Telemetry back = serializer.deserialize(in);
        assertEquals(0, in.available(), "every byte written is read");
        return back;
    }

    @Test
    void flinkPicksTheTelemetrySerializer() {
        assertInstanceOf(TelemetrySerializer.class, serializer);
    }

    @Test
    void eachKindComesBackWithItsOriginAndNothingElse() throws IOException {
        Telemetry span = Telemetry.of(Fixtures.span("checkout", "00000000000000b2", "00000000000000a1",
                SpanKind.CLIENT, Fixtures.T0).setAttributes(Map.of("server.address", "payments")).build())
                .origin("otlp_spans", 3, 1234L);
        Telemetry metric = Telemetry.of(Fixtures.gauge("checkout", "process.cpu.utilization", Fixtures.T0, 0.75));
        Telemetry log = Telemetry.of(Fixtures.log("checkout", Fixtures.T0, 17, "call to payments failed"))
                .origin("otlp_logs", 0, 7L);
        Telemetry dead = TelemetryDecoder.dead("otlp_spans", 1, 99L, Fixtures.T0, null, new byte[] {1, 2},
                null, "undecodable", "bad protobuf");
        for (Telemetry t : List.of(span, metric, log, dead)) {
            Telemetry back = roundTrip(t);
            assertEquals(t.span, back.span);
            assertEquals(t.metric, back.metric);
            assertEquals(t.log, back.log);
            assertEquals(t.deadLetter, back.deadLetter);
            assertEquals(t.topic, back.topic);
            assertEquals(t.partition, back.partition);
            assertEquals(t.offset, back.offset);
        }
        assertEquals("payments", roundTrip(span).span.getAttributes().get("server.address"));
        assertNull(roundTrip(metric).topic);
    }

    @Test
    void copyIsDeep() {
        Telemetry t = Telemetry.of(Fixtures.log("checkout", Fixtures.T0, 9, "ok")).origin("otlp_logs", 2, 5L);
        Telemetry c = serializer.copy(t);
        assertNotSame(t.log, c.log);
        assertEquals(t.log, c.log);
        assertEquals("otlp_logs", c.topic);
        assertEquals(5L, c.offset);
    }

    @Test
    void theAvroPartIsWhatFlinksAvroSerializerWrites() throws IOException {
        Span span = Fixtures.span("checkout", "00000000000000b2", "00000000000000a1", SpanKind.CLIENT, Fixtures.T0)
                .setHttpStatusCode(503).setAttributes(Map.of("server.address", "payments", "http.route", "/pay")).build();
        DataOutputSerializer ours = new DataOutputSerializer(256);
        serializer.serialize(Telemetry.of(span), ours);
        DataOutputSerializer flinks = new DataOutputSerializer(256);
        new AvroSerializer<>(Span.class).serialize(span, flinks);
        byte[] o = ours.getCopyOfBuffer();
        byte[] f = flinks.getCopyOfBuffer();
        // version and tag bytes, the span, then the origin (no topic, partition, offset: 1 + 4 + 8 bytes)
        assertArrayEquals(f, Arrays.copyOfRange(o, 2, 2 + f.length));
        assertEquals(2 + f.length + 13, o.length);
    }

    @Test
    void survivesJavaSerializationAsTheJobGraphCarriesIt() throws Exception {
        TypeSerializer<Telemetry> shipped = InstantiationUtil.clone(serializer);
        Telemetry t = Telemetry.of(Fixtures.log("checkout", Fixtures.T0, 17, "boom")).origin("otlp_logs", 1, 2L);
        DataOutputSerializer out = new DataOutputSerializer(256);
        shipped.serialize(t, out);
        Telemetry back = shipped.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(t.log, back.log);
        assertEquals(2L, back.offset);
    }

    @Test
    void anUnknownVersionIsAClearError() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[] {9, 1});
        IOException e = assertThrows(IOException.class, () -> serializer.deserialize(in));
        assertEquals("unknown Telemetry format version 9", e.getMessage());
    }

    @Test
    void snapshotRestoresTheSameSerializer() {
        assertInstanceOf(TelemetrySerializer.class, serializer.snapshotConfiguration().restoreSerializer());
        assertNotSame(serializer, serializer.duplicate());
    }
}
