package io.auspex.jobs;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.util.List;
import java.util.Map;

/** Builders and named instants for the jobs tests. */
public final class Fixtures {
    /** 2026-11-24T00:00:00Z. */
    public static final long T0 = 1_795_478_400_000L;
    public static final long ONE_MINUTE = 60_000L;
    public static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

    private Fixtures() {}

    public static Span.Builder span(String service, String spanId, String parent, SpanKind kind, long startMs) {
        return Span.newBuilder().setTraceId(TRACE).setSpanId(spanId).setParentSpanId(parent)
                .setServiceName(service).setName("GET /").setKind(kind).setStartTimeMs(startMs)
                .setDurationUs(10_000).setStatusCode(StatusCode.OK).setHttpStatusCode(200).setAttributes(Map.of());
    }

    public static Span server(String service, long startMs, long durationUs, boolean error) {
        return span(service, "00000000000000a1", null, SpanKind.SERVER, startMs).setDurationUs(durationUs)
                .setStatusCode(error ? StatusCode.ERROR : StatusCode.OK).setHttpStatusCode(error ? 503 : 200).build();
    }

    public static MetricPoint gauge(String service, String name, long t, double v) {
        return MetricPoint.newBuilder().setServiceName(service).setName(name).setTimeMs(t).setValue(v).setUnit("1")
                .setAttributes(Map.of()).build();
    }

    public static LogRecord log(String service, long t, int severity, String body) {
        return LogRecord.newBuilder().setServiceName(service).setTimeMs(t).setSeverityNumber(severity)
                .setSeverityText(severity >= 17 ? "ERROR" : "INFO").setBody(body).setAttributes(Map.of()).build();
    }

    /** A quiet window of {@code service}: 100 requests, no error, p99 100 ms. */
    public static ServiceSignals.Builder signals(String service, long windowEnd) {
        return ServiceSignals.newBuilder().setServiceName(service).setWindowStartMs(windowEnd - 10_000)
                .setWindowEndMs(windowEnd).setRequestCount(100).setTrafficRps(10).setErrorSpanCount(0)
                .setHttp5xxCount(0).setErrorLogCount(0).setLogCount(10).setErrorRatio(0).setLatencyP50Ms(20)
                .setLatencyP90Ms(50).setLatencyP99Ms(100).setLatencyMaxMs(150).setSaturation(0.3)
                .setGauges(Map.of()).setLatencyOverMs(Map.of()).setOperations(List.of())
                .setExemplarTraceIds(List.of()).setErrorLogTemplates(List.of());
    }
}
