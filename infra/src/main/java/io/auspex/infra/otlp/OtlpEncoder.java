package io.auspex.infra.otlp;

import com.google.protobuf.ByteString;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.Span;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's records as OTLP batches, grouped by service into one resource each, as an
 * OpenTelemetry SDK and the Collector's batch processor send them: the simulator's output format
 * and what {@code replay} writes. The inverse of the job's OTLP decoder for the fields both have.
 */
public final class OtlpEncoder {
    static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("io.auspex.simulator")
            .setVersion("0.1.0").build();
    private static final long NS_PER_MS = 1_000_000L;

    private OtlpEncoder() {}

    public static TracesData traces(List<Span> spans) {
        Map<String, ScopeSpans.Builder> byService = new LinkedHashMap<>();
        for (Span s : spans) {
            io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
                    .setTraceId(id(s.getTraceId())).setSpanId(id(s.getSpanId()))
                    .setName(s.getName()).setKindValue(s.getKind().ordinal())
                    .setStartTimeUnixNano(s.getStartTimeMs() * NS_PER_MS)
                    .setEndTimeUnixNano(s.getStartTimeMs() * NS_PER_MS + s.getDurationUs() * 1_000L)
                    .setStatus(Status.newBuilder().setCodeValue(s.getStatusCode().ordinal()));
            if (s.getParentSpanId() != null) {
                b.setParentSpanId(id(s.getParentSpanId()));
            }
            if (s.getHttpStatusCode() != null) {
                b.addAttributes(intAttr("http.response.status_code", s.getHttpStatusCode()));
            }
            s.getAttributes().forEach((k, v) -> b.addAttributes(attr(k, v)));
            byService.computeIfAbsent(s.getServiceName(), k -> ScopeSpans.newBuilder().setScope(SCOPE)).addSpans(b);
        }
        TracesData.Builder out = TracesData.newBuilder();
        byService.forEach((service, scope) -> out.addResourceSpans(ResourceSpans.newBuilder()
                .setResource(resource(service)).addScopeSpans(scope)));
        return out.build();
    }

    public static MetricsData metrics(List<MetricPoint> points) {
        Map<String, ScopeMetrics.Builder> byService = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            byService.computeIfAbsent(p.getServiceName(), k -> ScopeMetrics.newBuilder().setScope(SCOPE))
                    .addMetrics(metric(p));
        }
        MetricsData.Builder out = MetricsData.newBuilder();
        byService.forEach((service, scope) -> out.addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource(service)).addScopeMetrics(scope)));
        return out.build();
    }

    static Metric metric(MetricPoint p) {
        long t = p.getTimeMs() * NS_PER_MS;
        long start = p.getStartTimeMs() * NS_PER_MS;
        Metric.Builder m = Metric.newBuilder().setName(p.getName()).setUnit(p.getUnit());
        AggregationTemporality temporality = p.getCumulative()
                ? AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                : AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        if (p.getType() == MetricType.HISTOGRAM) {
            HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder().setTimeUnixNano(t)
                    .setStartTimeUnixNano(start).setCount(p.getCount()).setSum(p.getValue())
                    .addAllExplicitBounds(p.getBounds()).addAllBucketCounts(p.getBucketCounts());
            p.getAttributes().forEach((k, v) -> h.addAttributes(attr(k, v)));
            return m.setHistogram(Histogram.newBuilder().setAggregationTemporality(temporality).addDataPoints(h))
                    .build();
        }
        NumberDataPoint.Builder n = NumberDataPoint.newBuilder().setTimeUnixNano(t).setStartTimeUnixNano(start)
                .setAsDouble(p.getValue());
        p.getAttributes().forEach((k, v) -> n.addAttributes(attr(k, v)));
        if (p.getType() == MetricType.COUNTER) {
            return m.setSum(Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(temporality)
                    .addDataPoints(n)).build();
        }
        return m.setGauge(Gauge.newBuilder().addDataPoints(n)).build();
    }

    public static LogsData logs(List<LogRecord> logs) {
        Map<String, ScopeLogs.Builder> byService = new LinkedHashMap<>();
        for (LogRecord l : logs) {
            io.opentelemetry.proto.logs.v1.LogRecord.Builder b = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                    .setTimeUnixNano(l.getTimeMs() * NS_PER_MS).setObservedTimeUnixNano(l.getTimeMs() * NS_PER_MS)
                    .setSeverityNumberValue(l.getSeverityNumber()).setSeverityText(l.getSeverityText())
                    .setBody(AnyValue.newBuilder().setStringValue(l.getBody()));
            if (l.getTraceId() != null) {
                b.setTraceId(id(l.getTraceId()));
            }
            if (l.getSpanId() != null) {
                b.setSpanId(id(l.getSpanId()));
            }
            l.getAttributes().forEach((k, v) -> b.addAttributes(attr(k, v)));
            byService.computeIfAbsent(l.getServiceName(), k -> ScopeLogs.newBuilder().setScope(SCOPE))
                    .addLogRecords(b);
        }
        LogsData.Builder out = LogsData.newBuilder();
        byService.forEach((service, scope) -> out.addResourceLogs(ResourceLogs.newBuilder()
                .setResource(resource(service)).addScopeLogs(scope)));
        return out.build();
    }

    /** A resource with {@code service.name}; an empty name gives a resource without one. */
    public static Resource resource(String service) {
        Resource.Builder r = Resource.newBuilder();
        if (!service.isEmpty()) {
            r.addAttributes(attr("service.name", service));
        }
        return r.addAttributes(attr("telemetry.sdk.language", "java")).build();
    }

    public static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue intAttr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    /** A hex id as bytes; what is not hex is kept as its UTF-8 bytes, so the job rejects it as an invalid id. */
    static ByteString id(String hex) {
        try {
            return ByteString.copyFrom(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            return ByteString.copyFromUtf8(hex);
        }
    }
}
