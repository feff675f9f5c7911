package io.auspex.jobs.decode;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.auspex.jobs.Fixtures;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.LimitCounter.Adjustment;
import io.auspex.jobs.decode.otlp.OtlpJson;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every limit at the door, with its exact outcome, on each input format: Avro records, OTLP
 * protobuf batches and the same batches as OTLP/JSON go through the same {@link Limits}.
 */
class LimitsTest {
    static final long HOUR = 3_600_000L;
    static final long NS = 1_000_000L;
    static final String TRACE = Fixtures.TRACE;

    /** What one Kafka record decodes into, and the cuts counted on the way. */
    record Decoded(List<Telemetry> records, List<Adjustment> cuts) {
        Telemetry only() {
            assertEquals(1, records.size(), records::toString);
            return records.get(0);
        }

        String reason() {
            Telemetry t = only();
            return t.isDeadLetter() ? t.deadLetter.getReason() : null;
        }
    }

    static Decoded decode(MessageDecoder decoder, byte[] value) {
        List<Telemetry> out = new ArrayList<>();
        List<Adjustment> cuts = new ArrayList<>();
        decoder.decode("topic", 0, 1, T0, null, value, T0, out::add, cuts::add);
        return new Decoded(out, cuts);
    }

    static PipelineConfig config(Path dir, String format, Map<String, String> options) throws Exception {
        Map<String, String> m = new HashMap<>(options);
        m.put(AuspexOptions.BOOTSTRAP_SERVERS.key(), "unused:9092");
        m.put(AuspexOptions.SLO_FILE.key(), Files.writeString(dir.resolve("s.yaml"), "slos: []\n").toString());
        m.put(AuspexOptions.SPANS_FORMAT.key(), format);
        m.put(AuspexOptions.METRICS_FORMAT.key(), format);
        m.put(AuspexOptions.LOGS_FORMAT.key(), format);
        return PipelineConfig.from(Configuration.fromMap(m));
    }

    /** The decoder the job builds for {@code kind} in {@code format}, with the default limits. */
    static MessageDecoder decoder(TelemetryDecoder.Kind kind, InputFormat format) {
        return format == InputFormat.AVRO ? new TelemetryDecoder(kind, HOUR, 7 * 24 * HOUR)
                : new io.auspex.jobs.decode.otlp.OtlpDecoder(kind, format, HOUR, 7 * 24 * HOUR,
                        io.auspex.jobs.decode.otlp.OtlpSettings.DEFAULTS);
    }

    // ---- the same record in each format ----

    static KeyValue attr(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    /** A server span of {@code service}, {@code name}, lasting {@code durationUs}, in {@code format}. */
    static byte[] span(InputFormat format, String service, String name, long durationUs) {
        if (format == InputFormat.AVRO) {
            return new AvroBinary<>(Span.class).encode(Fixtures.span(service, "00000000000000a1", null,
                    SpanKind.SERVER, T0).setName(name).setDurationUs(durationUs).build());
        }
        TracesData batch = TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder()
                        .setTraceId(hex(TRACE)).setSpanId(hex("00000000000000a1")).setName(name).setKindValue(2)
                        .setStartTimeUnixNano(T0 * NS).setEndTimeUnixNano(T0 * NS + durationUs * 1000L))))
                .build();
        return format == InputFormat.OTLP_PROTO ? batch.toByteArray() : json(batch);
    }

    /** A gauge point of {@code service} with {@code attributes}, in {@code format}. */
    static byte[] gauge(InputFormat format, String service, String name, double value, Map<String, String> attributes) {
        if (format == InputFormat.AVRO) {
            return new AvroBinary<>(MetricPoint.class).encode(MetricPoint.newBuilder().setServiceName(service)
                    .setName(name).setTimeMs(T0).setValue(value).setUnit("1").setType(MetricType.GAUGE)
                    .setAttributes(attributes).build());
        }
        NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(T0 * NS).setAsDouble(value);
        attributes.forEach((k, v) -> p.addAttributes(attr(k, v)));
        MetricsData batch = MetricsData.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(name).setUnit("1")
                        .setGauge(Gauge.newBuilder().addDataPoints(p))))).build();
        return format == InputFormat.OTLP_PROTO ? batch.toByteArray() : json(batch);
    }

    /** An error log of {@code service} with {@code body} and the given ids (hex, as in Avro; null for none). */
    static byte[] log(InputFormat format, String service, String body, String traceId, String spanId) {
        if (format == InputFormat.AVRO) {
            return new AvroBinary<>(LogRecord.class).encode(LogRecord.newBuilder(Fixtures.log(service, T0, 17, body))
                    .setTraceId(traceId).setSpanId(spanId).build());
        }
        io.opentelemetry.proto.logs.v1.LogRecord.Builder l = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                .setTimeUnixNano(T0 * NS).setSeverityNumberValue(17).setSeverityText("ERROR")
                .setBody(AnyValue.newBuilder().setStringValue(body));
        if (traceId != null) {
            l.setTraceId(hex(traceId));
        }
        if (spanId != null) {
            l.setSpanId(hex(spanId));
        }
        LogsData batch = LogsData.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(l))).build();
        return format == InputFormat.OTLP_PROTO ? batch.toByteArray() : json(batch);
    }

    static byte[] json(com.google.protobuf.Message batch) {
        return OtlpJson.print(batch).getBytes(StandardCharsets.UTF_8);
    }

    static ByteString hex(String h) {
        return ByteString.copyFrom(HexFormat.of().parseHex(h));
    }

    static final List<InputFormat> FORMATS = List.of(InputFormat.AVRO, InputFormat.OTLP_PROTO, InputFormat.OTLP_JSON);

    // ---- the limits ----

    @Test
    void serviceNamesOverTheLengthAreDeadLetteredNeverCut() {
        for (InputFormat f : FORMATS) {
            MessageDecoder d = decoder(TelemetryDecoder.Kind.SPAN, f);
            assertEquals("x".repeat(256), decode(d, span(f, "x".repeat(256), "GET /", 1000)).only().span
                    .getServiceName(), f::toString);
            Decoded over = decode(d, span(f, "x".repeat(512 * 1024), "GET /", 1000));
            assertEquals("invalid_service", over.reason(), f::toString);
            assertTrue(over.only().deadLetter.getDetail().contains("service name of 524288 characters, over "
                    + "auspex.limits.max-service-name-length 256"), over.only().deadLetter::getDetail);
        }
    }

    @Test
    void serviceNamesWithControlFormatOrReplacementCharactersAreDeadLettered() {
        for (InputFormat f : FORMATS) {
            MessageDecoder d = decoder(TelemetryDecoder.Kind.SPAN, f);
            for (String bad : List.of("pay\u0000ment", "pay\nment", "pay\u007fment", "pay\u0085ment",
                    "pay\u202ement", "pay\u200bment", "pay\u2028ment", "pay\ufffdment")) {
                Decoded out = decode(d, span(f, bad, "GET /", 1000));
                assertEquals("invalid_service", out.reason(), () -> f + " " + bad);
                assertTrue(out.only().deadLetter.getDetail().endsWith(" at index 3"),
                        out.only().deadLetter::getDetail);
            }
            // letters of any script, digits, spaces inside, punctuation and emoji (a surrogate pair) are fine
            for (String good : List.of("shop/checkout", "zahlungs-dienst_2", "決済", "my service", "cart\ud83d\uded2")) {
                assertEquals(good, decode(d, span(f, good, "GET /", 1000)).only().span.getServiceName(),
                        () -> f + " " + good);
            }
            // whitespace only, no-break spaces included, is no service
            for (String blank : List.of("   ", "\t", "\u00a0\u00a0")) {
                assertEquals("missing_service", decode(d, span(f, blank, "GET /", 1000)).reason(),
                        () -> f + " '" + blank + "'");
            }
        }
    }

    @Test
    void invalidUtf8InAServiceNameIsDeadLetteredOnEveryFormat() {
        // the bytes 'a', 0xC3 (a lead byte without its continuation), 'b' as the service name
        byte[] avro = new AvroBinary<>(Span.class).encode(Fixtures.span("aXb", "00000000000000a1", null,
                SpanKind.SERVER, T0).build());
        byte[] proto = span(InputFormat.OTLP_PROTO, "aXb", "GET /", 1000);
        byte[] jsonBytes = span(InputFormat.OTLP_JSON, "aXb", "GET /", 1000);
        for (byte[] b : List.of(avro, proto, jsonBytes)) {
            int at = indexOf(b, "aXb".getBytes(StandardCharsets.UTF_8));
            b[at + 1] = (byte) 0xC3;
        }
        // Avro decodes it as U+FFFD, which the service-name policy refuses; protobuf and JSON parsers refuse the batch
        assertEquals("invalid_service", decode(decoder(TelemetryDecoder.Kind.SPAN, InputFormat.AVRO), avro).reason());
        assertEquals("undecodable", decode(decoder(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO), proto)
                .reason());
        assertEquals("undecodable", decode(decoder(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_JSON), jsonBytes)
                .reason());
    }

    @Test
    void longNamesAreCutAndCounted() {
        for (InputFormat f : FORMATS) {
            Decoded out = decode(decoder(TelemetryDecoder.Kind.SPAN, f), span(f, "cart", "n".repeat(64 * 1024), 1000));
            assertEquals("n".repeat(1024), out.only().span.getName(), f::toString);
            assertEquals(List.of(Adjustment.SPAN_NAME), out.cuts(), f::toString);
            Decoded m = decode(decoder(TelemetryDecoder.Kind.METRIC, f), gauge(f, "cart", "m".repeat(70_000), 1.0,
                    Map.of("k".repeat(2000), "v".repeat(5000))));
            assertEquals("m".repeat(1024), m.only().metric.getName(), f::toString);
            assertEquals(Map.of("k".repeat(1024), "v".repeat(1024)), m.only().metric.getAttributes(), f::toString);
            assertEquals(List.of(Adjustment.METRIC_NAME, Adjustment.ATTRIBUTE_KEY, Adjustment.ATTRIBUTE_VALUE),
                    m.cuts(), f::toString);
        }
        // a cut never splits a surrogate pair: 1,023 x and an emoji become 1,023 x
        Decoded e = decode(decoder(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO),
                span(InputFormat.OTLP_PROTO, "cart", "x".repeat(1023) + "\ud83d\uded2" + "y", 1000));
        assertEquals("x".repeat(1023), e.only().span.getName());
    }

    @Test
    void tenThousandAttributesKeepTheFirst128InKeyOrder() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            many.put(String.format("a%05d", i), "v");
        }
        for (InputFormat f : FORMATS) {
            Decoded out = decode(decoder(TelemetryDecoder.Kind.METRIC, f), gauge(f, "cart", "queue.depth", 3, many));
            Map<String, String> kept = out.only().metric.getAttributes();
            assertEquals(128, kept.size(), f::toString);
            assertTrue(kept.containsKey("a00000") && kept.containsKey("a00127") && !kept.containsKey("a00128"),
                    f::toString);
            assertEquals(List.of(Adjustment.ATTRIBUTES), out.cuts(), f::toString);
        }
    }

    @Test
    void logBodiesAreCutAndMalformedLogIdsLeftOutAndCounted() {
        for (InputFormat f : FORMATS) {
            MessageDecoder d = decoder(TelemetryDecoder.Kind.LOG, f);
            Decoded big = decode(d, log(f, "cart", "b".repeat(1024 * 1024), TRACE, "00000000000000a1"));
            assertEquals(16 * 1024, big.only().log.getBody().length(), f::toString);
            assertEquals(TRACE, big.only().log.getTraceId());
            assertEquals(List.of(Adjustment.LOG_BODY), big.cuts(), f::toString);
            // a 5-byte (10 hex characters) trace id: both ids left out, the error log still counts
            Decoded shortId = decode(d, log(f, "cart", "boom", "0102030405", "00000000000000a1"));
            assertNull(shortId.only().log.getTraceId(), f::toString);
            assertNull(shortId.only().log.getSpanId(), f::toString);
            assertEquals(17, shortId.only().log.getSeverityNumber());
            assertEquals(List.of(Adjustment.LOG_ID), shortId.cuts(), f::toString);
            // an all-zero span id (W3C invalid): that id alone left out
            Decoded zero = decode(d, log(f, "cart", "boom", TRACE, "0000000000000000"));
            assertEquals(TRACE, zero.only().log.getTraceId(), f::toString);
            assertNull(zero.only().log.getSpanId(), f::toString);
            assertEquals(List.of(Adjustment.LOG_ID), zero.cuts(), f::toString);
        }
        // Avro ids that are not lowercase hex of the right length, e.g. 5 characters
        Decoded avro = decode(decoder(TelemetryDecoder.Kind.LOG, InputFormat.AVRO),
                new AvroBinary<>(LogRecord.class).encode(LogRecord.newBuilder(Fixtures.log("cart", T0, 17, "x"))
                        .setTraceId("abcde").setSpanId("00000000000000A1").build()));
        assertNull(avro.only().log.getTraceId());
        assertNull(avro.only().log.getSpanId());
    }

    @Test
    void implausibleSpanDurationsAreDeadLettered() {
        for (InputFormat f : FORMATS) {
            MessageDecoder d = decoder(TelemetryDecoder.Kind.SPAN, f);
            assertEquals(3_600_000_000L, decode(d, span(f, "cart", "GET /", 3_600_000_000L)).only().span
                    .getDurationUs(), f::toString);
            long thirtyOneYearsUs = 31L * 365 * 86_400_000_000L;
            assertEquals("implausible_duration", decode(d, span(f, "cart", "GET /", 3_600_000_001L)).reason());
            assertEquals("implausible_duration", decode(d, span(f, "cart", "GET /", thirtyOneYearsUs)).reason());
        }
        // Long.MAX_VALUE microseconds only fits Avro (OTLP has nanoseconds)
        assertEquals("implausible_duration", decode(decoder(TelemetryDecoder.Kind.SPAN, InputFormat.AVRO),
                span(InputFormat.AVRO, "cart", "GET /", Long.MAX_VALUE)).reason());
    }

    @Test
    void utilizationGaugesOutsideZeroToOneHundredAreDeadLettered() {
        for (InputFormat f : FORMATS) {
            MessageDecoder d = decoder(TelemetryDecoder.Kind.METRIC, f);
            for (double ok : new double[] {0, 0.42, 1, 85, 100}) {
                assertEquals(ok, decode(d, gauge(f, "cart", "process.cpu.utilization", ok, Map.of())).only().metric
                        .getValue(), f::toString);
            }
            for (double bad : new double[] {-0.01, 100.5, 1e9}) {
                Decoded out = decode(d, gauge(f, "cart", "process.cpu.utilization", bad, Map.of()));
                assertEquals("out_of_range", out.reason(), () -> f + " " + bad);
            }
            // a gauge named *.utilization that is not a configured saturation metric is held to the same range
            assertEquals("out_of_range", decode(d, gauge(f, "cart", "gpu.utilization", -1, Map.of())).reason());
            // other gauges may be negative
            assertEquals(-5.0, decode(d, gauge(f, "cart", "temperature", -5, Map.of())).only().metric.getValue());
        }
    }

    @Test
    void theConfiguredLimitsApplyToEveryFormat(@TempDir Path dir) throws Exception {
        for (InputFormat f : FORMATS) {
            PipelineConfig cfg = config(dir, f.key(), Map.of(
                    AuspexOptions.MAX_SPAN_DURATION.key(), "10 min",
                    AuspexOptions.MAX_SERVICE_NAME_LENGTH.key(), "8",
                    AuspexOptions.MAX_NAME_LENGTH.key(), "5",
                    AuspexOptions.MAX_LOG_BODY_LENGTH.key(), "3",
                    AuspexOptions.MAX_UTILIZATION.key(), "1"));
            MessageDecoder spans = KafkaIo.decoder(cfg, TelemetryDecoder.Kind.SPAN);
            assertEquals("implausible_duration", decode(spans, span(f, "cart", "GET /", 600_000_001L)).reason());
            assertEquals("invalid_service", decode(spans, span(f, "checkout1", "GET /", 1000)).reason());
            assertEquals("GET /", decode(spans, span(f, "checkout", "GET /cart", 1000)).only().span.getName());
            MessageDecoder logs = KafkaIo.decoder(cfg, TelemetryDecoder.Kind.LOG);
            assertEquals("boo", decode(logs, log(f, "cart", "boom", null, null)).only().log.getBody());
            MessageDecoder metrics = KafkaIo.decoder(cfg, TelemetryDecoder.Kind.METRIC);
            assertEquals("out_of_range", decode(metrics, gauge(f, "cart", "system.cpu.utilization", 42, Map.of()))
                    .reason());
        }
    }

    @Test
    void anAvroHistogramWhoseBucketsDoNotFitItsBoundsIsDeadLettered() {
        byte[] bad = new AvroBinary<>(MetricPoint.class).encode(MetricPoint.newBuilder().setServiceName("web")
                .setName("http.server.request.duration").setType(MetricType.HISTOGRAM).setTimeMs(T0).setValue(1)
                .setCount(5).setUnit("s").setBounds(List.of()).setBucketCounts(List.of(1L, 2L, 2L))
                .setAttributes(Map.of()).build());
        Decoded out = decode(decoder(TelemetryDecoder.Kind.METRIC, InputFormat.AVRO), bad);
        assertEquals("bad_histogram", out.reason());
        assertEquals("metric http.server.request.duration has 3 bucket counts for 0 bounds",
                out.only().deadLetter.getDetail());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
