package io.auspex.jobs;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.slo.SloSet;
import io.auspex.jobs.testutil.CollectingSink;
import io.auspex.jobs.testutil.ListSource;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job enables object reuse (chained operators get the upstream record itself, not a copy):
 * the whole graph on a MiniCluster (parallelism 2, RocksDB) writes exactly what it writes with
 * object reuse off, also with the records that take the paths where a shared record could be
 * changed under another operator: late records (the signals window's side output, whose chained
 * map replaces the record's value, beside the span path chained to the same admission) and a
 * poison record (contained by the admission).
 */
class ObjectReuseTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final int LATE = 6;

    /** Each output as a multiset of records (Avro equality: maps compare as maps, whatever their entry order). */
    record Outputs(Map<Object, Long> dead, Map<Object, Long> signals, Map<Object, Long> statuses,
            Map<Object, Long> alerts) {}

    static Map<Object, Long> multiset(List<?> records) {
        Map<Object, Long> m = new HashMap<>();
        records.forEach(r -> m.merge(r, 1L, Long::sum));
        return m;
    }

    static long count(Map<Object, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The spans source: the containment test's spans, then {@link #LATE} spans of the first minute.
     * The source pauses before them, so the periodic watermarks of the spans read so far pass first and
     * the signals window finds them late.
     */
    static DataGeneratorSource<Telemetry> spansThenLate() {
        List<Telemetry> spans = new ArrayList<>(PoisonRecordTest.spans());
        int pauseAt = spans.size() - 1;
        for (int i = 0; i < LATE; i++) {
            spans.add(Telemetry.of(Fixtures.server(i % 2 == 0 ? "web" : "db", T0 + 1_000 + i * 7_000L, 20_000,
                    i == 3)));
        }
        GeneratorFunction<Long, Telemetry> at = i -> {
            if (i == pauseAt) {
                Thread.sleep(1_500);
            }
            return spans.get(i.intValue());
        };
        return new DataGeneratorSource<>(at, spans.size(), TypeInformation.of(Telemetry.class));
    }

    static Outputs run(Path dir, boolean reuse) throws Exception {
        Path slo = PoisonRecordTest.sloFile(dir);
        Map<String, String> m = new HashMap<>();
        m.put(AuspexOptions.BOOTSTRAP_SERVERS.key(), "unused:9092");
        m.put(AuspexOptions.SLO_FILE.key(), slo.toString());
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(m));
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<ServiceSignals> signals = new CollectingSink<>();
        CollectingSink<SloStatus> statuses = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        PipelineIo io = new PipelineIo(spansThenLate(), ListSource.of(PoisonRecordTest.metrics(true)),
                ListSource.of(PoisonRecordTest.logs()), dead, signals, statuses, alerts);
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        conf.setString("state.backend.type", "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        PipelineJob.define(env, cfg, SloSet.load(slo), ModelWindowScorer.fromConfig(cfg), io);
        assertTrue(env.getConfig().isObjectReuseEnabled(), "the job enables object reuse");
        if (!reuse) {
            env.getConfig().disableObjectReuse();
        }
        env.executeAsync("object-reuse-" + reuse).getJobExecutionResult().get(5, TimeUnit.MINUTES);
        return new Outputs(multiset(dead.received()), multiset(signals.received()), multiset(statuses.received()),
                multiset(alerts.received()));
    }

    @Test
    void theJobWritesExactlyWhatItWritesWithoutObjectReuse(@TempDir Path dir) throws Exception {
        Outputs copying = run(dir, false);
        Outputs reusing = run(dir, true);
        assertEquals(1 + LATE, count(copying.dead()), () -> copying.dead().toString());
        assertEquals(Map.of("operator_error", 1L, "late", (long) LATE), copying.dead().entrySet().stream().collect(
                java.util.stream.Collectors.groupingBy(e -> ((DeadLetter) e.getKey()).getReason(),
                        java.util.stream.Collectors.summingLong(Map.Entry::getValue))));
        assertEquals(copying.dead(), reusing.dead());
        assertEquals(copying.signals(), reusing.signals());
        assertEquals(copying.statuses(), reusing.statuses());
        assertEquals(copying.alerts(), reusing.alerts());
        assertEquals(2 * PoisonRecordTest.MINUTES * 6, count(reusing.signals()));
        assertTrue(count(reusing.alerts()) > 0);
    }
}
