package io.auspex.jobs.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.Alert;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The wired stage on a local MiniCluster (parallelism 2, generic types disabled). */
class SloStageTest {

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    private static DataStream<ServiceSignals> signals(StreamExecutionEnvironment env, List<ServiceSignals> list) {
        return env.fromData(list, new AvroTypeInfo<>(ServiceSignals.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<ServiceSignals>forMonotonousTimestamps()
                        .withTimestampAssigner((s, ts) -> s.getWindowEndMs() - 1));
    }

    @Test
    void runsOnAMiniClusterWithoutKryoAndMatchesTheEngine() throws Exception {
        SloSet set = SloProcessFunctionTest.DEFAULT;
        List<ServiceSignals> input = new ArrayList<>();
        for (long t = SloScenario.T0; t < SloScenario.T0 + 2 * 3_600_000L; t += 10_000) {
            for (String svc : List.of("checkout", "payment")) {
                boolean outage = svc.equals("payment") && t >= SloScenario.T0 + 3_600_000L
                        && t < SloScenario.T0 + 4_200_000L;
                input.add(SloProcessFunctionTest.sig(svc, t, 10_000, 100, outage ? 100 : 0));
            }
        }
        SloEngine engine = new SloEngine(set);
        List<Alert> expected = new ArrayList<>();
        for (ServiceSignals s : input) {
            engine.process(s, new SloOutput() {
                @Override
                public void alert(Alert a) {
                    expected.add(a);
                }

                @Override
                public void status(SloStatus st) {}
            });
        }
        StreamExecutionEnvironment env = env();
        SloStage.Outputs out = SloStage.wire(signals(env, input), set,
                env.fromData(set.sourceText()).assignTimestampsAndWatermarks(SloStage.neverHoldsBackWatermarks()));
        List<Alert> got = new ArrayList<>();
        try (CloseableIterator<Alert> it = out.alerts().executeAndCollect("slo-stage-test")) {
            it.forEachRemaining(got::add);
        }
        assertEquals(new HashSet<>(expected), new HashSet<>(got));
        assertEquals(expected.size(), got.size());
        assertTrue(expected.size() >= 4, "payment outage fires and resolves: " + expected.size());

    }

    /**
     * With the real, never-ending reload source on the broadcast side, event-time windows after
     * the engine still fire: the broadcast side does not hold the watermark back.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theReloadSourceDoesNotHoldBackTheWatermark(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slos.yaml");
        Files.writeString(file, SloProcessFunctionTest.DEFAULT.sourceText());
        List<ServiceSignals> input = new ArrayList<>();
        for (long t = SloScenario.T0; t < SloScenario.T0 + 2 * 3_600_000L; t += 10_000) {
            boolean outage = t >= SloScenario.T0 + 3_600_000L && t < SloScenario.T0 + 4_200_000L;
            input.add(SloProcessFunctionTest.sig("payment", t, 10_000, 100, outage ? 100 : 0));
        }
        StreamExecutionEnvironment env = env();
        SloStage.Outputs out = SloStage.apply(signals(env, input), SloSet.load(file), file, Duration.ofSeconds(1));
        List<Long> perHour = out.alerts()
                .map(a -> 1L).returns(Types.LONG)
                .windowAll(TumblingEventTimeWindows.of(Duration.ofHours(1)))
                .reduce(Long::sum)
                .executeAndCollect("slo-watermark-test", 1);
        // the window of the second hour holds the payment alerts (3 firing, 2 resolved in that hour)
        assertEquals(1, perHour.size());
        assertTrue(perHour.get(0) >= 3, perHour.toString());
    }

    @Test
    void applyGivesEveryStatefulOperatorAConstantUid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slos.yaml");
        Files.writeString(file, SloProcessFunctionTest.DEFAULT.sourceText());
        StreamExecutionEnvironment env = env();
        SloStage.Outputs out = SloStage.apply(signals(env, List.of(SloProcessFunctionTest.sig("checkout",
                SloScenario.T0, 10_000, 1, 0))), SloSet.load(file), file, Duration.ofSeconds(30));
        out.alerts().print();
        out.statuses().print();
        Set<String> uids = new HashSet<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        assertTrue(uids.containsAll(Set.of(SloStage.ENGINE_UID, SloStage.RELOAD_UID)), uids.toString());
    }
}
