package io.auspex.jobs.decode.otlp;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpDecoderTest {
    static final long HOUR = 3_600_000L;
    static final long NS = 1_000_000L;
    static final String TRACE = "5b8efff798038103d269b633813fc60c";

    static OtlpDecoder decoder(TelemetryDecoder.Kind kind, InputFormat format) {
        return new OtlpDecoder(kind, format, HOUR, 7 * 24 * HOUR, OtlpSettings.DEFAULTS);
    }

    static List<Telemetry> decode(TelemetryDecoder.Kind kind, InputFormat format, byte[] value) {
        List<Telemetry> out = new ArrayList<>();
        decoder(kind, format).decode("otlp_spans", 3, 77, T0, null, value, T0, out::add);
        return out;
    }

    static KeyValue attr(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static KeyValue attr(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    static Resource resource(String service) {
        return Resource.newBuilder().addAttributes(attr("service.name", service))
                .addAttributes(attr("k8s.pod.name", service + "-7d9f-x2")).build();
    }

    static ByteString hex(String h) {
        return ByteString.copyFrom(HexFormat.of().parseHex(h));
    }

    static io.opentelemetry.proto.trace.v1.Span.Builder span(String spanId, int kind, long startMs, long durMs) {
        return io.opentelemetry.proto.trace.v1.Span.newBuilder().setTraceId(hex(TRACE)).setSpanId(hex(spanId))
                .setName("GET /cart/{id}").setKindValue(kind)
                .setStartTimeUnixNano(startMs * NS).setEndTimeUnixNano((startMs + durMs) * NS);
    }

    static TracesData traces(Resource r, io.opentelemetry.proto.trace.v1.Span... spans) {
        return TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(r)
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
    }

    /** The example shape of opentelemetry-proto's examples/trace.json, with times near T0. */
    static final String TRACE_JSON = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},
              {"key":"service.instance.id","value":{"stringValue":"checkout-1"}}]},
              "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0","attributes":[]},
                "spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
                  "parentSpanId":"EEE19B7EC3C1B173","name":"I'm a server span","kind":2,
                  "startTimeUnixNano":"%d","endTimeUnixNano":%d,
                  "attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}},
                    {"key":"peer.service","value":{"stringValue":"payments-db"}},
                    {"key":"an.unknown.one","value":{"boolValue":true}}],
                  "status":{},"flags":257,"unknownField":{"x":1}}]}]}]}
            """.formatted(T0 * NS, (T0 + 250) * NS);

    @Test
    void otlpJsonSpanDecodesWithHexIdsIntegerEnumsAndSemconvStatus() {
        List<Telemetry> out = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_JSON,
                TRACE_JSON.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, out.size());
        Span s = out.get(0).span;
        assertEquals(Span.newBuilder().setTraceId(TRACE).setSpanId("eee19b7ec3c1b174")
                .setParentSpanId("eee19b7ec3c1b173").setServiceName("checkout").setName("I'm a server span")
                .setKind(SpanKind.SERVER).setStartTimeMs(T0).setDurationUs(250_000)
                // status UNSET, HTTP 503 on a server span: an error by the semantic conventions
                .setStatusCode(StatusCode.ERROR).setHttpStatusCode(503)
                .setAttributes(Map.of("peer.service", "payments-db", "service.instance.id", "checkout-1")).build(), s);
        assertEquals("otlp_spans", out.get(0).topic);
        assertEquals(77, out.get(0).offset);
    }

    @Test
    void jsonAndProtobufOfTheSameBatchGiveTheSameRecords() throws Exception {
        TracesData batch = OtlpJson.traces(TRACE_JSON.getBytes(StandardCharsets.UTF_8));
        List<Telemetry> fromProto = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, batch.toByteArray());
        List<Telemetry> fromJson = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_JSON,
                OtlpJson.print(batch).getBytes(StandardCharsets.UTF_8));
        assertEquals(1, fromProto.size());
        assertEquals(fromProto.get(0).span, fromJson.get(0).span);
        // the printer writes hex ids and integer enums, as OTLP/JSON requires
        String printed = OtlpJson.print(batch);
        assertTrue(printed.contains("\"traceId\":\"" + TRACE + "\""), printed);
        assertTrue(printed.contains("\"kind\":2"), printed);
    }

    @Test
    void errorRulesFollowTheSpanKindAndBothHttpGenerations() {
        TracesData batch = traces(resource("cart"),
                // new HTTP semconv: 404 on a server span is not an error, on a client span it is
                span("00000000000000a1", 2, T0, 5).addAttributes(attr("http.response.status_code", 404)).build(),
                span("00000000000000a2", 3, T0, 5).addAttributes(attr("http.response.status_code", 404)).build(),
                // old HTTP semconv: http.status_code
                span("00000000000000a3", 2, T0, 5).addAttributes(attr("http.status_code", 500)).build(),
                // gRPC: NOT_FOUND (5) is an error only on the client; UNAVAILABLE by name on the server is one
                span("00000000000000a4", 2, T0, 5).addAttributes(attr("rpc.grpc.status_code", 5)).build(),
                span("00000000000000a5", 3, T0, 5).addAttributes(attr("rpc.grpc.status_code", 5)).build(),
                span("00000000000000a6", 2, T0, 5).addAttributes(attr("rpc.status_code", "UNAVAILABLE")).build(),
                // an explicit status wins over the attributes
                span("00000000000000a7", 2, T0, 5).addAttributes(attr("http.response.status_code", 200))
                        .setStatus(Status.newBuilder().setCodeValue(2)).build(),
                span("00000000000000a8", 2, T0, 5).addAttributes(attr("http.response.status_code", 503))
                        .setStatus(Status.newBuilder().setCodeValue(1)).build());
        List<Telemetry> out = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, batch.toByteArray());
        List<StatusCode> statuses = out.stream().map(t -> t.span.getStatusCode()).toList();
        assertEquals(List.of(StatusCode.UNSET, StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET, StatusCode.ERROR,
                StatusCode.ERROR, StatusCode.ERROR, StatusCode.OK), statuses);
        assertEquals(500, out.get(2).span.getHttpStatusCode());
        assertEquals("cart-7d9f-x2", out.get(0).span.getAttributes().get("k8s.pod.name"));
    }

    @Test
    void badRecordsAreDeadLetteredOneByOneAndTheGoodOnesGoOn() {
        TracesData batch = TracesData.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resource("cart")).addScopeSpans(
                        ScopeSpans.newBuilder()
                                .addSpans(span("00000000000000b1", 2, T0, 5))
                                .addSpans(span("00000000000000b2", 2, T0, 5).setSpanId(hex("00000000000000")))
                                .addSpans(span("00000000000000b3", 2, T0, 5).setEndTimeUnixNano(T0 * NS - 1))))
                .addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.getDefaultInstance()).addScopeSpans(
                        ScopeSpans.newBuilder().addSpans(span("00000000000000b4", 2, T0, 5))))
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resource("cart")).addScopeSpans(
                        ScopeSpans.newBuilder()
                                .addSpans(span("00000000000000b5", 2, 0, 5))
                                .addSpans(span("00000000000000b6", 2, T0 + 1, 5))))
                .build();
        List<Telemetry> out = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, batch.toByteArray());
        assertEquals(6, out.size());
        assertEquals("00000000000000b1", out.get(0).span.getSpanId());
        assertEquals("00000000000000b6", out.get(5).span.getSpanId());
        List<String> reasons = out.subList(1, 5).stream().map(t -> t.deadLetter.getReason()).toList();
        assertEquals(List.of("invalid_id", "negative_duration", "missing_service", "bad_timestamp"), reasons);
        List<Integer> indexes = out.subList(1, 5).stream().map(t -> t.deadLetter.getRecordIndex()).toList();
        assertEquals(List.of(1, 2, 3, 4), indexes);
        // the dead letter holds the bad record alone, as a one-record batch with its resource
        TracesData alone = parse(out.get(3).deadLetter.getValue());
        assertEquals(1, alone.getResourceSpans(0).getScopeSpans(0).getSpansCount());
        assertEquals(hex("00000000000000b4"), alone.getResourceSpans(0).getScopeSpans(0).getSpans(0).getSpanId());
        assertEquals(77, out.get(3).deadLetter.getOffset());
    }

    static TracesData parse(ByteBuffer b) {
        try {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return TracesData.parseFrom(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void undecodableMessagesAndWrongSignalBatchesAreDeadLetteredWhole() {
        byte[] junk = {(byte) 0xff, (byte) 0xff, 0x13, 0x07};
        List<Telemetry> out = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, junk);
        assertEquals(1, out.size());
        assertEquals("undecodable", out.get(0).deadLetter.getReason());
        assertEquals(ByteBuffer.wrap(junk), out.get(0).deadLetter.getValue());
        assertNull(out.get(0).deadLetter.getRecordIndex());

        byte[] truncated = java.util.Arrays.copyOf(traces(resource("cart"), span("00000000000000c1", 2, T0, 5)
                .build()).toByteArray(), 30);
        assertEquals("undecodable", decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, truncated).get(0)
                .deadLetter.getReason());
        assertEquals("undecodable", decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_JSON,
                "{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8)).get(0).deadLetter.getReason());
        assertEquals("undecodable", decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, null).get(0)
                .deadLetter.getReason());

        // a metrics batch on the spans topic: protobuf rejects it (its fields land on a span's string fields as
        // invalid UTF-8) or, when it parses, none of its "spans" is usable; either way one dead letter, whole
        MetricsData metrics = MetricsData.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource("cart")).addScopeMetrics(ScopeMetrics.newBuilder()
                        .addMetrics(gauge("process.cpu.utilization", 0.5)).addMetrics(gauge("x", 1)))).build();
        List<Telemetry> wrong = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, metrics.toByteArray());
        assertEquals(1, wrong.size());
        assertTrue(wrong.get(0).isDeadLetter());
        assertNull(wrong.get(0).deadLetter.getRecordIndex());
        assertEquals(ByteBuffer.wrap(metrics.toByteArray()), wrong.get(0).deadLetter.getValue());

        // a batch that parses and whose records are all bad is one dead letter too, with the first reason
        TracesData allBad = traces(Resource.getDefaultInstance(), span("00000000000000c2", 2, T0, 5).build(),
                span("00000000000000c3", 2, T0, 5).build());
        List<Telemetry> one = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, allBad.toByteArray());
        assertEquals(1, one.size());
        assertEquals("missing_service", one.get(0).deadLetter.getReason());
        assertTrue(one.get(0).deadLetter.getDetail().startsWith("none of the 2 records is usable"),
                one.get(0).deadLetter.getDetail());
    }

    @Test
    void clientSpansKeepTheUrlTheyCalledAndServerSpansDoNot() {
        String url = "http://ts-order-service:12031/api/v1/orderservice/order/7";
        TracesData batch = traces(resource("cart"),
                span("00000000000000c1", 3, T0, 5).addAttributes(attr("http.url", url))
                        .addAttributes(attr("url.full", url)).addAttributes(attr("http.target", "/x?y=1")).build(),
                span("00000000000000c2", 2, T0, 5).addAttributes(attr("http.url", url)).build());
        List<Telemetry> out = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, batch.toByteArray());
        assertEquals(Map.of("http.url", url, "url.full", url, "http.target", "/x?y=1", "k8s.pod.name", "cart-7d9f-x2"),
                out.get(0).span.getAttributes());
        assertEquals(Map.of("k8s.pod.name", "cart-7d9f-x2"), out.get(1).span.getAttributes(),
                "a SERVER span's own URL is of no use downstream");
    }

    @Test
    void deadLettersAlwaysFitAKafkaRecordAndHugeValuesAreTruncatedWhereTheRecordIsStillUseful() {
        // 2 MB that are not protobuf: the dead letter keeps the first 512 KiB, the size and the SHA-256
        byte[] huge = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 0xff);
        Telemetry d = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, huge).get(0);
        assertEquals("undecodable", d.deadLetter.getReason());
        assertEquals(TelemetryDecoder.MAX_DEAD_LETTER_VALUE, d.deadLetter.getValue().remaining());
        assertEquals(huge.length, d.deadLetter.getValueTruncatedFrom());
        assertEquals(64, d.deadLetter.getValueSha256().length());
        // a 1 MB attribute value on a good span: the span is used, the kept value cut to 1,024 characters
        String mb = "p".repeat(1024 * 1024);
        TracesData batch = traces(resource("cart"), span("00000000000000d1", 3, T0, 5)
                .addAttributes(attr("peer.service", mb)).addAttributes(attr("x.unkept", mb)).build());
        Span s = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, batch.toByteArray()).get(0).span;
        assertEquals(1024, s.getAttributes().get("peer.service").length());
        assertNull(s.getAttributes().get("x.unkept"));
    }

    @Test
    void anEmptyValueIsADeadLetterNotNothing() {
        // zero bytes parse as an empty protobuf batch; without a dead letter the Kafka record would vanish
        for (TelemetryDecoder.Kind kind : TelemetryDecoder.Kind.values()) {
            List<Telemetry> out = decode(kind, InputFormat.OTLP_PROTO, new byte[0]);
            assertEquals(1, out.size(), kind.name());
            assertEquals("no_records", out.get(0).deadLetter.getReason());
            assertEquals("empty value", out.get(0).deadLetter.getDetail());
            assertEquals(ByteBuffer.wrap(new byte[0]), out.get(0).deadLetter.getValue());
            assertNull(out.get(0).deadLetter.getRecordIndex());
        }
        // bytes of unknown fields only are no batch either
        List<Telemetry> unknown = decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, new byte[] {0x78, 0x01});
        assertEquals("no_records", unknown.get(0).deadLetter.getReason());
        assertEquals("undecodable", decode(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_JSON, new byte[0]).get(0)
                .deadLetter.getReason());
    }

    static Metric gauge(String name, double v) {
        return Metric.newBuilder().setName(name).setUnit("1").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0 * NS).setAsDouble(v))).build();
    }

    static List<MetricPoint> decodeMetrics(Metric... metrics) {
        MetricsData batch = MetricsData.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource("db")).addScopeMetrics(ScopeMetrics.newBuilder()
                        .addAllMetrics(List.of(metrics)))).build();
        List<Telemetry> out = decode(TelemetryDecoder.Kind.METRIC, InputFormat.OTLP_PROTO, batch.toByteArray());
        return out.stream().map(t -> {
            assertNull(t.deadLetter, () -> t.deadLetter.getReason() + ": " + t.deadLetter.getDetail());
            return t.metric;
        }).toList();
    }

    static MetricPoint.Builder point(String name, MetricType type) {
        return MetricPoint.newBuilder().setServiceName("db").setName(name).setTimeMs(T0).setUnit("")
                .setAttributes(Map.of("k8s.pod.name", "db-7d9f-x2")).setType(type);
    }

    @Test
    void allFiveMetricTypesDecodeIntoPoints() {
        NumberDataPoint.Builder n = NumberDataPoint.newBuilder().setTimeUnixNano(T0 * NS)
                .setStartTimeUnixNano((T0 - 60_000) * NS);
        List<MetricPoint> points = decodeMetrics(
                gauge("process.cpu.utilization", 0.75),
                Metric.newBuilder().setName("db.client.connection.count").setSum(Sum.newBuilder().setIsMonotonic(false)
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(n.clone().setAsInt(7))).build(),
                Metric.newBuilder().setName("requests").setSum(Sum.newBuilder().setIsMonotonic(true)
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(n.clone().setAsInt(12))).build(),
                Metric.newBuilder().setName("bytes").setSum(Sum.newBuilder().setIsMonotonic(true)
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(n.clone().setAsDouble(1e9))).build(),
                Metric.newBuilder().setName("http.server.request.duration").setUnit("s").setHistogram(
                        Histogram.newBuilder()
                                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                                .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T0 * NS).setCount(6)
                                        .setSum(1.5).addAllExplicitBounds(List.of(0.1, 0.5))
                                        .addAllBucketCounts(List.of(3L, 2L, 1L))
                                        .addAttributes(attr("http.response.status_code", 200)))).build(),
                Metric.newBuilder().setName("rpc.server.call.duration").setUnit("s").setExponentialHistogram(
                        ExponentialHistogram.newBuilder()
                                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T0 * NS)
                                        .setCount(5).setSum(3).setScale(0).setZeroCount(1)
                                        .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-1)
                                                .addAllBucketCounts(List.of(1L, 3L))))).build(),
                Metric.newBuilder().setName("legacy.latency").setSummary(Summary.newBuilder().addDataPoints(
                        SummaryDataPoint.newBuilder().setTimeUnixNano(T0 * NS).setCount(40).setSum(8))).build());
        assertEquals(7, points.size());
        assertEquals(point("process.cpu.utilization", MetricType.GAUGE).setValue(0.75).setUnit("1").build(),
                points.get(0));
        assertEquals(point("db.client.connection.count", MetricType.GAUGE).setValue(7).setStartTimeMs(T0 - 60_000)
                .build(), points.get(1));
        assertEquals(point("requests", MetricType.COUNTER).setValue(12).setStartTimeMs(T0 - 60_000).build(),
                points.get(2));
        assertEquals(point("bytes", MetricType.COUNTER).setValue(1e9).setCumulative(true).setStartTimeMs(T0 - 60_000)
                .build(), points.get(3));
        assertEquals(point("http.server.request.duration", MetricType.HISTOGRAM).setUnit("s").setValue(1.5)
                .setCount(6).setBounds(List.of(0.1, 0.5)).setBucketCounts(List.of(3L, 2L, 1L))
                .setAttributes(Map.of("k8s.pod.name", "db-7d9f-x2", "http.response.status_code", "200")).build(),
                points.get(4));
        // scale 0: base 2; offset -1: buckets (0.5, 1] and (1, 2]; the zero bucket at or below 0
        assertEquals(point("rpc.server.call.duration", MetricType.HISTOGRAM).setUnit("s").setValue(3).setCount(5)
                .setCumulative(true).setBounds(List.of(0.0, 1.0, 2.0)).setBucketCounts(List.of(1L, 1L, 3L, 0L))
                .build(), points.get(5));
        assertEquals(point("legacy.latency", MetricType.HISTOGRAM).setValue(8).setCount(40).setCumulative(true)
                .build(), points.get(6));
    }

    @Test
    void badDataPointsAreDeadLetteredOnTheirOwn() {
        MetricsData batch = MetricsData.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource("db")).addScopeMetrics(ScopeMetrics.newBuilder()
                        .addMetrics(gauge("ok", 1))
                        .addMetrics(gauge("nan", Double.NaN))
                        .addMetrics(Metric.newBuilder().setName("h").setHistogram(Histogram.newBuilder()
                                .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T0 * NS).setCount(1)
                                        .addAllExplicitBounds(List.of(1.0, 2.0)).addAllBucketCounts(List.of(1L)))))))
                .build();
        List<Telemetry> out = decode(TelemetryDecoder.Kind.METRIC, InputFormat.OTLP_PROTO, batch.toByteArray());
        assertEquals("ok", out.get(0).metric.getName());
        assertEquals("non_finite_value", out.get(1).deadLetter.getReason());
        assertEquals("bad_histogram", out.get(2).deadLetter.getReason());
        assertEquals(2, out.get(2).deadLetter.getRecordIndex());
    }

    @Test
    void logsKeepSeverityBodyIdsAndExceptionAttributes() {
        LogsData batch = LogsData.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", "auth"))
                        .addAttributes(attr("service.namespace", "shop")))
                .addScopeLogs(ScopeLogs.newBuilder()
                        .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                                .setTimeUnixNano(T0 * NS).setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
                                .setSeverityText("ERROR").setBody(AnyValue.newBuilder().setStringValue("token 42 expired"))
                                .setTraceId(hex(TRACE)).setSpanId(hex("eee19b7ec3c1b174"))
                                .addAttributes(attr("exception.type", "java.lang.IllegalStateException"))
                                .addAttributes(attr("exception.message", "expired")))
                        // no time: the observed time; no number: from the text; a structured body
                        .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                                .setObservedTimeUnixNano((T0 + 5) * NS).setSeverityText("warning")
                                .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                                        .addValues(attr("msg", "slow")).addValues(attr("ms", 900)))))
                        // a 5-byte trace id is invalid: left out, the log kept
                        .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                                .setTimeUnixNano(T0 * NS).setTraceId(hex("0102030405")))))
                .build();
        List<Telemetry> out = decode(TelemetryDecoder.Kind.LOG, InputFormat.OTLP_PROTO, batch.toByteArray());
        assertEquals(LogRecord.newBuilder().setServiceName("shop/auth").setTimeMs(T0).setSeverityNumber(17)
                .setSeverityText("ERROR").setBody("token 42 expired").setTraceId(TRACE).setSpanId("eee19b7ec3c1b174")
                .setAttributes(Map.of("exception.type", "java.lang.IllegalStateException",
                        "exception.message", "expired")).build(), out.get(0).log);
        assertEquals(T0 + 5, out.get(1).log.getTimeMs());
        assertEquals(13, out.get(1).log.getSeverityNumber());
        assertEquals("{msg=slow,ms=900}", out.get(1).log.getBody());
        assertNull(out.get(1).log.getTraceId());
        assertNull(out.get(2).log.getTraceId());
        assertNull(out.get(2).log.getSpanId());
    }

    @Test
    void serviceNamespaceCanBeLeftOut() {
        LogsData batch = LogsData.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", "auth"))
                        .addAttributes(attr("service.namespace", "shop")))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord
                        .newBuilder().setTimeUnixNano(T0 * NS)))).build();
        OtlpDecoder bare = new OtlpDecoder(TelemetryDecoder.Kind.LOG, InputFormat.OTLP_PROTO, HOUR, 7 * 24 * HOUR,
                new OtlpSettings(false));
        List<Telemetry> out = new ArrayList<>();
        bare.decode("otlp_logs", 0, 0, T0, null, batch.toByteArray(), T0, out::add);
        assertEquals("auth", out.get(0).log.getServiceName());
    }
}
