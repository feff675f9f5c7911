package io.auspex.jobs.decode.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.LimitCounter;
import io.auspex.jobs.decode.Limits;
import io.auspex.jobs.decode.MessageDecoder;
import io.auspex.jobs.decode.RecordChecks;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Decodes one Kafka record holding one OTLP batch, as the OpenTelemetry Collector's Kafka exporter
 * writes it ({@code otlp_proto}: {@code TracesData} / {@code MetricsData} / {@code LogsData} bytes,
 * wire-identical to the {@code Export*ServiceRequest}s; {@code otlp_json}: the same as OTLP/JSON),
 * into one {@link Telemetry} per span, data point or log record.
 *
 * <p>Bad input never stops the batch: a message that does not parse is dead-lettered whole
 * ({@code undecodable}); a record of a message that parsed but fails a check (no service, bad id,
 * NaN, negative duration, absurd time, over a {@link Limits} limit) is dead-lettered on its own with its index in the message
 * and itself as a one-record batch, and the message's good records go on. A message none of whose
 * records is usable (a metrics batch on the spans topic, say) is dead-lettered whole once, with the
 * first record's reason, instead of once per record; a non-empty message that holds no record at
 * all is dead-lettered as {@code no_records}.
 */
public final class OtlpDecoder implements MessageDecoder {
    private static final long serialVersionUID = 1L;

    private final TelemetryDecoder.Kind kind;
    private final boolean json;
    private final long maxFutureSkewMs;
    private final long maxAgeMs;
    private final OtlpMapper mapper;
    private final Limits limits;

    /** A decoder with the default {@link Limits}. */
    public OtlpDecoder(TelemetryDecoder.Kind kind, InputFormat format, long maxFutureSkewMs, long maxAgeMs,
            OtlpSettings settings) {
        this(kind, format, maxFutureSkewMs, maxAgeMs, settings, Limits.DEFAULTS);
    }

    public OtlpDecoder(TelemetryDecoder.Kind kind, InputFormat format, long maxFutureSkewMs, long maxAgeMs,
            OtlpSettings settings, Limits limits) {
        if (format == InputFormat.AVRO) {
            throw new IllegalArgumentException("OtlpDecoder reads otlp_proto or otlp_json, not avro");
        }
        this.kind = kind;
        this.json = format == InputFormat.OTLP_JSON;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxAgeMs = maxAgeMs;
        this.mapper = new OtlpMapper(settings);
        this.limits = limits;
    }

    /** One mapped record of a batch: the record, or why it is unusable and the record alone as a batch. */
    record Mapped(Telemetry telemetry, RecordChecks.Problem problem, Supplier<? extends Message> alone) {}

    @Override
    public void decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value,
            long nowMs, Consumer<Telemetry> out, LimitCounter counter) {
        if (value == null) {
            out.accept(TelemetryDecoder.dead(topic, partition, offset, kafkaTimestamp, key, null, null, "undecodable",
                    "null value (tombstone)"));
            return;
        }
        List<Mapped> records = new ArrayList<>();
        try {
            switch (kind) {
                case SPAN -> spans(json ? OtlpJson.traces(value) : TracesData.parseFrom(value), records);
                case METRIC -> metrics(json ? OtlpJson.metrics(value) : MetricsData.parseFrom(value), records);
                case LOG -> logs(json ? OtlpJson.logs(value) : LogsData.parseFrom(value), records);
            }
        } catch (InvalidProtocolBufferException e) {
            out.accept(TelemetryDecoder.dead(topic, partition, offset, kafkaTimestamp, key, value, null, "undecodable",
                    "not an OTLP " + kind.name().toLowerCase() + " batch (protobuf): " + e.getMessage()));
            return;
        } catch (IOException | RuntimeException e) {
            out.accept(TelemetryDecoder.dead(topic, partition, offset, kafkaTimestamp, key, value, null, "undecodable",
                    "not an OTLP " + kind.name().toLowerCase() + " batch: " + e.getMessage()));
            return;
        }
        if (records.isEmpty()) {
            // the Collector never sends an empty batch: bytes that parse into no record at all (no bytes at all,
            // only unknown fields, or resources without records) are more likely something else than telemetry,
            // and every Kafka record yields records or a dead letter
            out.accept(TelemetryDecoder.dead(topic, partition, offset, kafkaTimestamp, key, value, null,
                    "no_records", value.length == 0 ? "empty value"
                            : value.length + " bytes that parse as an OTLP batch without any record"));
            return;
        }
        int good = 0;
        RecordChecks.Problem first = null;
        RecordChecks.Problem[] problems = new RecordChecks.Problem[records.size()];
        for (int i = 0; i < problems.length; i++) {
            Mapped m = records.get(i);
            RecordChecks.Problem p = m.problem() != null ? m.problem()
                    : RecordChecks.time(m.telemetry().eventTimeMs(), nowMs, maxFutureSkewMs, maxAgeMs);
            if (p == null) {
                p = limits.apply(m.telemetry(), counter);
            }
            problems[i] = p;
            if (p == null) {
                good++;
            } else if (first == null) {
                first = p;
            }
        }
        if (good == 0 && first != null) {
            out.accept(TelemetryDecoder.dead(topic, partition, offset, kafkaTimestamp, key, value, null,
                    first.reason(), "none of the " + records.size() + " records is usable; first: " + first.detail()));
            return;
        }
        for (int i = 0; i < problems.length; i++) {
            Mapped m = records.get(i);
            RecordChecks.Problem p = problems[i];
            if (p == null) {
                out.accept(m.telemetry().origin(topic, partition, offset));
            } else {
                out.accept(TelemetryDecoder.dead(topic, partition, offset, kafkaTimestamp, key,
                        m.alone().get().toByteArray(), i, p.reason(), p.detail()));
            }
        }
    }

    private void spans(TracesData batch, List<Mapped> out) {
        for (ResourceSpans rs : batch.getResourceSpansList()) {
            Resource resource = rs.getResource();
            OtlpMapper.ResourceInfo info = mapper.resource(resource);
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : ss.getSpansList()) {
                    out.add(mapper.span(info, span, () -> TracesData.newBuilder().addResourceSpans(
                            ResourceSpans.newBuilder().setResource(resource).addScopeSpans(
                                    ScopeSpans.newBuilder().setScope(ss.getScope()).addSpans(span))).build()));
                }
            }
        }
    }

    private void metrics(MetricsData batch, List<Mapped> out) {
        for (ResourceMetrics rm : batch.getResourceMetricsList()) {
            Resource resource = rm.getResource();
            OtlpMapper.ResourceInfo info = mapper.resource(resource);
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                InstrumentationScope scope = sm.getScope();
                for (Metric metric : sm.getMetricsList()) {
                    mapper.metric(info, metric, alone -> MetricsData.newBuilder().addResourceMetrics(
                            ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(
                                    ScopeMetrics.newBuilder().setScope(scope).addMetrics(alone))).build(), out);
                }
            }
        }
    }

    private void logs(LogsData batch, List<Mapped> out) {
        for (ResourceLogs rl : batch.getResourceLogsList()) {
            Resource resource = rl.getResource();
            OtlpMapper.ResourceInfo info = mapper.resource(resource);
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (io.opentelemetry.proto.logs.v1.LogRecord log : sl.getLogRecordsList()) {
                    out.add(mapper.log(info, log, () -> LogsData.newBuilder().addResourceLogs(
                            ResourceLogs.newBuilder().setResource(resource).addScopeLogs(
                                    ScopeLogs.newBuilder().setScope(sl.getScope()).addLogRecords(log))).build()));
                }
            }
        }
    }
}
