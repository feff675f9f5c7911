package io.auspex.jobs.slo;

import io.auspex.schemas.Alert;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * Benchmark, not a test: throughput of the SLO engine on one thread and memory per SLO instance
 * with 10 000 instances (5 000 services x availability + latency, 30d, the four default rules).
 *
 * <pre>
 * flock /tmp/auspex-mvn.lock mvn -q -B -o -pl jobs test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/slo-cp.txt -Dmdep.includeScope=test
 * java -Xmx2g -cp "jobs/target/test-classes:jobs/target/classes:$(cat /tmp/slo-cp.txt)" \
 *     io.auspex.jobs.slo.SloEngineBenchmark [services=5000] [hours=6]
 * </pre>
 */
public final class SloEngineBenchmark {
    private static final long T0 = SloScenario.T0;
    private static final long WINDOW = 10_000;

    private SloEngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int hours = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        System.out.printf(Locale.ROOT, "java %s, %d cores, max heap %d MB%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        StringBuilder yaml = new StringBuilder("slos:\n");
        for (int i = 0; i < services; i++) {
            yaml.append("  - {name: svc").append(i).append("-availability, service: svc").append(i)
                    .append(", objective: 99.9, sli: {type: availability}}\n");
            yaml.append("  - {name: svc").append(i).append("-latency, service: svc").append(i)
                    .append(", objective: 99, sli: {type: latency, threshold_ms: 500}}\n");
        }
        long p0 = System.nanoTime();
        SloSet set = SloSet.parse(yaml.toString(), "benchmark.yaml");
        double parseMs = (System.nanoTime() - p0) / 1e6;
        System.out.printf(Locale.ROOT, "parsed and validated %d SLOs in %.0f ms%n", set.slos().size(), parseMs);

        List<ServiceSignals> template = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            template.add(SloScenario.signals("svc" + i, 0, WINDOW, 100, 0, new java.util.HashMap<>(Map.of("500", 0L))));
        }
        Counting out = new Counting();
        long heapBefore = usedHeap();
        SloEngine engine = new SloEngine(set);
        SplittableRandom rnd = new SplittableRandom(42);
        long t = T0;
        // warm-up: one hour of windows creates all instances and warms the JIT
        t = feed(engine, template, out, rnd, t, 360);
        long heapAfter = usedHeap();
        int instances = engine.instanceCount();
        long windows = hours * 360L;
        long start = System.nanoTime();
        t = feed(engine, template, out, rnd, t, windows);
        double secs = (System.nanoTime() - start) / 1e9;
        long updates = windows * services * 2;
        System.out.printf(Locale.ROOT, "instances: %d%n", instances);
        System.out.printf(Locale.ROOT, "timed: %d windows per service (%d h of event time), %d instance updates in %.2f s%n",
                windows, hours, updates, secs);
        System.out.printf(Locale.ROOT, "engine updates per second (one thread): %.0f%n", updates / secs);
        System.out.printf(Locale.ROOT, "signals per second (2 SLOs each): %.0f%n", windows * services / secs);
        System.out.printf(Locale.ROOT, "outputs: %d alerts, %d statuses%n", out.alerts, out.statuses);
        System.out.printf(Locale.ROOT, "heap per instance (measured, after GC): %.0f bytes%n",
                (double) (heapAfter - heapBefore) / instances);
        SloDefinition def = set.slos().get(0);
        System.out.printf(Locale.ROOT, "ring bytes per instance (computed: 16 x (%d + %d) buckets): %d%n",
                def.minuteBuckets(), def.hourBuckets(), def.ringBytes());

        // Flink path: each update decodes and re-encodes the instance's byte[] state
        SloInstanceState full = fullPeriodInstance(def);
        byte[] bytes = SloInstanceStateCodec.encode(full);
        int rounds = 20_000;
        long c0 = System.nanoTime();
        long sink = 0;
        for (int i = 0; i < rounds; i++) {
            byte[] b = SloInstanceStateCodec.encode(SloInstanceStateCodec.decode(bytes));
            sink += b.length;
        }
        double codecSecs = (System.nanoTime() - c0) / 1e9;
        System.out.printf(Locale.ROOT, "serialized state of a full 30d instance (600 events/min): %d bytes%n", bytes.length);
        System.out.printf(Locale.ROOT, "state decode+encode round trips per second (one thread): %.0f (%d)%n",
                rounds / codecSecs, sink % 7);

        operatorPath(Math.min(services, 1_000));
    }

    /** The Flink operator (heap keyed state, test harness) on the same kind of input. */
    private static void operatorPath(int services) throws Exception {
        StringBuilder yaml = new StringBuilder("slos:\n");
        for (int i = 0; i < services; i++) {
            yaml.append("  - {name: svc").append(i).append("-availability, service: svc").append(i)
                    .append(", objective: 99.9, sli: {type: availability}}\n");
            yaml.append("  - {name: svc").append(i).append("-latency, service: svc").append(i)
                    .append(", objective: 99, sli: {type: latency, threshold_ms: 500}}\n");
        }
        SloSet set = SloSet.parse(yaml.toString(), "benchmark.yaml");
        KeyedBroadcastOperatorTestHarness<String, ServiceSignals, String, Alert> h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new SloProcessFunction(set), List.of(SloProcessFunction.SLO_FILE)),
                (KeySelector<ServiceSignals, String>) ServiceSignals::getServiceName, Types.STRING, 128, 1, 0);
        h.open();
        SplittableRandom rnd = new SplittableRandom(7);
        long t = T0;
        long windows = 360;
        for (int pass = 0; pass < 2; pass++) {
            long start = System.nanoTime();
            for (long w = 0; w < windows; w++) {
                for (int i = 0; i < services; i++) {
                    ServiceSignals s = SloScenario.signals("svc" + i, t, t + WINDOW, 100, rnd.nextInt(2),
                            Map.of("500", (long) rnd.nextInt(3)));
                    h.processElement(s, t + WINDOW - 1);
                }
                t += WINDOW;
                h.getOutput().clear();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (pass == 1) {
                System.out.printf(Locale.ROOT,
                        "Flink operator (heap state, harness), %d services x 2 SLOs, hours 1-2 of history: %.0f signals/s, %.0f instance updates/s%n",
                        services, windows * services / secs, 2 * windows * services / secs);
            }
        }
        h.close();
    }

    private static long feed(SloEngine engine, List<ServiceSignals> template, Counting out, SplittableRandom rnd,
            long t, long windows) {
        for (long w = 0; w < windows; w++) {
            for (ServiceSignals s : template) {
                long errors = rnd.nextInt(1000) == 0 ? 100 : rnd.nextInt(2);
                s.setWindowStartMs(t);
                s.setWindowEndMs(t + WINDOW);
                s.setErrorSpanCount(errors);
                s.getLatencyOverMs().put("500", (long) rnd.nextInt(3));
                engine.process(s, out);
            }
            t += WINDOW;
        }
        return t;
    }

    private static SloInstanceState fullPeriodInstance(SloDefinition def) {
        SloInstanceState s = SloEvaluator.newState(def);
        Counting out = new Counting();
        for (long t = T0; t < T0 + 31 * 86_400_000L; t += 60_000) {
            SloEvaluator.update(def, "", s, t, t + 60_000, 600, t % 7_200_000 == 0 ? 3 : 0, out);
        }
        return s;
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static final class Counting implements SloOutput {
        long alerts;
        long statuses;

        @Override
        public void alert(Alert alert) {
            alerts++;
        }

        @Override
        public void status(SloStatus status) {
            statuses++;
        }
    }
}
