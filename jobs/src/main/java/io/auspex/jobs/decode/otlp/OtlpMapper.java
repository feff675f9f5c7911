package io.auspex.jobs.decode.otlp;

import com.google.protobuf.Message;
import io.auspex.jobs.decode.RecordChecks;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The mapping from OTLP records and the OpenTelemetry semantic conventions to the pipeline's
 * records (docs/ingest.md has the table). Stateless. Lengths and counts are not cut here: the
 * decoder holds every mapped record to the same {@link io.auspex.jobs.decode.Limits} as Avro input.
 */
final class OtlpMapper implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Resource attributes kept on every record, so later stages can tell instances apart. */
    static final Set<String> RESOURCE_KEPT = Set.of("service.instance.id", "k8s.pod.name", "k8s.namespace.name",
            "k8s.node.name", "host.name", "container.id", "service.version", "deployment.environment.name",
            "deployment.environment");
    /** Span attributes kept: peers that are not traced, routes, methods, error types. */
    static final Set<String> SPAN_KEPT = Set.of("peer.service", "server.address", "server.port", "db.system.name",
            "db.system", "db.namespace", "db.name", "db.operation.name", "messaging.system",
            "messaging.destination.name", "messaging.operation.type", "http.route", "http.request.method",
            "http.method", "rpc.system", "rpc.system.name", "rpc.service", "rpc.method", "error.type",
            "url.path", "net.peer.name");
    /** Kept on CLIENT spans only: the URL a call went to, whose host and path a caller's error line may name. */
    static final Set<String> CLIENT_KEPT = Set.of("url.full", "http.url", "http.target");
    static final Set<String> LOG_KEPT = Set.of("exception.type", "exception.message", "error.type", "event.name");
    /** gRPC status codes that are errors on the server side (semantic conventions, rpc/grpc.md). */
    static final Set<Integer> GRPC_SERVER_ERRORS = Set.of(2, 4, 12, 13, 14, 15);
    static final List<String> GRPC_NAMES = List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
            "DATA_LOSS", "UNAUTHENTICATED");

    private final OtlpSettings settings;

    OtlpMapper(OtlpSettings settings) {
        this.settings = settings;
    }

    /** What a resource contributes to each of its records. */
    record ResourceInfo(String service, Map<String, String> attributes) {}

    ResourceInfo resource(Resource r) {
        List<KeyValue> attrs = r.getAttributesList();
        String name = OtlpValues.string(attrs, "service.name");
        String service = null;
        if (name != null && !name.isBlank()) {
            String ns = settings.serviceNamespace() ? OtlpValues.string(attrs, "service.namespace") : null;
            // never cut: Limits dead-letters a service name over its length (a cut could merge two services)
            service = ns == null || ns.isBlank() ? name : ns + "/" + name;
        }
        Map<String, String> kept = new HashMap<>();
        keep(attrs, RESOURCE_KEPT, kept);
        return new ResourceInfo(service, kept);
    }

    OtlpDecoder.Mapped span(ResourceInfo res, io.opentelemetry.proto.trace.v1.Span s, Supplier<? extends Message> alone) {
        List<KeyValue> attrs = s.getAttributesList();
        SpanKind kind = kind(s.getKindValue());
        Long http = OtlpValues.integer(attrs, "http.response.status_code");
        if (http == null) {
            http = OtlpValues.integer(attrs, "http.status_code");
        }
        StatusCode status = switch (s.getStatus().getCodeValue()) {
            case 1 -> StatusCode.OK;
            case 2 -> StatusCode.ERROR;
            default -> derivedStatus(kind, http, attrs);
        };
        Map<String, String> kept = new HashMap<>(res.attributes());
        keep(attrs, SPAN_KEPT, kept);
        if (kind == SpanKind.CLIENT) {
            keep(attrs, CLIENT_KEPT, kept);
        }
        String traceId = OtlpValues.id(s.getTraceId(), 16);
        String spanId = OtlpValues.id(s.getSpanId(), 8);
        String parent = OtlpValues.id(s.getParentSpanId(), 8);
        long start = s.getStartTimeUnixNano();
        long end = s.getEndTimeUnixNano();
        Span span = Span.newBuilder()
                .setTraceId(traceId == null ? "" : traceId)
                .setSpanId(spanId == null ? "" : spanId)
                .setParentSpanId(parent == null ? "" : parent.isEmpty() ? null : parent)
                .setServiceName(res.service() == null ? "" : res.service())
                .setName(s.getName())
                .setKind(kind)
                .setStartTimeMs(start < 0 ? Long.MAX_VALUE : start / 1_000_000L)
                .setDurationUs(Long.compareUnsigned(end, start) < 0 ? -1 : (end - start) / 1_000L)
                .setStatusCode(status)
                .setHttpStatusCode(http == null || http < 100 || http > 999 ? null : http.intValue())
                .setAttributes(kept)
                .build();
        Telemetry t = Telemetry.of(span);
        RecordChecks.Problem p = RecordChecks.span(span);
        if (p == null && (traceId == null || traceId.isEmpty() || spanId == null || spanId.isEmpty())) {
            p = new RecordChecks.Problem("invalid_id", "trace id must be 16 bytes and span id 8 bytes, not all zero");
        }
        return new OtlpDecoder.Mapped(t, p, alone);
    }

    /**
     * The status the semantic conventions give a span whose instrumentation left it UNSET: HTTP
     * 5xx is an error on every kind and 4xx only on client spans; gRPC codes by kind; an
     * {@code error.type} on a span with neither is an error.
     */
    static StatusCode derivedStatus(SpanKind kind, Long http, List<KeyValue> attrs) {
        boolean client = kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER;
        if (http != null) {
            return http >= 500 || (client && http >= 400) ? StatusCode.ERROR : StatusCode.UNSET;
        }
        Integer grpc = grpcCode(attrs);
        if (grpc != null) {
            boolean error = client ? grpc != 0 : GRPC_SERVER_ERRORS.contains(grpc);
            return error ? StatusCode.ERROR : StatusCode.UNSET;
        }
        return OtlpValues.string(attrs, "error.type") != null ? StatusCode.ERROR : StatusCode.UNSET;
    }

    /** {@code rpc.status_code} / {@code rpc.response.status_code} (names or numbers), else {@code rpc.grpc.status_code}. */
    static Integer grpcCode(List<KeyValue> attrs) {
        for (String key : List.of("rpc.status_code", "rpc.response.status_code", "rpc.grpc.status_code")) {
            String v = OtlpValues.string(attrs, key);
            if (v == null) {
                continue;
            }
            int named = GRPC_NAMES.indexOf(v.trim().toUpperCase(Locale.ROOT));
            if (named >= 0) {
                return named;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static SpanKind kind(int v) {
        return switch (v) {
            case 1 -> SpanKind.INTERNAL;
            case 2 -> SpanKind.SERVER;
            case 3 -> SpanKind.CLIENT;
            case 4 -> SpanKind.PRODUCER;
            case 5 -> SpanKind.CONSUMER;
            default -> SpanKind.UNSPECIFIED;
        };
    }

    OtlpDecoder.Mapped log(ResourceInfo res, io.opentelemetry.proto.logs.v1.LogRecord l,
            Supplier<? extends Message> alone) {
        long nanos = l.getTimeUnixNano() != 0 ? l.getTimeUnixNano() : l.getObservedTimeUnixNano();
        int severity = l.getSeverityNumberValue();
        if (severity == 0) {
            severity = severityOfText(l.getSeverityText());
        }
        Map<String, String> kept = new HashMap<>(res.attributes());
        keep(l.getAttributesList(), LOG_KEPT, kept);
        // a malformed id is kept as hex here so Limits leaves it out and counts it, as for Avro logs
        String traceId = OtlpValues.hex(l.getTraceId());
        String spanId = OtlpValues.hex(l.getSpanId());
        LogRecord log = LogRecord.newBuilder()
                .setServiceName(res.service() == null ? "" : res.service())
                .setTimeMs(nanos < 0 ? Long.MAX_VALUE : nanos / 1_000_000L)
                .setSeverityNumber(severity)
                .setSeverityText(l.getSeverityText())
                .setBody(l.hasBody() ? OtlpValues.text(l.getBody()) : "")
                .setTraceId(traceId)
                .setSpanId(spanId)
                .setAttributes(kept)
                .build();
        RecordChecks.Problem p = RecordChecks.log(log);
        return new OtlpDecoder.Mapped(Telemetry.of(log), p, alone);
    }

    /** SeverityNumber from free severity text, for sources that set only the text (0 when unknown). */
    static int severityOfText(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("FATAL") || t.startsWith("CRIT") || t.startsWith("EMERG") || t.startsWith("ALERT")) {
            return 21;
        } else if (t.startsWith("ERR") || t.equals("SEVERE")) {
            return 17;
        } else if (t.startsWith("WARN")) {
            return 13;
        } else if (t.startsWith("INFO") || t.equals("NOTICE")) {
            return 9;
        } else if (t.startsWith("DEBUG")) {
            return 5;
        } else if (t.startsWith("TRACE")) {
            return 1;
        }
        return 0;
    }

    /** One record per data point, appended to {@code out}; {@code batchOf} wraps a one-point metric as a batch. */
    void metric(ResourceInfo res, Metric m, Function<Metric, Message> batchOf, List<OtlpDecoder.Mapped> out) {
        String name = m.getName();
        String unit = m.getUnit();
        switch (m.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                    out.add(number(res, name, unit, p, MetricType.GAUGE, false,
                            () -> batchOf.apply(m.toBuilder().setGauge(m.getGauge().toBuilder().clearDataPoints()
                                    .addDataPoints(p)).build())));
                }
            }
            case SUM -> {
                boolean monotonic = m.getSum().getIsMonotonic();
                boolean cumulative = m.getSum().getAggregationTemporalityValue() == 2;
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    out.add(number(res, name, unit, p, monotonic ? MetricType.COUNTER : MetricType.GAUGE,
                            monotonic && cumulative, () -> batchOf.apply(m.toBuilder().setSum(m.getSum().toBuilder()
                                    .clearDataPoints().addDataPoints(p)).build())));
                }
            }
            case HISTOGRAM -> {
                boolean cumulative = m.getHistogram().getAggregationTemporalityValue() == 2;
                for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                    List<Long> counts = p.getBucketCountsList();
                    List<Double> bounds = p.getExplicitBoundsList();
                    RecordChecks.Problem shape = counts.isEmpty() || counts.size() == bounds.size() + 1 ? null
                            : new RecordChecks.Problem("bad_histogram", "metric " + name + " has "
                                    + counts.size() + " bucket counts for " + bounds.size() + " bounds");
                    out.add(histogram(res, name, unit, p.getAttributesList(), p.getTimeUnixNano(),
                            p.getStartTimeUnixNano(), cumulative, p.getCount(), p.getSum(), bounds, counts, shape,
                            () -> batchOf.apply(m.toBuilder().setHistogram(m.getHistogram().toBuilder()
                                    .clearDataPoints().addDataPoints(p)).build())));
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                boolean cumulative = m.getExponentialHistogram().getAggregationTemporalityValue() == 2;
                for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                    List<Double> bounds = new ArrayList<>();
                    List<Long> counts = new ArrayList<>();
                    exponentialToExplicit(p, bounds, counts);
                    out.add(histogram(res, name, unit, p.getAttributesList(), p.getTimeUnixNano(),
                            p.getStartTimeUnixNano(), cumulative, p.getCount(), p.getSum(), bounds, counts, null,
                            () -> batchOf.apply(m.toBuilder().setExponentialHistogram(m.getExponentialHistogram()
                                    .toBuilder().clearDataPoints().addDataPoints(p)).build())));
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                    out.add(histogram(res, name, unit, p.getAttributesList(), p.getTimeUnixNano(),
                            p.getStartTimeUnixNano(), true, p.getCount(), p.getSum(), List.of(), List.of(), null,
                            () -> batchOf.apply(m.toBuilder().setSummary(m.getSummary().toBuilder()
                                    .clearDataPoints().addDataPoints(p)).build())));
                }
            }
            default -> {
                // a metric with no data (DATA_NOT_SET) has no point to count
            }
        }
    }

    private OtlpDecoder.Mapped number(ResourceInfo res, String name, String unit, NumberDataPoint p, MetricType type,
            boolean cumulative, Supplier<? extends Message> alone) {
        double value = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
        MetricPoint mp = point(res, name, unit, p.getAttributesList(), p.getTimeUnixNano(), p.getStartTimeUnixNano())
                .setValue(value).setType(type).setCumulative(cumulative).build();
        RecordChecks.Problem problem = RecordChecks.metric(mp);
        if (problem == null && type == MetricType.COUNTER && value < 0) {
            problem = new RecordChecks.Problem("negative_counter", "monotonic sum " + name + " value=" + value);
        }
        return new OtlpDecoder.Mapped(Telemetry.of(mp), problem, alone);
    }

    private OtlpDecoder.Mapped histogram(ResourceInfo res, String name, String unit, List<KeyValue> attrs,
            long timeNanos, long startNanos, boolean cumulative, long count, double sum, List<Double> bounds,
            List<Long> counts, RecordChecks.Problem shape, Supplier<? extends Message> alone) {
        Long http = OtlpValues.integer(attrs, "http.response.status_code");
        if (http == null) {
            http = OtlpValues.integer(attrs, "http.status_code");
        }
        // a duration histogram of failed requests: the server-side error rules of spans
        boolean error = derivedStatus(SpanKind.SERVER, http, attrs) == StatusCode.ERROR;
        MetricPoint mp = point(res, name, unit, attrs, timeNanos, startNanos).setValue(sum)
                .setType(MetricType.HISTOGRAM).setCumulative(cumulative).setCount(count).setError(error)
                .setBounds(new ArrayList<>(bounds)).setBucketCounts(new ArrayList<>(counts)).build();
        RecordChecks.Problem problem = shape != null ? shape : RecordChecks.metric(mp);
        if (problem == null && count < 0) {
            problem = new RecordChecks.Problem("negative_counter", "histogram " + name + " count=" + count);
        }
        return new OtlpDecoder.Mapped(Telemetry.of(mp), problem, alone);
    }

    private MetricPoint.Builder point(ResourceInfo res, String name, String unit, List<KeyValue> attrs,
            long timeNanos, long startNanos) {
        Map<String, String> kept = new HashMap<>(res.attributes());
        // every point attribute is part of the series; Limits keeps the first auspex.limits.max-attributes by key
        for (KeyValue kv : attrs) {
            kept.put(kv.getKey(), OtlpValues.text(kv.getValue()));
        }
        return MetricPoint.newBuilder()
                .setServiceName(res.service() == null ? "" : res.service())
                .setName(name).setUnit(unit)
                .setTimeMs(timeNanos < 0 ? Long.MAX_VALUE : timeNanos / 1_000_000L)
                .setStartTimeMs(startNanos <= 0 ? 0 : startNanos / 1_000_000L)
                .setAttributes(kept);
    }

    /**
     * An exponential histogram's positive buckets as explicit bounds: bucket {@code i} covers
     * (base^(offset+i), base^(offset+i+1)] with base = 2^(2^-scale); the zero bucket (and any
     * negative observations) fall at or below the first bound, 0.
     */
    static void exponentialToExplicit(ExponentialHistogramDataPoint p, List<Double> bounds, List<Long> counts) {
        double base = Math.pow(2, Math.pow(2, -p.getScale()));
        int offset = p.getPositive().getOffset();
        long below = p.getZeroCount();
        for (long c : p.getNegative().getBucketCountsList()) {
            below += c;
        }
        bounds.add(0.0);
        counts.add(below);
        List<Long> positive = p.getPositive().getBucketCountsList();
        for (int i = 0; i < positive.size(); i++) {
            bounds.add(Math.pow(base, offset + i + 1));
            counts.add(positive.get(i));
        }
        counts.add(0L);
    }

    /**
     * Copies the attributes named in {@code keys} into {@code into}, over what is there; of a key
     * given twice the first wins (as {@link OtlpValues#find}). One pass over the attributes, last to
     * first, instead of one search per kept key (that was 2.5 % of the bench's CPU).
     */
    private static void keep(List<KeyValue> attrs, Set<String> keys, Map<String, String> into) {
        for (int i = attrs.size() - 1; i >= 0; i--) {
            KeyValue kv = attrs.get(i);
            if (keys.contains(kv.getKey())) {
                into.put(kv.getKey(), OtlpValues.text(kv.getValue()));
            }
        }
    }
}
