package io.auspex.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.slo.SloSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job graph builds with Kryo disabled, and every stateful operator has its constant uid. */
class PipelineJobGraphTest {

    static StreamExecutionEnvironment env() {
        Configuration conf = PipelineJob.flinkConfiguration("file:///tmp/auspex-graph-test", java.time.Duration.ofSeconds(10));
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    @Test
    void buildsWithoutGenericTypesAndWithStableUids(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), """
                slos:
                  - name: checkout-latency
                    service: checkout
                    objective: 99
                    period: 30d
                    sli: {type: latency, threshold_ms: 300}
                """);
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(Map.of(
                AuspexOptions.BOOTSTRAP_SERVERS.key(), "localhost:9092",
                AuspexOptions.SLO_FILE.key(), slo.toString())));
        StreamExecutionEnvironment env = env();
        PipelineJob.define(env, cfg, SloSet.load(slo), ModelWindowScorer.fromConfig(cfg), KafkaIo.pipelineIo(cfg));
        StreamGraph graph = env.getStreamGraph();
        Set<String> uids = graph.getStreamNodes().stream().map(n -> n.getTransformationUID())
                .filter(u -> u != null).collect(Collectors.toSet());
        for (String uid : new String[] {"source-spans", "source-metrics", "source-logs", "signals-heap-window",
            "anomaly-evidence", "anomaly-alerts", "graph-span-pairs", "graph-edge-heap-window", "rca-service-state",
            "rca-ranking", "limit-alerts", "slo-engine"}) {
            assertTrue(uids.contains(uid), uid + " missing from " + uids);
        }
        // every node of the graph has its own constant uid, so any savepoint maps onto the next release
        List<String> missing = graph.getStreamNodes().stream().filter(n -> n.getTransformationUID() == null)
                .map(n -> n.getOperatorName()).toList();
        assertEquals(List.of(), missing, "stream nodes without a uid");
        // serializers are created here: a generic (Kryo) type would throw
        List<String> vertices = new java.util.ArrayList<>();
        graph.getJobGraph().getVertices().forEach(v -> vertices.add(v.getName()));
        // each input's dead-letter split runs in its source's task: no serialized hop between them
        for (String input : List.of("spans", "metrics", "logs")) {
            assertTrue(vertices.stream().anyMatch(v -> v.contains(input + "-source")
                    && v.contains("dead-letter split (" + input + ")")), input + " not chained in " + vertices);
        }
    }

    /** Not a POJO (no default constructor, private field): Flink would need Kryo for it. */
    static final class Opaque {
        private final int x;

        Opaque(int x) {
            this.x = x;
        }
    }

    @Test
    void aGenericTypeFailsTheBuild() {
        StreamExecutionEnvironment env = env();
        env.fromData(1, 2, 3).map((MapFunction<Integer, Opaque>) Opaque::new)
                .returns(Opaque.class).print();
        assertThrows(UnsupportedOperationException.class, () -> env.getStreamGraph().getJobGraph());
    }
}
