package io.auspex.jobs.signals;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SpanKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SignalsAccumulatorTest {
    static final long[] THRESHOLDS = {300, 500};
    static final Set<String> GAUGES = Set.of("process.cpu.utilization");

    /** 100 server spans of 1..100 ms (every 10th an error), two client spans, 3 logs, 2 gauges. */
    static SignalsAccumulator filled() {
        SignalsAggregate agg = new SignalsAggregate(THRESHOLDS);
        SignalsAccumulator acc = agg.createAccumulator();
        for (int i = 1; i <= 100; i++) {
            agg.add(Telemetry.of(Fixtures.server("checkout", T0 + i, i * 1000L, i % 10 == 0)), acc);
        }
        agg.add(Telemetry.of(Fixtures.server("checkout", T0, 400_000, false)), acc);
        agg.add(Telemetry.of(Fixtures.server("checkout", T0, 600_000, false)), acc);
        agg.add(Telemetry.of(Fixtures.span("checkout", "00000000000000b2", null, SpanKind.CLIENT, T0).build()), acc);
        agg.add(Telemetry.of(Fixtures.log("checkout", T0, 9, "ok")), acc);
        agg.add(Telemetry.of(Fixtures.log("checkout", T0 + 1, 17, "payment failed for order 123")), acc);
        agg.add(Telemetry.of(Fixtures.log("checkout", T0 + 2, 17, "payment failed for order 456")), acc);
        agg.add(Telemetry.of(Fixtures.gauge("checkout", "process.cpu.utilization", T0, 0.4)), acc);
        agg.add(Telemetry.of(Fixtures.gauge("checkout", "process.cpu.utilization", T0 + 5, 0.7)), acc);
        agg.add(Telemetry.of(Fixtures.gauge("checkout", "process.memory.utilization", T0, 0.9)), acc);
        return acc;
    }

    @Test
    void goldenSignalsAreExact() {
        ServiceSignals s = SignalsWindowFunction.toSignals("checkout", T0, T0 + 10_000, filled(), THRESHOLDS, GAUGES);
        assertEquals(102, s.getRequestCount());
        assertEquals(10.2, s.getTrafficRps(), 1e-12);
        assertEquals(10, s.getErrorSpanCount());
        assertEquals(10, s.getHttp5xxCount());
        assertEquals(10.0 / 102, s.getErrorRatio(), 1e-12);
        assertEquals(3, s.getLogCount());
        assertEquals(2, s.getErrorLogCount());
        assertEquals(List.of("payment failed for order <n>"), s.getErrorLogTemplates());
        assertEquals(0.7, s.getSaturation(), 1e-12, "max of the configured gauges only");
        assertEquals(0.9, s.getGauges().get("process.memory.utilization"), 1e-12);
        assertEquals(Map.of("300", 2L, "500", 1L), s.getLatencyOverMs());
        assertEquals(5, s.getExemplarTraceIds().size(), "capped");
        assertEquals(1, s.getOperations().size());
        assertEquals(102, s.getOperations().get(0).getTotal());
        assertEquals(10, s.getOperations().get(0).getErrors());
        // DDSketch (lower rank, 1 % relative accuracy): rank 0.5 * 101 of 1..100, 400, 600 ms is 51 ms
        assertEquals(51.0, s.getLatencyP50Ms(), 51.0 * 0.01);
        assertEquals(600.0, s.getLatencyMaxMs(), 600.0 * 0.01);
    }

    @Test
    void serializerRoundTripsEverything() throws Exception {
        SignalsAccumulator a = filled();
        DataOutputSerializer out = new DataOutputSerializer(256);
        SignalsAccumulatorSerializer.INSTANCE.serialize(a, out);
        SignalsAccumulator b = SignalsAccumulatorSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, a, THRESHOLDS, GAUGES),
                SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, b, THRESHOLDS, GAUGES));
    }

    @Test
    void serializerVersion2KeepsMetricsAndStringsOfAnyLength() throws Exception {
        SignalsAggregate agg = new SignalsAggregate(THRESHOLDS);
        SignalsAccumulator a = filled();
        String longName = "GET /" + "x".repeat(70_000);
        agg.add(Telemetry.of(Fixtures.span("checkout", "00000000000000c1", null, SpanKind.SERVER, T0)
                .setName(longName).build()), a);
        agg.add(Telemetry.of(io.auspex.schemas.MetricPoint.newBuilder(Fixtures.gauge("checkout", "retries", T0, 3))
                .setType(io.auspex.schemas.MetricType.COUNTER).build()), a);
        agg.add(Telemetry.of(io.auspex.schemas.MetricPoint.newBuilder(Fixtures.gauge("checkout", "bytes", T0, 9e9))
                .setType(io.auspex.schemas.MetricType.COUNTER).setCumulative(true).setStartTimeMs(T0 - 1).build()), a);
        agg.add(Telemetry.of(io.auspex.schemas.MetricPoint.newBuilder(Fixtures.gauge("checkout",
                "http.server.request.duration", T0, 0.5)).setType(io.auspex.schemas.MetricType.HISTOGRAM)
                .setUnit("s").setCount(4).setBounds(List.of(0.1)).setBucketCounts(List.of(3L, 1L)).build()), a);
        DataOutputSerializer out = new DataOutputSerializer(256);
        SignalsAccumulatorSerializer.INSTANCE.serialize(a, out);
        SignalsAccumulator b = SignalsAccumulatorSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, a, THRESHOLDS, GAUGES),
                SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, b, THRESHOLDS, GAUGES));
        assertTrue(b.operations.containsKey(longName));
        assertEquals(Map.of("retries", 3.0), b.counters);
        SeriesPoint bytes = b.cumulative.values().iterator().next();
        assertEquals(9e9, bytes.value);
        assertEquals(T0 - 1, bytes.startMs);
        assertEquals(4, b.histRequests);
        assertEquals(a.histLatencyMs.getCount(), b.histLatencyMs.getCount());
    }

    /** Bytes of the version-1 format (strings as writeUTF, no metric fields), as the previous release wrote them. */
    @Test
    void serializerReadsVersion1() throws Exception {
        SignalsAccumulator a = filled();
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(1);
        out.writeLong(a.requests);
        out.writeLong(a.errorSpans);
        out.writeLong(a.http5xx);
        out.writeLong(a.errorLogs);
        out.writeLong(a.logs);
        com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput sketch =
                com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput.withDefaultInitialCapacity();
        a.latencyMs.encode(sketch, false);
        out.writeInt(sketch.numWrittenBytes());
        out.write(sketch.backingArray(), 0, sketch.numWrittenBytes());
        writeLongs(a.overCounts, out);
        out.writeInt(a.gauges.size());
        for (Map.Entry<String, Double> e : a.gauges.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
        out.writeInt(a.operations.size());
        for (Map.Entry<String, SignalsAccumulator.OperationAcc> e : a.operations.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().total);
            out.writeLong(e.getValue().errors);
            writeLongs(e.getValue().over, out);
        }
        out.writeInt(a.exemplars.size());
        for (String e : a.exemplars) {
            out.writeUTF(e);
        }
        out.writeInt(a.templates.size());
        for (Map.Entry<String, Long> e : a.templates.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        SignalsAccumulator b = SignalsAccumulatorSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, a, THRESHOLDS, GAUGES),
                SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, b, THRESHOLDS, GAUGES));
        assertEquals(THRESHOLDS.length, b.histOver.length);
    }

    /**
     * Bytes of the version-2 format: versions 3 and 4 only appended the log lines and overflow
     * counts, then the operations bound and unlisted spans, so they are today's bytes of an
     * accumulator without log lines, with version 2 and the last 24 + 12 bytes (line bound, zero
     * lines, two overflow counts; operations bound, unlisted spans) left off.
     */
    @Test
    void serializerReadsVersion2WithItsLogsAsOverflow() throws Exception {
        SignalsAccumulator a = filled();
        a.logLines.clear();
        DataOutputSerializer out = new DataOutputSerializer(256);
        SignalsAccumulatorSerializer.INSTANCE.serialize(a, out);
        byte[] v4 = out.getCopyOfBuffer();
        byte[] v2 = java.util.Arrays.copyOf(v4, v4.length - 24 - 12);
        v2[3] = 2;
        SignalsAccumulator b = SignalsAccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(v2));
        assertEquals(SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, a, THRESHOLDS, GAUGES),
                SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, b, THRESHOLDS, GAUGES));
        assertEquals(Map.of(), b.logLines);
        assertEquals(3, b.logOverflow, "the lines of a window begun before the upgrade are unlisted");
        assertEquals(2, b.errorLogOverflow);
    }

    /** Bytes of the version-3 format: today's without the last 12 (operations bound, unlisted spans). */
    @Test
    void serializerReadsVersion3WithTheDefaultOperationsBound() throws Exception {
        SignalsAccumulator a = filled();
        DataOutputSerializer out = new DataOutputSerializer(256);
        SignalsAccumulatorSerializer.INSTANCE.serialize(a, out);
        byte[] v4 = out.getCopyOfBuffer();
        byte[] v3 = java.util.Arrays.copyOf(v4, v4.length - 12);
        v3[3] = 3;
        SignalsAccumulator b = SignalsAccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(v3));
        assertEquals(SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, a, THRESHOLDS, GAUGES),
                SignalsWindowFunction.toSignals("c", T0, T0 + 10_000, b, THRESHOLDS, GAUGES));
        assertEquals(SignalsAccumulator.MAX_OPERATIONS, b.maxOperations);
        assertEquals(0, b.unlistedOperationSpans);
        assertEquals(List.copyOf(a.logLines.keySet()), List.copyOf(b.logLines.keySet()));
    }

    @Test
    void operationsBeyondTheBoundAreUnlistedAndCountedThroughMergeAndSerializer() throws Exception {
        SignalsAggregate agg = new SignalsAggregate(THRESHOLDS, MetricSignals.DEFAULTS, LogTemplateSettings.DEFAULTS, 2);
        SignalsAccumulator a = agg.createAccumulator();
        for (String op : List.of("GET /a", "GET /b", "GET /c", "GET /a", "GET /d", "GET /c")) {
            agg.add(Telemetry.of(named(op)), a);
        }
        assertEquals(java.util.Set.of("GET /a", "GET /b"), a.operations.keySet());
        assertEquals(3, a.operations.get("GET /a").total + a.operations.get("GET /b").total);
        assertEquals(3, a.unlistedOperationSpans, "GET /c twice and GET /d");
        assertEquals(6, a.requests, "every span counts in the service");
        DataOutputSerializer out = new DataOutputSerializer(256);
        SignalsAccumulatorSerializer.INSTANCE.serialize(a, out);
        SignalsAccumulator b = SignalsAccumulatorSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(2, b.maxOperations);
        assertEquals(3, b.unlistedOperationSpans);
        // a third accumulator with one listed and one new operation: the new one does not fit
        SignalsAccumulator c = agg.createAccumulator();
        agg.add(Telemetry.of(named("GET /b")), c);
        agg.add(Telemetry.of(named("GET /e")), c);
        SignalsAccumulator copy = SignalsAccumulatorSerializer.INSTANCE.copy(b);
        assertEquals(2, copy.maxOperations);
        copy.merge(c);
        assertEquals(java.util.Set.of("GET /a", "GET /b"), copy.operations.keySet());
        assertEquals(2, copy.operations.get("GET /b").total);
        assertEquals(3 + 1, copy.unlistedOperationSpans, "c's GET /e joins the unlisted");
        assertEquals(8, copy.requests);
    }

    @Test
    void serializerRejectsAnUnknownVersion() {
        DataOutputSerializer out = new DataOutputSerializer(16);
        assertEquals("unknown SignalsAccumulator format version 5", org.junit.jupiter.api.Assertions.assertThrows(
                java.io.IOException.class, () -> {
                    out.writeInt(5);
                    SignalsAccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
                }).getMessage());
    }

    @Test
    void logLinesAreKeptMaskedWithExactCounts() throws Exception {
        SignalsAccumulator a = filled();
        assertEquals(List.of("ok", "payment failed for order <NUM>"), List.copyOf(a.logLines.keySet()));
        SignalsAccumulator.LineCount failed = a.logLines.get("payment failed for order <NUM>");
        assertEquals(2, failed.count);
        assertEquals(2, failed.errorCount);
        assertEquals(T0 + 1, failed.firstMs);
        assertEquals(T0 + 2, failed.lastMs);
        assertEquals(0, a.logOverflow);
        DataOutputSerializer out = new DataOutputSerializer(256);
        SignalsAccumulatorSerializer.INSTANCE.serialize(a, out);
        SignalsAccumulator b = SignalsAccumulatorSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(List.copyOf(a.logLines.keySet()), List.copyOf(b.logLines.keySet()));
        assertEquals(2, b.logLines.get("payment failed for order <NUM>").errorCount);
        assertEquals(a.maxLogLines, b.maxLogLines);
        SignalsAccumulator merged = SignalsAccumulatorSerializer.INSTANCE.copy(a);
        merged.merge(b);
        assertEquals(4, merged.logLines.get("payment failed for order <NUM>").count);
        assertEquals(6, merged.logs);
    }

    @Test
    void theLineBoundKeepsRoomForErrorsAndCountsTheRestAsOverflow() {
        SignalsAggregate agg = new SignalsAggregate(THRESHOLDS, MetricSignals.DEFAULTS,
                new LogTemplateSettings(8, io.auspex.models.logs.MinerConfig.DEFAULTS));
        SignalsAccumulator a = agg.createAccumulator();
        for (int i = 0; i < 20; i++) {
            agg.add(Telemetry.of(Fixtures.log("checkout", T0 + i, 9, "info line " + (char) ('a' + i))), a);
        }
        assertEquals(6, a.logLines.size(), "three quarters of 8 for lines first seen below ERROR");
        for (int i = 0; i < 5; i++) {
            agg.add(Telemetry.of(Fixtures.log("checkout", T0 + i, 17, "error line " + (char) ('a' + i))), a);
        }
        assertEquals(8, a.logLines.size());
        assertEquals(14 + 3, a.logOverflow);
        assertEquals(3, a.errorLogOverflow);
        long kept = a.logLines.values().stream().mapToLong(c -> c.count).sum();
        long keptErrors = a.logLines.values().stream().mapToLong(c -> c.errorCount).sum();
        assertEquals(a.logs, kept + a.logOverflow);
        assertEquals(a.errorLogs, keptErrors + a.errorLogOverflow);
    }

    private static io.auspex.schemas.Span named(String operation) {
        return Fixtures.span("checkout", "00000000000000a1", null, SpanKind.SERVER, T0).setName(operation).build();
    }

    private static void writeLongs(long[] v, DataOutputSerializer out) throws java.io.IOException {
        out.writeInt(v.length);
        for (long x : v) {
            out.writeLong(x);
        }
    }

    @Test
    void mergeEqualsOneAccumulatorOverAllInput() {
        SignalsAccumulator merged = filled();
        merged.merge(filled());
        ServiceSignals s = SignalsWindowFunction.toSignals("checkout", T0, T0 + 10_000, merged, THRESHOLDS, GAUGES);
        assertEquals(204, s.getRequestCount());
        assertEquals(20, s.getErrorSpanCount());
        assertEquals(Map.of("300", 4L, "500", 2L), s.getLatencyOverMs());
    }

    @Test
    void emptyWindowHasZeroLatency() {
        ServiceSignals s = SignalsWindowFunction.toSignals("x", T0, T0 + 10_000, new SignalsAccumulator(0),
                new long[0], GAUGES);
        assertEquals(0, s.getLatencyP99Ms());
        assertEquals(0, s.getErrorRatio());
    }

    @Test
    void logTemplatesMaskIdsAndNumbers() {
        assertEquals("order <n> failed: trace <id> user <uuid>", LogTemplates.templateOf(
                "order 12345 failed: trace 0af7651916cd43dd user 123e4567-e89b-12d3-a456-426614174000"));
        assertTrue(LogTemplates.templateOf("x".repeat(500)).length() == LogTemplates.MAX_LENGTH);
    }
}
