package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.ServiceSignals;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact arithmetic of the metric baselines and scores, carried values, counters, the filters and the bound. */
class MetricEvidenceTest {
    static final long W = 10_000L;
    static final double TH = 0.8;

    static MetricEvidence evidence() {
        return new MetricEvidence(MetricEvidence.Config.defaults());
    }

    static ServiceSignals window(int i, Map<String, Double> gauges, Map<String, Double> counters, List<String> carried) {
        return Fixtures.signals("orders", T0 + i * W).setGauges(gauges).setCounters(counters).setCarriedGauges(carried)
                .build();
    }

    static ServiceSignals gauge(int i, String name, double v) {
        return window(i, Map.of(name, v), Map.of(), List.of());
    }

    static int index(MetricEvidenceState st, String name) {
        return List.of(st.names).indexOf(name);
    }

    @Test
    void theBaselineIsARunningMeanDuringTheWarmUpThenAnEwma() {
        MetricEvidence me = evidence();
        MetricEvidenceState st = new MetricEvidenceState();
        me.observe(st, gauge(0, "queue_depth", 1.0), TH);
        assertEquals(1.0, st.mean[0]);
        assertEquals(0.0, st.dev[0]);
        // second sample: weight 1/2, so mean (1 + 3) / 2 = 2, deviation 0 + (|3 - 1| - 0) / 2 = 1
        me.observe(st, gauge(1, "queue_depth", 3.0), TH);
        assertEquals(2.0, st.mean[0], 1e-15);
        assertEquals(1.0, st.dev[0], 1e-15);
        // third: weight 1/3, a sample at the mean: mean stays 2, deviation 1 + (0 - 1) / 3 = 2/3
        me.observe(st, gauge(2, "queue_depth", 2.0), TH);
        assertEquals(2.0, st.mean[0], 1e-15);
        assertEquals(2.0 / 3, st.dev[0], 1e-15);
        assertEquals(3, st.samples[0]);
        assertTrue(st.integral[0], "whole numbers so far");
        me.observe(st, gauge(3, "queue_depth", 2.5), TH);
        assertFalse(st.integral[0]);
    }

    @Test
    void theScoreMapsTheDistanceInDeviationsOrFloorsOntoZeroToOne() {
        // 1.25 d = 2.5 beats the floors (10 % of 10.5, 0.01): 28 is z = 17.5 / 2.5 = 7, score (7 - 4) / 4
        assertEquals(0.75, MetricEvidence.score(28, 10.5, 2, false, 30), 1e-12);
        assertEquals(0.75, MetricEvidence.score(-7, 10.5, 2, false, 30), 1e-12, "both directions");
        assertEquals(0.0, MetricEvidence.score(28, 10.5, 2, false, 29), "warming up");
        // no deviation: the relative floor 10 % of 400 = 40; 400 + 6 * 40 is z = 6, score 0.5
        assertEquals(0.5, MetricEvidence.score(640, 400, 0, false, 30), 1e-12);
        // mean 0, no deviation: a count's floor is 1 (z = 5 at 5), a fractional metric's 0.01 (z = 6 at 0.06)
        assertEquals(0.25, MetricEvidence.score(5, 0, 0, true, 30), 1e-12);
        assertEquals(0.5, MetricEvidence.score(0.06, 0, 0, false, 30), 1e-12);
        assertEquals(1.0, MetricEvidence.score(100, 0, 0, true, 30));
        assertEquals(0.0, MetricEvidence.score(1, 0, 0, true, 30), "one more of a count is no anomaly");
    }

    @Test
    void aStepInAGaugeScoresAsComputedByHand() {
        MetricEvidence me = evidence();
        MetricEvidenceState st = new MetricEvidenceState();
        for (int i = 0; i < MetricEvidence.WARM_UP; i++) {
            MetricEvidence.Result r = me.observe(st, gauge(i, "jvm_memory_used_ratio", 0.4), TH);
            assertEquals(0.0, r.strength());
        }
        // baseline 0.4 with no deviation: the floor is 10 % of 0.4 = 0.04; 0.64 is z = 6: score 0.5
        MetricEvidence.Result step = me.observe(st, gauge(30, "jvm_memory_used_ratio", 0.64), TH);
        assertEquals(0.5, step.strength(), 1e-12);
        assertEquals(List.of(), step.moved(), "below the threshold");
        // it scored, so it is learned slowly (weight 0.002): mean 0.4 + 0.002 * 0.24, deviation 0.002 * 0.24
        assertEquals(0.40048, st.mean[0], 1e-12);
        assertEquals(0.00048, st.dev[0], 1e-12);
        MetricEvidence.Result again = me.observe(st, gauge(31, "jvm_memory_used_ratio", 0.64), TH);
        double z = (0.64 - 0.40048) / (0.1 * 0.40048);
        assertEquals((z - 4) / 4, again.strength(), 1e-12);
        // 0.9 is z = 12.5: moved, named with the prefix
        MetricEvidence.Result high = me.observe(st, gauge(32, "jvm_memory_used_ratio", 0.9), TH);
        assertEquals(1.0, high.strength());
        assertEquals(List.of("metric:jvm_memory_used_ratio"), high.moved());
        // a drop is as far: 0.05 from about 0.4
        MetricEvidence.Result low = me.observe(st, gauge(33, "jvm_memory_used_ratio", 0.05), TH);
        assertEquals(1.0, low.strength());
    }

    @Test
    void aFlatMetricWithTinyNoiseNeverScores() {
        MetricEvidence me = evidence();
        MetricEvidenceState st = new MetricEvidenceState();
        for (int i = 0; i < 3000; i++) {
            // a large flat gauge within 0.5 %, a fractional gauge flat at 0 within 0.002, a count flat at 0 with a 1 now and then
            Map<String, Double> g = Map.of("container_memory_working_set_bytes", 2.0e8 * (1 + 0.005 * Math.sin(i * 0.7)),
                    "process_cpu_ratio", 0.002 * Math.abs(Math.sin(i * 1.3)));
            Map<String, Double> c = Map.of("gc_collections_total", i % 37 == 0 ? 1.0 : 0.0);
            MetricEvidence.Result r = me.observe(st, window(i, g, c, List.of()), TH);
            assertEquals(0.0, r.strength(), "window " + i + " " + r.scores());
        }
        assertEquals(3, st.size());
    }

    @Test
    void aCarriedGaugeIsScoredButLearnedOnlyFromItsSamples() {
        MetricEvidence me = evidence();
        MetricEvidenceState st = new MetricEvidenceState();
        String cpu = "container_cpu_ratio";
        int i = 0;
        // a per-minute gauge in 10 s windows: one sample, then carried five times
        for (int minute = 0; minute < MetricEvidence.WARM_UP; minute++) {
            for (int k = 0; k < 6; k++, i++) {
                assertEquals(0.0, me.observe(st, window(i, Map.of(cpu, 0.2), Map.of(), k == 0 ? List.of() : List.of(cpu)),
                        TH).strength());
            }
        }
        assertEquals(MetricEvidence.WARM_UP, st.samples[0], "30 samples in 180 windows, not 180");
        // CPU contention: 0.95 in the sample's window and every carried window after it
        double first = me.observe(st, window(i++, Map.of(cpu, 0.95), Map.of(), List.of()), TH).strength();
        assertEquals(1.0, first);
        double mean = st.mean[0];
        for (int k = 1; k < 6; k++) {
            assertEquals(1.0, me.observe(st, window(i++, Map.of(cpu, 0.95), Map.of(), List.of(cpu)), TH).strength());
        }
        assertEquals(MetricEvidence.WARM_UP + 1, st.samples[0]);
        assertEquals(mean, st.mean[0], "carried values teach nothing");
    }

    @Test
    void aMetricThatDisappearsIsNoAnomalyAndAZeroLatencyIsNoSample() {
        MetricEvidence me = evidence();
        MetricEvidenceState st = new MetricEvidenceState();
        for (int i = 0; i < 40; i++) {
            me.observe(st, window(i, Map.of("queue_depth", 12.0, "pod_latency_p99_ms", 17.0), Map.of(), List.of()), TH);
        }
        MetricEvidence.Result gone = me.observe(st, window(40, Map.of(), Map.of(), List.of()), TH);
        assertEquals(0.0, gone.strength());
        assertEquals(Map.of(), gone.scores());
        // a window without requests: the latency gauge reads 0, which is no latency
        MetricEvidence.Result idle = me.observe(st, window(41, Map.of("pod_latency_p99_ms", 0.0), Map.of(), List.of()), TH);
        assertEquals(0.0, idle.strength());
        assertEquals(40, st.samples[index(st, "pod_latency_p99_ms")]);
        // a queue that empties is a move (both directions)
        assertEquals(1.0, me.observe(st, window(42, Map.of("queue_depth", 0.0), Map.of(), List.of()), TH).strength());
    }

    @Test
    void aCounterIsJudgedByItsIncreaseAndItsLastIncreaseIsCarried() {
        MetricEvidence me = new MetricEvidence(new MetricEvidence.Config(List.of("*"), List.of(), 32, 30_000L,
                3_600_000L, false));
        MetricEvidenceState st = new MetricEvidenceState();
        String c = "container_cpu_usage_seconds_total";
        int i = 0;
        // scraped once a minute: an increase of 0.6 s in one window of six
        for (int minute = 0; minute < MetricEvidence.WARM_UP; minute++) {
            for (int k = 0; k < 6; k++, i++) {
                assertEquals(0.0, me.observe(st, window(i, Map.of(), k == 0 ? Map.of(c, 0.6) : Map.of(), List.of()), TH)
                        .strength());
            }
        }
        assertTrue(st.counter[0]);
        assertEquals(MetricEvidence.WARM_UP, st.samples[0]);
        assertEquals(0.6, st.mean[0], 1e-12);
        // a CPU hog: 60 s in a minute; its score holds in the windows without a point up to the carry time (30 s)
        List<Double> scores = new java.util.ArrayList<>();
        for (int k = 0; k < 6; k++, i++) {
            scores.add(me.observe(st, window(i, Map.of(), k == 0 ? Map.of(c, 60.0) : Map.of(), List.of()), TH).strength());
        }
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0, 0.0, 0.0), scores);
        assertEquals(MetricEvidence.WARM_UP + 1, st.samples[0]);
    }

    @Test
    void includeAndExcludeGlobsChooseTheMetrics() {
        MetricEvidence me = new MetricEvidence(new MetricEvidence.Config(List.of("jvm.*", "container_*", "queue?"),
                List.of("*_total"), 32, 0, 3_600_000L, false));
        assertTrue(me.admits("jvm.memory.used"));
        assertTrue(me.admits("container_memory_working_set_bytes"));
        assertFalse(me.admits("container_cpu_usage_seconds_total"), "excluded");
        assertTrue(me.admits("queue1"));
        assertFalse(me.admits("queue12"), "? is one character");
        assertFalse(me.admits("jvmXmemory"), "a dot is a literal dot");
        assertFalse(me.admits("http.server.active_requests"));
        MetricEvidenceState st = new MetricEvidenceState();
        me.observe(st, window(0, Map.of("jvm.memory.used", 1.0, "http.server.active_requests", 3.0),
                Map.of("container_cpu_usage_seconds_total", 0.5), List.of()), TH);
        assertEquals(List.of("jvm.memory.used"), List.of(st.names));
        assertEquals("pattern 'a b' has white space or a control character", MetricEvidence.globProblem("a b"));
        assertEquals("empty pattern", MetricEvidence.globProblem(" "));
        assertThrows(IllegalArgumentException.class,
                () -> new MetricEvidence.Config(List.of(""), List.of(), 32, 0, 1, false));
    }

    @Test
    void atMostTheBoundIsFollowedTheRestCountedUntilAPlaceFrees() {
        long idle = 60_000L;
        MetricEvidence me = new MetricEvidence(new MetricEvidence.Config(List.of("*"), List.of(), 2, 0, idle, false));
        MetricEvidenceState st = new MetricEvidenceState();
        MetricEvidence.Result r = me.observe(st, window(0, Map.of("c", 1.0, "a", 1.0, "b", 1.0), Map.of(), List.of()), TH);
        // new in the same window: name order
        assertEquals(List.of("a", "b"), List.of(st.names));
        assertEquals(1, r.unfollowed());
        // a metric seen later is not followed while the bound is full
        r = me.observe(st, window(1, Map.of("a", 1.0, "b", 1.0, "c", 1.0, "d", 1.0), Map.of(), List.of()), TH);
        assertEquals(2, r.unfollowed());
        assertEquals(List.of("a", "b"), List.of(st.names));
        // b stops; after the idle time without a sample its place goes to the first new one by name
        int i = 2;
        for (; (i - 1) * W <= idle; i++) {
            me.observe(st, window(i, Map.of("a", 1.0), Map.of(), List.of()), TH);
        }
        assertEquals(List.of("a", "b"), List.of(st.names), "b's last sample is just within the idle time");
        r = me.observe(st, window(i, Map.of("a", 1.0, "d", 1.0, "c", 1.0), Map.of(), List.of()), TH);
        assertEquals(List.of("a", "c"), List.of(st.names));
        assertEquals(1, r.unfollowed());
        assertEquals(1, st.samples[index(st, "c")], "a new baseline");
    }
}
