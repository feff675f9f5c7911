package io.auspex.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Data written with each .avsc decodes into the generated classes, field for field. */
class SchemaRoundTripTest {

    static <T extends SpecificRecord> T roundTrip(T record) throws IOException {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(type).write(record, enc);
        enc.flush();
        return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    @Test
    void spanRoundTrips() throws IOException {
        Span span = Span.newBuilder().setTraceId("0af7651916cd43dd8448eb211c80319c").setSpanId("b7ad6b7169203331")
                .setParentSpanId(null).setServiceName("checkout").setName("POST /checkout").setKind(SpanKind.SERVER)
                .setStartTimeMs(1_700_000_000_123L).setDurationUs(12_345L).setStatusCode(StatusCode.ERROR)
                .setHttpStatusCode(503).setAttributes(Map.of("http.route", "/checkout")).build();
        assertEquals(span, roundTrip(span));
    }

    @Test
    void metricAndLogRoundTrip() throws IOException {
        MetricPoint m = MetricPoint.newBuilder().setServiceName("db").setName("process.cpu.utilization")
                .setTimeMs(5L).setValue(0.93).setUnit("1").build();
        assertEquals(m, roundTrip(m));
        LogRecord l = LogRecord.newBuilder().setServiceName("payment").setTimeMs(7L).setSeverityNumber(17)
                .setSeverityText("ERROR").setBody("card declined id=42").setTraceId("t").build();
        LogRecord back = roundTrip(l);
        assertEquals(l, back);
        assertNull(back.getSpanId());
    }

    @Test
    void signalsAlertDeadLetterAndStatusRoundTrip() throws IOException {
        ServiceSignals s = ServiceSignals.newBuilder().setServiceName("frontend").setWindowStartMs(0).setWindowEndMs(10_000)
                .setRequestCount(100).setTrafficRps(10.0).setErrorSpanCount(3).setHttp5xxCount(2).setErrorLogCount(1)
                .setLogCount(50).setErrorRatio(0.03).setLatencyP50Ms(12).setLatencyP90Ms(30).setLatencyP99Ms(80)
                .setLatencyMaxMs(120).setSaturation(0.4).setGauges(Map.of("process.cpu.utilization", 0.4))
                .setLatencyOverMs(Map.of("300", 1L))
                .setOperations(List.of(OperationCounts.newBuilder().setName("GET /").setTotal(100).setErrors(3)
                        .setLatencyOverMs(Map.of("300", 1L)).build()))
                .build();
        assertEquals(s, roundTrip(s));

        Alert a = Alert.newBuilder().setFingerprint("abcd").setStatus(AlertStatus.FIRING).setRule("slo_burn")
                .setSeverity(Severity.PAGE).setService("checkout").setSlo("checkout-availability")
                .setStartsAtMs(1).setEventTimeMs(1).setBurnRates(Map.of("1h", 14.5))
                .setRootCauses(List.of(RootCauseHint.newBuilder().setService("payment").setConfidence(0.7).build()))
                .build();
        assertEquals(a, roundTrip(a));

        DeadLetter d = DeadLetter.newBuilder().setSourceTopic("telemetry.spans").setPartition(0).setOffset(9)
                .setTimestampMs(3).setValue(java.nio.ByteBuffer.wrap(new byte[] {1, 2})).setReason("undecodable").build();
        assertEquals(d, roundTrip(d));

        SloStatus st = SloStatus.newBuilder().setSlo("x").setService("y").setEventTimeMs(60_000).setObjective(99.9)
                .setErrorBudgetRemaining(0.5).build();
        assertEquals(st, roundTrip(st));
    }

    /** A writer that knows only the .avsc file (no generated code) produces bytes the generated reader decodes. */
    @Test
    void bytesWrittenFromTheAvscFileDecode() throws IOException {
        Schema schema = new Schema.Parser().parse(Path.of("src/main/avro/MetricPoint.avsc").toFile());
        // a generic writer fills the fields it does not set with the file's defaults
        GenericRecord g = new org.apache.avro.generic.GenericRecordBuilder(schema)
                .set("service_name", "inventory").set("name", "db.client.connection.pool.utilization")
                .set("time_ms", 42L).set("value", 0.5).set("unit", "1").set("attributes", Map.of()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(g, enc);
        enc.flush();
        MetricPoint m = new SpecificDatumReader<>(MetricPoint.class)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertEquals("inventory", m.getServiceName());
        assertEquals(0.5, m.getValue());
        assertEquals(42L, m.getTimeMs());
    }
}
