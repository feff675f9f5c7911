package io.auspex.jobs.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.config.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's watermark strategy per split: 5 s out-of-orderness; an unbounded split with no record
 * for the idleness timeout (wall time) is marked idle; a bounded one (a replay) never is.
 */
class EventTimeTest {
    /** What a split's generator emitted: watermarks as their timestamps, and "idle". */
    static List<String> run(Map<String, String> options, Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        Map<String, String> m = new HashMap<>(Map.of("auspex.kafka.bootstrap-servers", "k:9092",
                "auspex.slo.file", slo.toString()));
        m.putAll(options);
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(m));
        ManualClock clock = new ManualClock();
        WatermarkGenerator<Telemetry> g = EventTime.strategy(cfg).createWatermarkGenerator(
                new WatermarkGeneratorSupplier.Context() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return new UnregisteredMetricsGroup();
                    }

                    @Override
                    public RelativeClock getInputActivityClock() {
                        return clock;
                    }
                });
        List<String> out = new ArrayList<>();
        WatermarkOutput o = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                out.add(Long.toString(watermark.getTimestamp() - Fixtures.T0));
            }

            @Override
            public void markIdle() {
                out.add("idle");
            }

            @Override
            public void markActive() {
                out.add("active");
            }
        };
        Telemetry t = Telemetry.of(Fixtures.server("payment", Fixtures.T0 + 10_000, 1_000, false));
        // the source assigns the timestamp with the strategy's assigner, then hands it to the generator
        long ts = EventTime.strategy(cfg).createTimestampAssigner(null).extractTimestamp(t, -1);
        g.onEvent(t, ts, o);
        g.onPeriodicEmit(o);
        for (int i = 0; i < 40; i++) {
            clock.advanceTime(java.time.Duration.ofSeconds(1));
            g.onPeriodicEmit(o);
        }
        return out.stream().distinct().toList();
    }

    @Test
    void anUnboundedSplitWithoutRecordsForTheIdlenessTimeoutIsMarkedIdle(@TempDir Path dir) throws Exception {
        // the watermark trails the newest event time by the 5 s bound (and 1 ms)
        assertEquals(List.of("4999", "idle"), run(Map.of(), dir));
    }

    @Test
    void aBoundedSplitIsNeverMarkedIdle(@TempDir Path dir) throws Exception {
        assertEquals(List.of("4999"), run(Map.of("auspex.sources.bounded", "true"), dir));
    }

    @Test
    void theIdlenessTimeoutIsTheOption(@TempDir Path dir) throws Exception {
        // 50 s: the 40 s without records stay under it
        assertEquals(List.of("4999"), run(Map.of("auspex.watermarks.idleness", "50 s"), dir));
    }
}
