package io.auspex.jobs;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.decode.otlp.OtlpDecoder;
import io.auspex.jobs.decode.otlp.OtlpSettings;
import io.auspex.jobs.slo.SloSet;
import io.auspex.jobs.testutil.CollectingSink;
import io.auspex.jobs.testutil.ListSource;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containment on the whole job graph (MiniCluster, parallelism 2, RocksDB as in production, the
 * job's own restart strategy): a poison record, one that makes the signals window throw, is one
 * dead letter {@code operator_error} naming the operator and the exception, every other output is
 * exactly that of a clean run, and the job never restarts. With containment off the same record
 * makes the job restart, and the bounded restart strategy then fails it instead of looping.
 *
 * <p>The poison is a delta request-duration histogram with three bucket counts and no bounds,
 * given to the graph past the decoders (which dead-letter it as {@code bad_histogram}): it stands
 * for any record a user function cannot handle; {@code SignalsAccumulator.addHistogram} throws
 * {@link ArrayIndexOutOfBoundsException} on it.
 */
class PoisonRecordTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final int MINUTES = PipelineTopologyTest.MINUTES;

    record Outputs(List<DeadLetter> dead, List<String> signals, List<String> statuses, List<String> alerts) {}

    static MetricPoint poison() {
        return MetricPoint.newBuilder().setServiceName("web").setName("http.server.request.duration")
                .setType(MetricType.HISTOGRAM).setCumulative(false).setTimeMs(T0 + 30_500).setValue(1.0)
                .setCount(5).setUnit("s").setBounds(List.of()).setBucketCounts(List.of(1L, 2L, 2L))
                .setAttributes(Map.of()).build();
    }

    static List<Telemetry> spans() {
        OtlpDecoder decoder = new OtlpDecoder(TelemetryDecoder.Kind.SPAN, InputFormat.OTLP_PROTO, 3_600_000L,
                365L * 86_400_000L, OtlpSettings.DEFAULTS);
        List<Telemetry> spans = new ArrayList<>();
        for (int s = 0; s < MINUTES * 60; s++) {
            decoder.decode("otlp_spans", 0, s, T0 + s * 1000L, null, PipelineTopologyTest.second(s).toByteArray(),
                    T0 + MINUTES * 60_000L, spans::add);
        }
        return spans;
    }

    static List<Telemetry> metrics(boolean withPoison) {
        List<Telemetry> metrics = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            metrics.add(Telemetry.of(Fixtures.gauge("web", "process.cpu.utilization", T0 + m * 60_000L + 500, 0.42)));
            if (m == 0 && withPoison) {
                metrics.add(Telemetry.of(poison()).origin("otlp_metrics", 1, 4711));
            }
        }
        return metrics;
    }

    static List<Telemetry> logs() {
        List<Telemetry> logs = new ArrayList<>();
        for (int s = PipelineTopologyTest.BURST_FROM_MINUTE * 60; s < MINUTES * 60; s++) {
            logs.add(Telemetry.of(Fixtures.log("db", T0 + s * 1000L + 5, 17, "deadlock detected on relation 4711")));
        }
        return logs;
    }

    static Path sloFile(Path dir) throws Exception {
        return Files.writeString(dir.resolve("slos.yaml"), """
                slos:
                  - name: web-availability
                    service: web
                    objective: 99.9
                    period: 30d
                    sli: {type: availability}
                """);
    }

    /** Runs the job on {@code metrics}; returns its outputs and its id (through {@code id}). */
    static Outputs run(Path dir, List<Telemetry> spans, List<Telemetry> metrics, Map<String, String> options,
            JobID[] id) throws Exception {
        Path slo = sloFile(dir);
        Map<String, String> m = new HashMap<>(options);
        m.put(AuspexOptions.BOOTSTRAP_SERVERS.key(), "unused:9092");
        m.put(AuspexOptions.SLO_FILE.key(), slo.toString());
        m.put(AuspexOptions.RESTART_INITIAL_BACKOFF.key(), "100 ms");
        m.put(AuspexOptions.RESTART_MAX_BACKOFF.key(), "200 ms");
        m.put(AuspexOptions.RESTART_MAX_ATTEMPTS.key(), "2");
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(m));
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<ServiceSignals> signals = new CollectingSink<>();
        CollectingSink<SloStatus> statuses = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        PipelineIo io = new PipelineIo(ListSource.of(spans), ListSource.of(metrics), ListSource.of(logs()),
                dead, signals, statuses, alerts);
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        conf.setString("state.backend.type", "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        PipelineJob.define(env, cfg, SloSet.load(slo), ModelWindowScorer.fromConfig(cfg), io);
        JobClient client = env.executeAsync("poison-test");
        id[0] = client.getJobID();
        client.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        return new Outputs(dead.received(), sorted(signals.received()), sorted(statuses.received()),
                sorted(alerts.received()));
    }

    static List<String> sorted(List<?> records) {
        return records.stream().map(Object::toString).sorted().toList();
    }

    static ArchivedExecutionGraph graph(MiniCluster cluster, JobID id) throws Exception {
        return cluster.getArchivedExecutionGraph(id).get(1, TimeUnit.MINUTES);
    }

    @Test
    void aPoisonRecordIsOneDeadLetterAndTheJobNeverRestarts(@TempDir Path dir, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        List<Telemetry> spans = spans();
        JobID[] cleanId = new JobID[1];
        Outputs clean = run(dir, spans, metrics(false), Map.of(), cleanId);
        JobID[] poisonId = new JobID[1];
        Outputs poisoned = run(dir, spans, metrics(true), Map.of(), poisonId);

        assertEquals(List.of(), clean.dead());
        assertEquals(1, poisoned.dead().size(), () -> poisoned.dead().toString());
        DeadLetter d = poisoned.dead().get(0);
        assertEquals("operator_error", d.getReason());
        assertEquals("otlp_metrics", d.getSourceTopic());
        assertEquals(1, d.getPartition());
        assertEquals(4711L, d.getOffset());
        assertTrue(d.getDetail().startsWith("golden signals window / spans to the service graph: "
                + "java.lang.ArrayIndexOutOfBoundsException: "), d::getDetail);
        assertTrue(d.getDetail().contains(" at io.auspex.jobs.signals.SignalsAccumulator.addHistogram("), d::getDetail);
        // the record itself, Avro-encoded, so it can be inspected and replayed
        assertEquals(poison(), new io.auspex.schemas.AvroBinary<>(MetricPoint.class).decode(bytes(d)));
        // everything else exactly as without the poison
        assertEquals(clean.signals(), poisoned.signals());
        assertEquals(clean.statuses(), poisoned.statuses());
        assertEquals(clean.alerts(), poisoned.alerts());
        assertEquals(2 * MINUTES * 6, clean.signals().size());
        assertTrue(clean.alerts().stream().anyMatch(a -> a.contains("\"status\": \"" + AlertStatus.FIRING + "\"")),
                () -> "no alert in " + clean.alerts());
        // and neither job ever restarted
        assertEquals(0, graph(cluster, cleanId[0]).getStatusTimestamp(JobStatus.RESTARTING));
        assertEquals(0, graph(cluster, poisonId[0]).getStatusTimestamp(JobStatus.RESTARTING));
        assertEquals(JobStatus.FINISHED, graph(cluster, poisonId[0]).getState());
    }

    @Test
    void withoutContainmentThePoisonRestartsTheJobAndTheBoundedStrategyFailsIt(@TempDir Path dir,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        // a shorter run: the poison is in the first minute
        List<Telemetry> spans = spans().subList(0, 3 * 60 * 3 * PipelineTopologyTest.PER_SECOND);
        JobID[] id = new JobID[1];
        ExecutionException e = assertThrows(ExecutionException.class, () -> run(dir, spans, metrics(true),
                Map.of(AuspexOptions.CONTAIN_OPERATOR_ERRORS.key(), "false"), id));
        ArchivedExecutionGraph g = graph(cluster, id[0]);
        assertEquals(JobStatus.FAILED, g.getState());
        assertTrue(g.getStatusTimestamp(JobStatus.RESTARTING) > 0, "the job restarted before it failed");
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertEquals(ArrayIndexOutOfBoundsException.class, root.getClass(), () -> String.valueOf(e));
    }

    static byte[] bytes(DeadLetter d) {
        byte[] b = new byte[d.getValue().remaining()];
        d.getValue().duplicate().get(b);
        return b;
    }
}
