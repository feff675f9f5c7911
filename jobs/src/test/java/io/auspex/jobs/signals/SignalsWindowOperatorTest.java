package io.auspex.jobs.signals;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.window.CheckpointedWindows;
import io.auspex.jobs.window.WindowHarnesses;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap signals window ({@link SignalsWindowOperator}): fires on the watermark, sends late
 * records to the side output, keeps its open windows across a snapshot, a restore and a rescale,
 * leaves a window as it was when a record makes the accumulator throw, and writes exactly what
 * Flink's {@code WindowOperator} (the operator it replaced) writes for the same input.
 */
class SignalsWindowOperatorTest {
    static final long W = 10_000;
    static final long[] THRESHOLDS = {300};

    static SignalsWindowOperator operator() {
        return SignalsStage.operator(W, THRESHOLDS, MetricSignals.DEFAULTS, LogTemplateSettings.DEFAULTS);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> harness(int parallelism,
            int subtask, OperatorSubtaskState restore, boolean rocksDb) throws Exception {
        return WindowHarnesses.keyed(operator(), new ServiceKey(), parallelism, subtask, restore, rocksDb);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> harness() throws Exception {
        return harness(1, 0, null, false);
    }

    /** Flink's window operator as the job built it before (the reference), on RocksDB. */
    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> flinkWindow() throws Exception {
        WindowOperatorBuilder<Telemetry, String, TimeWindow> b = new WindowOperatorBuilder<>(
                TumblingEventTimeWindows.of(Duration.ofMillis(W)), EventTimeTrigger.create(), new ExecutionConfig(),
                TypeInformation.of(Telemetry.class), new ServiceKey(), Types.STRING);
        b.sideOutputLateData(SignalsStage.LATE);
        OneInputStreamOperator<Telemetry, ServiceSignals> op = b.aggregate(
                new SignalsAggregate(THRESHOLDS, MetricSignals.DEFAULTS, LogTemplateSettings.DEFAULTS),
                new SignalsWindowFunction(THRESHOLDS, MetricSignals.DEFAULTS, LogTemplateSettings.DEFAULTS),
                SignalsAccumulatorTypeInfo.INSTANCE);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, new ServiceKey(), Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend()); // as in production
        h.open();
        return h;
    }

    static long openWindows(AbstractStreamOperatorTestHarness<?> h) {
        return ((SignalsWindowOperator) h.getOperator()).openWindows();
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, Telemetry t)
            throws Exception {
        h.processElement(t, t.eventTimeMs());
    }

    /** Outputs and watermarks in emission order, as text (signals as "timestamp service start requests"). */
    static List<String> emitted(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark wm) {
                out.add("watermark " + wm.getTimestamp());
            } else if (o instanceof StreamRecord<?> r && r.getValue() instanceof ServiceSignals s) {
                out.add(r.getTimestamp() + " " + s.getServiceName() + " " + (s.getWindowStartMs() - T0) + " "
                        + s.getRequestCount());
            }
        }
        return out;
    }

    @Test
    void aWindowFiresWhenTheWatermarkReachesItsLastMillisecondBeforeTheWatermarkGoesOn() throws Exception {
        var h = harness();
        add(h, Telemetry.of(Fixtures.server("payment", T0 + 9_999, 20_000, false)));
        add(h, Telemetry.of(Fixtures.server("checkout", T0 + 1, 20_000, false)));
        add(h, Telemetry.of(Fixtures.server("checkout", T0 + 2, 20_000, true)));
        add(h, Telemetry.of(Fixtures.server("checkout", T0 + W, 20_000, false)));
        assertEquals(3, openWindows(h));
        h.processWatermark(T0 + W - 2);
        assertEquals(List.of("watermark " + (T0 + W - 2)), emitted(h), "one millisecond early: nothing fires");
        h.getOutput().clear();

        h.processWatermark(T0 + W - 1);
        // windows due at one watermark in (end, service) order, stamped with their last millisecond
        assertEquals(List.of((T0 + W - 1) + " checkout 0 2", (T0 + W - 1) + " payment 0 1",
                "watermark " + (T0 + W - 1)), emitted(h));
        assertEquals(1, openWindows(h));
        h.getOutput().clear();

        h.processWatermark(Long.MAX_VALUE);
        assertEquals(List.of((T0 + 2 * W - 1) + " checkout 10000 1", "watermark " + Long.MAX_VALUE), emitted(h));
        assertEquals(0, openWindows(h));
        assertEquals(0, h.numEventTimeTimers(), "the watermark fires the windows; the retirement timers fired too");
        assertEquals(0, h.numKeyedStateEntries(), "no checkpoint was taken and both services retired: no state");
        h.close();
    }

    @Test
    void operationsBeyondTheConfiguredBoundAreLeftOutOfTheListAndCounted() throws Exception {
        var h = WindowHarnesses.keyed(SignalsStage.operator(W, THRESHOLDS, MetricSignals.DEFAULTS,
                LogTemplateSettings.DEFAULTS, 1, AuspexOptions.RETIRE_AFTER.defaultValue().toMillis()), new ServiceKey(), 1,
                0, null, false);
        for (String service : List.of("checkout", "payment")) {
            for (String op : List.of("GET /a", "GET /b", "GET /b")) {
                add(h, Telemetry.of(Fixtures.span(service, "00000000000000a1", null,
                        io.auspex.schemas.SpanKind.SERVER, T0 + 1).setName(op).build()));
            }
        }
        h.processWatermark(T0 + W - 1);
        List<ServiceSignals> out = h.extractOutputValues().stream().map(o -> (ServiceSignals) o).toList();
        assertEquals(2, out.size());
        for (ServiceSignals s : out) {
            assertEquals(3, s.getRequestCount(), "every span counts in the service");
            assertEquals(List.of("GET /a"), s.getOperations().stream().map(o -> o.getName()).toList());
            assertEquals(1, s.getOperations().get(0).getTotal());
        }
        assertEquals(4, ((SignalsWindowOperator) h.getOperator()).unlistedOperationSpans(),
                "two GET /b spans per service");
        h.close();
    }

    @Test
    void aRecordWhoseWindowTheWatermarkPassedGoesToTheLateOutputUnchanged() throws Exception {
        var h = harness();
        add(h, Telemetry.of(Fixtures.server("checkout", T0 + 5, 20_000, false)));
        h.processWatermark(T0 + W - 1);
        h.getOutput().clear();
        Telemetry late = Telemetry.of(Fixtures.server("checkout", T0 + W - 1, 20_000, false));
        add(h, late);
        // the next window is still open: its first millisecond is ahead of the watermark
        add(h, Telemetry.of(Fixtures.server("checkout", T0 + W, 20_000, false)));
        var side = new ArrayList<>(h.getSideOutput(SignalsStage.LATE));
        assertEquals(1, side.size());
        assertEquals(late.span, side.get(0).getValue().span);
        assertEquals(T0 + W - 1, side.get(0).getTimestamp());
        assertEquals(1, openWindows(h));
        h.processWatermark(T0 + 2 * W);
        assertEquals(List.of((T0 + 2 * W - 1) + " checkout 10000 1", "watermark " + (T0 + 2 * W)), emitted(h));
        h.close();
    }

    /** A stream of spans, logs and metrics of several services, out of order, with late records; watermarks among them. */
    static List<Object> stream(long seed, int records, int services, long stepMs) {
        Random r = new Random(seed);
        List<Object> steps = new ArrayList<>();
        long newest = T0;
        for (int i = 0; i < records; i++) {
            long t = T0 + 4_000 + i * stepMs - r.nextInt(4_000);
            if (i % 97 == 0) {
                t -= 20_000; // behind the watermark: late
            }
            newest = Math.max(newest, t);
            String service = "svc-" + r.nextInt(services);
            int kind = r.nextInt(100);
            Telemetry rec;
            if (kind < 80) {
                boolean error = r.nextInt(20) == 0;
                Span s = Fixtures.span(service, String.format("%016x", i + 1), null,
                        r.nextInt(10) < 7 ? SpanKind.SERVER : SpanKind.CLIENT, t)
                        .setTraceId(String.format("%032x", r.nextInt(5_000) + 1))
                        .setName("GET /item/" + r.nextInt(600)) // more operations than the accumulator keeps
                        .setDurationUs(1_000 + (long) (r.nextDouble() * r.nextDouble() * 900_000))
                        .setStatusCode(error ? StatusCode.ERROR : StatusCode.OK).setHttpStatusCode(error ? 500 : 200)
                        .build();
                rec = Telemetry.of(s);
            } else if (kind < 95) {
                int severity = r.nextInt(3) == 0 ? 17 : 9;
                String body = switch (r.nextInt(6)) {
                    case 0 -> "timeout after " + r.nextInt(5_000) + " ms";
                    case 1 -> "order " + r.nextInt(300) + " not found in shard " + r.nextInt(7);
                    case 2 -> "connection reset by peer " + r.nextInt(3);
                    // texts the masker keeps apart: more than a window keeps
                    default -> "cache miss for key " + (char) ('a' + r.nextInt(26)) + (char) ('a' + r.nextInt(26))
                            + (char) ('a' + r.nextInt(26));
                };
                rec = Telemetry.of(Fixtures.log(service, t, severity, body));
            } else {
                rec = Telemetry.of(metric(r, service, t));
            }
            steps.add(new StreamRecord<>(rec, t));
            if (i % 50 == 49) {
                steps.add(new Watermark(newest - 5_000));
            }
        }
        steps.add(new Watermark(Long.MAX_VALUE));
        return steps;
    }

    static MetricPoint metric(Random r, String service, long t) {
        MetricPoint.Builder b = MetricPoint.newBuilder().setServiceName(service).setTimeMs(t).setUnit("s")
                .setAttributes(Map.of("k8s.pod.name", service + "-" + r.nextInt(2)));
        return switch (r.nextInt(5)) {
            case 0 -> b.setName("process.cpu.utilization").setType(MetricType.GAUGE).setValue(r.nextDouble()).build();
            case 1 -> b.setName("jobs.done").setType(MetricType.COUNTER).setCumulative(false).setValue(r.nextInt(9))
                    .build();
            case 2 -> b.setName("requests.total").setType(MetricType.COUNTER).setCumulative(true)
                    .setValue((t - T0) / 100.0).build();
            case 3 -> b.setName("http.server.request.duration").setType(MetricType.HISTOGRAM).setCumulative(false)
                    .setCount(6).setValue(0.9).setBounds(List.of(0.05, 0.1, 0.5)).setBucketCounts(List.of(1L, 2L, 2L, 1L))
                    .build();
            default -> b.setName("http.server.request.duration").setType(MetricType.HISTOGRAM).setCumulative(true)
                    .setCount((t - T0) / 50).setValue((t - T0) / 500.0).setBounds(List.of(0.1, 1.0))
                    .setBucketCounts(List.of((t - T0) / 100, (t - T0) / 200, (t - T0) / 50 - (t - T0) / 100
                            - (t - T0) / 200)).build();
        };
    }

    static void run(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, List<Object> steps)
            throws Exception {
        WindowHarnesses.run(List.of(h), new ServiceKey(), steps);
    }

    /** Per service, its signals records in emission order with their timestamps. */
    static Map<String, List<String>> byService(List<KeyedOneInputStreamOperatorTestHarness<String, Telemetry,
            ServiceSignals>> hs) {
        Map<String, List<String>> out = new TreeMap<>();
        for (var h : hs) {
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof ServiceSignals s) {
                    out.computeIfAbsent(s.getServiceName(), k -> new ArrayList<>()).add(r.getTimestamp() + " " + s);
                }
            }
        }
        return out;
    }

    static List<String> late(List<KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals>> hs) {
        List<String> out = new ArrayList<>();
        for (var h : hs) {
            var side = h.getSideOutput(SignalsStage.LATE);
            if (side != null) {
                side.forEach(r -> out.add(r.getTimestamp() + " " + r.getValue().eventTimeMs()));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void theSameOutputsAsFlinksWindowOperatorCapsAndLateRecordsIncluded() throws Exception {
        List<Object> steps = stream(7, 40_000, 4, 1);
        var flink = flinkWindow();
        run(flink, steps);
        var heap = harness();
        run(heap, steps);
        Map<String, List<String>> expected = byService(List.of(flink));
        assertEquals(4, expected.size());
        int windows = expected.values().stream().mapToInt(List::size).sum();
        assertTrue(windows >= 4 * 4, "windows: " + windows);
        assertEquals(expected, byService(List.of(heap)));
        List<String> late = late(List.of(flink));
        assertTrue(late.size() > 300, "late records: " + late.size());
        assertEquals(late, late(List.of(heap)));
        // the caps were reached: more operations than kept, more log texts than kept
        List<ServiceSignals> all = heap.extractOutputValues().stream().map(o -> (ServiceSignals) o).toList();
        assertTrue(all.stream().anyMatch(x -> x.getOperations().size() == SignalsAccumulator.MAX_OPERATIONS));
        assertTrue(all.stream().anyMatch(x -> x.getUnlistedLogCount() > 0));
        assertTrue(all.stream().anyMatch(x -> !x.getCounters().isEmpty()));
        assertEquals(0, openWindows(heap));
        flink.close();
        heap.close();
    }

    /** This operator as a {@link WindowHarnesses.Subject}. */
    static final WindowHarnesses.Subject<Telemetry, ServiceSignals> SUBJECT = new WindowHarnesses.Subject<>(
            SignalsWindowOperatorTest::harness, new ServiceKey(),
            SignalsWindowOperatorTest::byService, SignalsWindowOperatorTest::openWindowEntries);

    @ParameterizedTest(name = "RocksDB {0}")
    @ValueSource(booleans = {false, true})
    void aSnapshotMidWindowRestoresToTheSameSignalsAsAnUndisturbedRun(boolean rocksDb) throws Exception {
        // cut between two watermarks: windows of every service open
        WindowHarnesses.snapshotMidWindowRestoresExactly(SUBJECT, stream(11, 6_000, 3, 10), 3_001, 3, rocksDb);
    }

    /** Entries of the operator's checkpointed open-windows state, over all keys. */
    static int openWindowEntries(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h)
            throws Exception {
        return CheckpointedWindows.count(h.getOperator(), SignalsAccumulatorTypeInfo.INSTANCE);
    }

    @Test
    void aRescaleFromOneToTwoSubtasksGivesTheSameSignalsAsAnUndisturbedRun() throws Exception {
        WindowHarnesses.rescaleOneToTwoGivesTheSame(SUBJECT, stream(13, 8_000, 12, 10), 4_001, 12);
    }

    /** The containment test's poison: a delta request-duration histogram with three bucket counts and no bounds. */
    static MetricPoint poisonHistogram(String service, long t) {
        return MetricPoint.newBuilder().setServiceName(service).setName("http.server.request.duration")
                .setType(MetricType.HISTOGRAM).setCumulative(false).setTimeMs(t).setValue(1.0).setCount(5).setUnit("s")
                .setBounds(List.of()).setBucketCounts(List.of(1L, 2L, 2L)).setAttributes(Map.of()).build();
    }

    @Test
    void aRecordThatMakesTheAccumulatorThrowLeavesItsWindowAsItWas() throws Exception {
        // web sends only histograms: the histogram counts are its traffic, so a half-added poison would show
        MetricPoint good = MetricPoint.newBuilder(poisonHistogram("web", T0 + 100)).setBounds(List.of(0.1, 0.5))
                .build();
        List<ServiceSignals> outputs = new ArrayList<>();
        for (boolean poisoned : new boolean[] {false, true}) {
            var h = harness();
            add(h, Telemetry.of(good));
            if (poisoned) {
                assertThrows(ArrayIndexOutOfBoundsException.class,
                        () -> add(h, Telemetry.of(poisonHistogram("web", T0 + 200))));
                // a poison as the first record of a window opens no window
                assertThrows(ArrayIndexOutOfBoundsException.class,
                        () -> add(h, Telemetry.of(poisonHistogram("web", T0 + W + 1))));
                assertEquals(1, openWindows(h));
            }
            add(h, Telemetry.of(Fixtures.log("web", T0 + 400, 17, "timeout after 5 ms")));
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(1, h.extractOutputValues().size());
            outputs.add((ServiceSignals) h.extractOutputValues().get(0));
            h.close();
        }
        assertEquals(5, outputs.get(0).getRequestCount());
        assertEquals(1, outputs.get(0).getErrorLogCount());
        assertEquals(outputs.get(0), outputs.get(1));
    }
}
