package io.auspex.jobs.signals;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.ServiceSignals;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Metrics in the golden-signals window as the job builds it: slow gauges carried between samples
 * until stale, cumulative counters and histograms turned into per-window increases with resets,
 * and request-duration histograms giving a service without spans its traffic, errors and latency.
 */
class MetricSignalsHarnessTest {
    static final long W = 10_000;
    static final MetricSignals SIGNALS = new MetricSignals(Set.of("k8s.pod.cpu_limit_utilization"),
            Set.of("http.server.request.duration"), 30_000);

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> harness() throws Exception {
        return harness(AuspexOptions.RETIRE_AFTER.defaultValue().toMillis());
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> harness(long retireAfterMs)
            throws Exception {
        long[] thresholds = {300};
        OneInputStreamOperator<Telemetry, ServiceSignals> op = new SignalsWindowOperator(W,
                new SignalsAggregate(thresholds, SIGNALS), new SignalsWindowFunction(thresholds, SIGNALS),
                SignalsStage.LATE, retireAfterMs);
        KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h =
                new KeyedOneInputStreamOperatorTestHarness<>(op, new ServiceKey(), Types.STRING);
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, MetricPoint m)
            throws Exception {
        h.processElement(Telemetry.of(m), m.getTimeMs());
    }

    static MetricPoint.Builder metric(String name, long t, MetricType type, boolean cumulative) {
        return MetricPoint.newBuilder().setServiceName("orders").setName(name).setTimeMs(t).setUnit("")
                .setAttributes(Map.of("k8s.pod.name", "orders-1")).setType(type).setCumulative(cumulative);
    }

    @Test
    void aPerMinuteGaugeIsCarriedUntilStaleNeverReadAsZero() throws Exception {
        var h = harness();
        add(h, metric("k8s.pod.cpu_limit_utilization", T0 + 1_000, MetricType.GAUGE, false).setValue(0.7).build());
        for (int w = 0; w < 5; w++) {
            h.processElement(Telemetry.of(Fixtures.server("orders", T0 + w * W + 2_000, 20_000, false)),
                    T0 + w * W + 2_000);
        }
        h.processWatermark(T0 + 5 * W);
        List<Double> saturation = h.extractOutputValues().stream().map(ServiceSignals::getSaturation).toList();
        // the sample's window and the three after it (ending 30 s later at most); then stale
        assertEquals(List.of(0.7, 0.7, 0.7, 0.7, 0.0), saturation);
        assertEquals(0.7, h.extractOutputValues().get(3).getGauges().get("k8s.pod.cpu_limit_utilization"));
        assertNull(h.extractOutputValues().get(4).getGauges().get("k8s.pod.cpu_limit_utilization"));
        // the sample's own window names no carried gauge; the three after it name the carried one
        List<List<String>> carried = h.extractOutputValues().stream().map(ServiceSignals::getCarriedGauges).toList();
        List<String> cpu = List.of("k8s.pod.cpu_limit_utilization");
        assertEquals(List.of(List.of(), cpu, cpu, cpu, List.of()), carried);
        // what stays is the service's newest window end, for its retirement
        assertEquals(1, h.numKeyedStateEntries(), "the stale gauge is dropped from state");
        h.close();
    }

    @Test
    void cumulativeCountersBecomeIncreasesAcrossAReset() throws Exception {
        var h = harness();
        long start = T0 - 60_000;
        double[] values = {100, 130, 10, 25};
        long[] starts = {start, start, T0 + 2 * W, T0 + 2 * W};
        for (int w = 0; w < 4; w++) {
            add(h, metric("http.server.requests", T0 + w * W + 5_000, MetricType.COUNTER, true).setValue(values[w])
                    .setStartTimeMs(starts[w]).build());
        }
        add(h, metric("retries", T0 + W + 1_000, MetricType.COUNTER, false).setValue(5).build());
        add(h, metric("retries", T0 + W + 2_000, MetricType.COUNTER, false).setValue(2).build());
        h.processWatermark(T0 + 4 * W);
        List<Map<String, Double>> counters = h.extractOutputValues().stream().map(ServiceSignals::getCounters).toList();
        // the first point is the baseline; 130 - 100; a restart counts from zero: 10; then 25 - 10
        assertEquals(List.of(Map.of(), Map.of("http.server.requests", 30.0, "retries", 7.0),
                Map.of("http.server.requests", 10.0), Map.of("http.server.requests", 15.0)), counters);
        h.close();
    }

    /**
     * A service that fires no window for the retire-after time loses its cumulative series (with its
     * last gauges and template miner): its next point is a baseline again; a service that keeps
     * sending within that time keeps them.
     */
    @Test
    void aServiceWithoutWindowsForTheRetireAfterTimeLosesItsSeriesAndGauges() throws Exception {
        long retire = 60_000;
        var h = harness(retire);
        for (String service : List.of("orders", "cart")) {
            add(h, metric("retries", T0 + 1_000, MetricType.COUNTER, true).setServiceName(service).setValue(100)
                    .setStartTimeMs(T0 - 60_000).build());
        }
        h.processWatermark(T0 + W);
        // cart goes on every 40 s (within the 60 s); orders says nothing for 100 s
        for (long t = T0 + 40_000; t <= T0 + 120_000; t += 40_000) {
            h.processElement(Telemetry.of(Fixtures.server("cart", t, 20_000, false)), t);
            h.processWatermark(t + W);
        }
        assertEquals(1, ((SignalsWindowOperator) h.getOperator()).retiredServices(), "orders retired, cart not");
        h.getOutput().clear();
        long back = T0 + 131_000;
        for (String service : List.of("orders", "cart")) {
            add(h, metric("retries", back, MetricType.COUNTER, true).setServiceName(service).setValue(130)
                    .setStartTimeMs(T0 - 60_000).build());
        }
        h.processWatermark(back + W);
        Map<String, ServiceSignals> out = new java.util.TreeMap<>();
        h.extractOutputValues().forEach(s -> out.put(s.getServiceName().toString(), s));
        assertEquals(Map.of("retries", 30.0), out.get("cart").getCounters(), "cart kept its series: 130 - 100");
        assertEquals(Map.of(), out.get("orders").getCounters(), "orders' series was cleared: 130 is a baseline");
        assertEquals(2, h.numEventTimeTimers(), "one retirement timer per live service");
        h.close();
    }

    @Test
    void durationHistogramsGiveAServiceWithoutSpansItsGoldenSignals() throws Exception {
        var h = harness();
        List<Double> bounds = List.of(0.1, 0.5);
        add(h, metric("http.server.request.duration", T0 + 5_000, MetricType.HISTOGRAM, true).setUnit("s")
                .setCount(10).setValue(1.0).setBounds(bounds).setBucketCounts(List.of(6L, 3L, 1L)).build());
        add(h, metric("http.server.request.duration", T0 + 5_000, MetricType.HISTOGRAM, true).setUnit("s")
                .setAttributes(Map.of("k8s.pod.name", "orders-1", "http.response.status_code", "500")).setError(true)
                .setCount(0).setValue(0).setBounds(bounds).setBucketCounts(List.of(0L, 0L, 0L)).build());
        add(h, metric("http.server.request.duration", T0 + W + 5_000, MetricType.HISTOGRAM, true).setUnit("s")
                .setCount(16).setValue(2.0).setBounds(bounds).setBucketCounts(List.of(9L, 5L, 2L)).build());
        add(h, metric("http.server.request.duration", T0 + W + 5_000, MetricType.HISTOGRAM, true).setUnit("s")
                .setAttributes(Map.of("k8s.pod.name", "orders-1", "http.response.status_code", "500")).setError(true)
                .setCount(2).setValue(0.6).setBounds(bounds).setBucketCounts(List.of(0L, 2L, 0L)).build());
        h.processWatermark(T0 + 2 * W);
        List<ServiceSignals> out = h.extractOutputValues();
        assertEquals(0, out.get(0).getRequestCount(), "the first points are baselines");
        ServiceSignals s = out.get(1);
        // increases: 3 at 50 ms, 2 + 2 at 300 ms (bucket midpoints), 1 above 500 ms (the open bucket's bound)
        assertEquals(8, s.getRequestCount());
        assertEquals(0.8, s.getTrafficRps(), 1e-12);
        assertEquals(2, s.getErrorSpanCount());
        assertEquals(0.25, s.getErrorRatio(), 1e-12);
        assertEquals(300, s.getLatencyP50Ms(), 300 * 0.02);
        assertEquals(300, s.getLatencyP99Ms(), 300 * 0.02, "the 7th of 8 values, as DDSketch ranks");
        assertEquals(500, s.getLatencyMaxMs(), 500 * 0.02);
        assertEquals(1L, s.getLatencyOverMs().get("300"), "only the bucket wholly above 300 ms is counted");
        h.close();
    }
}
