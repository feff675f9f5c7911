package io.auspex.infra.training;

import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.jobs.anomaly.OnsetDetectors;
import io.auspex.jobs.anomaly.SignalBaselines;
import io.auspex.schemas.ServiceSignals;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How often the pipeline's onset detectors ({@link OnsetDetectors}: the streaming detector on
 * every golden signal of every service) flag a signal as having begun to move, on simulated
 * 10-second signals: per service and signal on normal traffic, and with the time of every flag on
 * the demo scenario (its incidents start at +30, +85 and +140 minutes). A main class, not a test;
 * the command and results are in docs/benchmarks.md.
 *
 * <p>Arguments: {@code normal SEED HOURS [THRESHOLD]} or {@code demo [THRESHOLD]}; the threshold
 * defaults to the pipeline's {@code auspex.anomaly.detector-threshold}, 0.3.
 */
public final class OnsetFlagsBenchmark {

    private OnsetFlagsBenchmark() {
    }

    public static void main(String[] args) {
        boolean demo = args.length > 0 && args[0].equals("demo");
        if (!demo && (args.length < 3 || !args[0].equals("normal"))) {
            System.err.println("usage: OnsetFlagsBenchmark normal SEED HOURS [THRESHOLD] | demo [THRESHOLD]");
            System.exit(2);
        }
        double threshold = Double.parseDouble(demo ? (args.length > 1 ? args[1] : "0.3")
                : (args.length > 3 ? args[3] : "0.3"));
        long start = SimulatorConfig.DEFAULT_START_MS;
        SimulatorConfig cfg = demo
                ? Scenarios.demo(42L, start).toBuilder().badRecordCount(0).build()
                : Scenarios.normal(Long.parseLong(args[1]), start, Duration.ofHours(Integer.parseInt(args[2])));
        List<ServiceSignals> signals = SimulatedSignals.of(cfg, 10_000L, new long[0]);
        Map<String, SignalBaselines.BaselineState> states = new TreeMap<>();
        Map<String, int[]> flags = new TreeMap<>();
        StringBuilder times = new StringBuilder();
        for (ServiceSignals s : signals) {
            String service = s.getServiceName().toString();
            double[] scores = OnsetDetectors.scoreAndUpdate(
                    states.computeIfAbsent(service, k -> new SignalBaselines.BaselineState()), s);
            int[] counts = flags.computeIfAbsent(service, k -> new int[SignalBaselines.SIGNALS.length]);
            for (int i = 0; i < scores.length; i++) {
                if (scores[i] >= threshold) {
                    counts[i]++;
                    times.append(String.format("  +%.1f min %s %s %.2f%n", (s.getWindowEndMs() - start) / 60_000.0,
                            service, SignalBaselines.SIGNALS[i], scores[i]));
                }
            }
        }
        System.out.println("service  " + String.join(" ", SignalBaselines.SIGNALS));
        int total = 0;
        for (Map.Entry<String, int[]> e : flags.entrySet()) {
            total += Arrays.stream(e.getValue()).sum();
            System.out.println(e.getKey() + " " + Arrays.toString(e.getValue()));
        }
        System.out.printf("%s: %,d service windows, %d onset flags at or above %.2f%n", cfg.scenarioName(),
                signals.size(), total, threshold);
        if (demo) {
            System.out.print(times);
        }
    }
}
