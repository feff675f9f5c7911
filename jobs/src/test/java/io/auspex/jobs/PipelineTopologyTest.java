package io.auspex.jobs;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.decode.otlp.OtlpDecoder;
import io.auspex.jobs.decode.otlp.OtlpSettings;
import io.auspex.jobs.testutil.CollectingSink;
import io.auspex.jobs.testutil.ListSource;
import io.auspex.jobs.slo.SloSet;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Severity;
import io.auspex.schemas.SloStatus;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job graph ({@link PipelineJob#define}) on a shared MiniCluster (parallelism 2) with
 * in-memory sources and collecting sinks: OTLP batches decoded as the Kafka source decodes them,
 * golden signals counted exactly, a bad record dead-lettered, an error burst paged with its
 * callee ranked. The Kafka end-to-end tests in infra cover delivery.
 */
class PipelineTopologyTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long NS = 1_000_000L;
    static final int MINUTES = 25;
    static final int BURST_FROM_MINUTE = 15;
    static final int PER_SECOND = 5;

    static KeyValue attr(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static KeyValue attr(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    /** Request {@code n}'s trace id, or its span id of {@code role} (1 web server, 2 web client, 3 db server). */
    static ByteString id(long n, long role, int bytes) {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(n | 1L << 62).putLong(n << 4 | role | 1L << 61);
        return ByteString.copyFrom(b.array(), 16 - bytes, bytes);
    }

    /** One second of traffic: web serves PER_SECOND requests, each calls db; db fails during the burst. */
    static TracesData second(int s) {
        ScopeSpans.Builder web = ScopeSpans.newBuilder();
        ScopeSpans.Builder db = ScopeSpans.newBuilder();
        boolean burst = s >= BURST_FROM_MINUTE * 60;
        for (int r = 0; r < PER_SECOND; r++) {
            long t = T0 + s * 1000L + r * 150L;
            long n = s * 100L + r;
            ByteString trace = id(n, 0, 16);
            ByteString server = id(n, 1, 8);
            ByteString client = id(n, 2, 8);
            web.addSpans(Span.newBuilder().setTraceId(trace).setSpanId(server).setName("GET /").setKindValue(2)
                    .setStartTimeUnixNano(t * NS).setEndTimeUnixNano((t + 20) * NS)
                    .addAttributes(attr("http.response.status_code", burst ? 500 : 200)));
            web.addSpans(Span.newBuilder().setTraceId(trace).setSpanId(client).setParentSpanId(server)
                    .setName("SELECT").setKindValue(3).setStartTimeUnixNano((t + 2) * NS)
                    .setEndTimeUnixNano((t + 12) * NS).addAttributes(attr("peer.service", "db")));
            db.addSpans(Span.newBuilder().setTraceId(trace).setSpanId(id(n, 3, 8)).setParentSpanId(client)
                    .setName("SELECT").setKindValue(2).setStartTimeUnixNano((t + 3) * NS)
                    .setEndTimeUnixNano((t + 11) * NS).addAttributes(attr("db.system.name", "postgresql"))
                    .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder().setCodeValue(burst ? 2 : 0)));
        }
        return TracesData.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.newBuilder()
                        .addAttributes(attr("service.name", "web"))).addScopeSpans(web))
                .addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.newBuilder()
                        .addAttributes(attr("service.name", "db"))).addScopeSpans(db))
                .build();
    }

    @Test
    void theWholeGraphCountsSignalsDeadLettersAndPagesAnErrorBurst(@TempDir Path dir) throws Exception {
        OtlpDecoder decoder = new OtlpDecoder(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, 3_600_000L,
                365L * 86_400_000L, OtlpSettings.DEFAULTS);
        List<Telemetry> spans = new ArrayList<>();
        for (int s = 0; s < MINUTES * 60; s++) {
            decoder.decode("otlp_spans", 0, s, T0 + s * 1000L, null, second(s).toByteArray(), T0 + MINUTES * 60_000L,
                    spans::add);
            if (s == 30) {
                decoder.decode("otlp_spans", 0, 100_000 + s, T0 + s * 1000L, null, new byte[] {7, 7, 7},
                        T0 + MINUTES * 60_000L, spans::add);
            }
        }
        // a per-minute CPU gauge of web, and one error log of db a second during the burst
        List<Telemetry> metrics = new ArrayList<>();
        List<Telemetry> logs = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            metrics.add(Telemetry.of(Fixtures.gauge("web", "process.cpu.utilization", T0 + m * 60_000L + 500, 0.42)));
        }
        for (int s = BURST_FROM_MINUTE * 60; s < MINUTES * 60; s++) {
            logs.add(Telemetry.of(Fixtures.log("db", T0 + s * 1000L + 5, 17, "deadlock detected on relation 4711")));
        }
        Path slo = Files.writeString(dir.resolve("slos.yaml"), """
                slos:
                  - name: web-availability
                    service: web
                    objective: 99.9
                    period: 30d
                    sli: {type: availability}
                """);
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(Map.of(
                AuspexOptions.BOOTSTRAP_SERVERS.key(), "unused:9092",
                AuspexOptions.SLO_FILE.key(), slo.toString())));
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<ServiceSignals> signals = new CollectingSink<>();
        CollectingSink<SloStatus> statuses = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        PipelineIo io = new PipelineIo(ListSource.of(spans), ListSource.of(metrics), ListSource.of(logs),
                dead, signals, statuses, alerts);

        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        PipelineJob.define(env, cfg, SloSet.load(slo), ModelWindowScorer.fromConfig(cfg), io);
        env.execute("topology-test");

        // one undecodable message, dead-lettered whole
        assertEquals(1, dead.received().size());
        assertEquals("undecodable", dead.received().get(0).getReason());
        // every 10 s window of both services, exact counts
        Map<String, List<ServiceSignals>> byService = signals.received().stream()
                .collect(Collectors.groupingBy(ServiceSignals::getServiceName));
        assertEquals(MINUTES * 6, byService.get("web").size());
        assertEquals(MINUTES * 6, byService.get("db").size());
        for (ServiceSignals w : byService.get("web")) {
            boolean burst = w.getWindowStartMs() >= T0 + BURST_FROM_MINUTE * 60_000L;
            assertEquals(10L * PER_SECOND, w.getRequestCount(), w::toString);
            assertEquals(burst ? 10L * PER_SECOND : 0, w.getErrorSpanCount(), w::toString);
            assertEquals(20.0, w.getLatencyP50Ms(), 20.0 * 0.01);
            // the per-minute gauge is carried into the minute's other five windows
            assertEquals(0.42, w.getSaturation(), 1e-12, w::toString);
        }
        for (ServiceSignals w : byService.get("db")) {
            boolean burst = w.getWindowStartMs() >= T0 + BURST_FROM_MINUTE * 60_000L;
            assertEquals(burst ? 10 : 0, w.getErrorLogCount(), w::toString);
        }
        // the burst pages web's availability SLO, with the failing callee among the hints
        Alert page = alerts.received().stream()
                .filter(a -> a.getStatus() == AlertStatus.FIRING && a.getSeverity() == Severity.PAGE)
                .filter(a -> a.getService().equals("web")).findFirst().orElse(null);
        assertTrue(page != null, () -> "no page; alerts: " + alerts.received());
        assertTrue(page.getEventTimeMs() >= T0 + BURST_FROM_MINUTE * 60_000L
                && page.getEventTimeMs() <= T0 + (BURST_FROM_MINUTE + 5) * 60_000L, page::toString);
        assertTrue(page.getRootCauses().stream().anyMatch(h -> h.getService().equals("db")),
                () -> "hints: " + page.getRootCauses());
        assertTrue(statuses.received().size() > 0);
        // the enricher runs on both subtasks with the views broadcast to each: every alert leaves once
        List<String> keys = alerts.received().stream()
                .map(a -> a.getFingerprint() + " " + a.getStatus() + " " + a.getEventTimeMs()).toList();
        assertEquals(keys.size(), new java.util.HashSet<>(keys).size(), () -> "repeated alerts: " + keys);
    }
}
