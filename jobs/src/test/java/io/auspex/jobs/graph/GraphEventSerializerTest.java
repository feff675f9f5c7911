package io.auspex.jobs.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class GraphEventSerializerTest {
    private final TypeSerializer<GraphEvent> serializer =
            TypeInformation.of(GraphEvent.class).createSerializer(new SerializerConfigImpl());

    private GraphEvent roundTrip(GraphEvent e) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(e, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        GraphEvent back = serializer.deserialize(in);
        assertEquals(0, in.available(), "every byte written is read");
        return back;
    }

    @Test
    void flinkPicksTheGraphEventSerializer() {
        assertInstanceOf(GraphEventSerializer.class, serializer);
    }

    @Test
    void aClientSpanCarriesWhatThePairingReads() throws IOException {
        GraphEvent client = GraphEvent.from(Telemetry.of(Fixtures.span("checkout", "00000000000000b2",
                "00000000000000a1", SpanKind.CLIENT, Fixtures.T0).setDurationUs(12_345)
                .setStatusCode(StatusCode.UNSET).setHttpStatusCode(503)
                .setAttributes(Map.of("server.address", "payments", "http.route", "/pay")).build()), true);
        assertEquals(GraphEvent.Kind.CLIENT, client.kind);
        assertEquals(Fixtures.TRACE, client.traceId);
        assertEquals("00000000000000b2", client.spanId);
        assertEquals("00000000000000a1", client.parentSpanId);
        assertEquals("checkout", client.service);
        assertEquals(Fixtures.T0, client.timeMs);
        assertEquals(12_345, client.durationUs);
        assertEquals(Fixtures.T0 + 12, client.endMs());
        assertEquals(true, client.error, "HTTP 503");
        assertArrayEquals(new String[] {"payments"}, client.peers, "server.address names the peer; the route does not");
        assertNull(client.text);
        assertEquals(client, roundTrip(client));
        assertNull(GraphEvent.from(Telemetry.of(Fixtures.span("checkout", "00000000000000b2", "00000000000000a1",
                SpanKind.CLIENT, Fixtures.T0).setAttributes(Map.of("server.address", "payments")).build()), false).peers,
                "peers only with the error lines on");
    }

    @Test
    void everyKindRoundTripsExactly() throws IOException {
        LogRecord l = LogRecord.newBuilder(Fixtures.log("checkout", Fixtures.T0 + 5, 17, "call to payments failed"))
                .setTraceId(Fixtures.TRACE).setSpanId("00000000000000a1")
                .setAttributes(Map.of("exception.type", "java.net.ConnectException", "exception.message", "refused"))
                .build();
        GraphEvent line = GraphEvent.from(Telemetry.of(l), true);
        assertEquals(GraphEvent.Kind.LINE, line.kind);
        assertEquals("call to payments failed\njava.net.ConnectException\nrefused", line.text);
        assertEquals(Fixtures.T0 + 5, line.timeMs);
        assertNull(line.parentSpanId);
        GraphEvent server = GraphEvent.from(Telemetry.of(Fixtures.span("payments", "00000000000000c3",
                "00000000000000b2", SpanKind.SERVER, Fixtures.T0).setStatusCode(StatusCode.ERROR).build()), true);
        GraphEvent producer = GraphEvent.from(Telemetry.of(Fixtures.span("checkout", "00000000000000d4",
                "00000000000000a1", SpanKind.PRODUCER, Fixtures.T0).setDurationUs(-1).build()), true);
        GraphEvent peers = new GraphEvent(GraphEvent.Kind.CLIENT, Fixtures.TRACE, "00000000000000b2", null, "checkout",
                Fixtures.T0, 10, false, new String[] {"payments", "payments.svc", ""}, null);
        for (GraphEvent e : List.of(line, server, producer, peers)) {
            assertEquals(e, roundTrip(e), e.toString());
        }
        assertEquals(true, roundTrip(server).error);
        assertEquals(-1, roundTrip(producer).durationUs);
        assertEquals(Fixtures.T0, roundTrip(producer).endMs(), "a negative duration ends at the start");
    }

    @Test
    void anUnknownVersionIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> serializer.deserialize(new DataInputDeserializer(new byte[] {7, 0})));
        assertEquals("unknown GraphEvent format version 7", e.getMessage());
    }

    @Test
    void snapshotRestoresTheSameSerializer() {
        assertInstanceOf(GraphEventSerializer.class, serializer.snapshotConfiguration().restoreSerializer());
    }
}
