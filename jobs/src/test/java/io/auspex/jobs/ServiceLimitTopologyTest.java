package io.auspex.jobs;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.LimitAlerts;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.slo.SloSet;
import io.auspex.jobs.testutil.CollectingSink;
import io.auspex.jobs.testutil.ListSource;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of 100 made-up services through the whole graph (MiniCluster, parallelism 2) with
 * {@code auspex.limits.max-services} 6: each subtask admits its 3, which ones depends on arrival
 * order, but exactly 6 services get signals with every one of their requests counted, and every
 * record of the other 94 is a {@code service_limit} dead letter: nothing lost, nothing counted twice.
 */
class ServiceLimitTopologyTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final int SERVICES = 100;
    static final int SPANS_EACH = 10;

    @Test
    void aBurstOfNewServicesIsCutAtTheLimitAndEveryRefusedRecordIsADeadLetter(@TempDir Path dir) throws Exception {
        List<Telemetry> spans = new ArrayList<>();
        for (int i = 0; i < SPANS_EACH; i++) {
            for (int s = 0; s < SERVICES; s++) {
                spans.add(Telemetry.of(Fixtures.server(String.format("burst-%03d", s), T0 + i * 1000L + s, 5_000,
                        false)).origin("spans", 0, i * SERVICES + s));
            }
        }
        // at least 3 of the services hash onto each of the 2 subtasks, so both fill their share
        Map<Integer, Long> perSubtask = spans.stream().map(Telemetry::service).distinct()
                .collect(Collectors.groupingBy(s -> KeyGroupRangeAssignment.assignKeyToParallelOperator(s, 128, 2),
                        Collectors.counting()));
        assertTrue(perSubtask.get(0) >= 3 && perSubtask.get(1) >= 3, perSubtask::toString);

        Path slo = PoisonRecordTest.sloFile(dir);
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(Map.of(
                AuspexOptions.BOOTSTRAP_SERVERS.key(), "unused:9092",
                AuspexOptions.SLO_FILE.key(), slo.toString(),
                AuspexOptions.MAX_SERVICES.key(), "6")));
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<ServiceSignals> signals = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        PipelineIo io = new PipelineIo(ListSource.of(spans),
                ListSource.of(List.of(Telemetry.of(Fixtures.gauge("burst-000", "queue.depth", T0 + 500, 1))
                        .origin("metrics", 0, 0))),
                ListSource.of(List.of(Telemetry.of(Fixtures.log("burst-000", T0 + 500, 9, "hello"))
                        .origin("logs", 0, 0))),
                dead, signals, new CollectingSink<SloStatus>(), alerts);
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        PipelineJob.define(env, cfg, SloSet.load(slo), ModelWindowScorer.fromConfig(cfg), io);
        env.execute("service-limit-test");

        Map<String, Long> requests = new TreeMap<>();
        for (ServiceSignals w : signals.received()) {
            requests.merge(w.getServiceName(), w.getRequestCount(), Long::sum);
        }
        Set<String> admitted = requests.keySet();
        assertEquals(6, admitted.size(), requests::toString);
        for (String s : admitted) {
            assertEquals(SPANS_EACH, requests.get(s), s);
        }
        List<DeadLetter> refusedSpans = dead.received().stream().filter(d -> d.getSourceTopic().equals("spans"))
                .toList();
        assertTrue(dead.received().stream().allMatch(d -> d.getReason().equals("service_limit")),
                () -> dead.received().toString());
        assertEquals((SERVICES - 6) * SPANS_EACH, refusedSpans.size());
        Map<String, Long> refusedPerService = refusedSpans.stream().collect(Collectors.groupingBy(
                d -> StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString(), Collectors.counting()));
        assertEquals(SERVICES - 6, refusedPerService.size());
        assertTrue(refusedPerService.values().stream().allMatch(n -> n == SPANS_EACH), refusedPerService::toString);
        assertTrue(refusedPerService.keySet().stream().noneMatch(admitted::contains));
        // the job alerts on itself: fired at the first refusal, resolved at the end of the input
        List<String> limit = alerts.received().stream()
                .filter(a -> a.getLabels().get("alertname").equals(LimitAlerts.ALERT_NAME))
                .map(a -> a.getStatus() + " " + a.getService()).toList();
        assertEquals(List.of("FIRING auspex", "RESOLVED auspex"), limit);
    }
}
