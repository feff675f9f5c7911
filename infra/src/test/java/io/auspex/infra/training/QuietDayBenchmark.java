package io.auspex.infra.training;

import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.jobs.signals.LatencyLadder;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.models.evidence.CountEvidenceState;
import io.auspex.schemas.ServiceSignals;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How often the count-aware evidence ({@link CountEvidence}, the pipeline's fast anomaly path)
 * crosses its bar on simulated normal traffic: per service, the number of episodes (runs of
 * windows at or above the bar, each of which would fire one anomaly alert), the windows above the
 * bar and the largest evidence, with the test behind it. A main class, not a test; the command and
 * results are in docs/benchmarks.md.
 *
 * <p>Arguments: {@code SEED HOURS [RATE [BAR [DRIFT]]]}; RATE is the entry request rate per second
 * (the simulator's default 20; 0.5 makes every service quiet, 1-8 requests per 10 s window).
 */
public final class QuietDayBenchmark {
    private QuietDayBenchmark() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: QuietDayBenchmark SEED HOURS [RATE [BAR [DRIFT]]]");
            System.exit(2);
        }
        long seed = Long.parseLong(args[0]);
        int hours = Integer.parseInt(args[1]);
        CountEvidence.Config base = CountEvidence.Config.defaults();
        double bar = args.length > 3 ? Double.parseDouble(args[3]) : base.bar();
        double drift = args.length > 4 ? Double.parseDouble(args[4]) : base.drift();
        SimulatorConfig.Builder b = Scenarios.normal(seed, SimulatorConfig.DEFAULT_START_MS, Duration.ofHours(hours))
                .toBuilder();
        if (args.length > 2) {
            b.baseRequestRate(Double.parseDouble(args[2]));
        }
        SimulatorConfig cfg = b.build();
        CountEvidence ce = new CountEvidence(base.withBar(bar, drift), CountEvidence.DEFAULT_LADDER_MS);
        List<ServiceSignals> signals = SimulatedSignals.of(cfg, 10_000L, new long[0]);
        Map<String, CountEvidenceState> states = new TreeMap<>();
        Map<String, long[]> stats = new TreeMap<>();
        Map<String, String> strongest = new TreeMap<>();
        Map<String, Double> max = new TreeMap<>();
        Map<String, Long> requests = new TreeMap<>();
        for (ServiceSignals s : signals) {
            String service = s.getServiceName().toString();
            CountEvidenceState st = states.computeIfAbsent(service, k -> new CountEvidenceState());
            boolean before = st.cusum >= bar;
            CountEvidence.Result r = ce.observe(st, new CountEvidence.Window(s.getWindowEndMs(), s.getRequestCount(),
                    s.getErrorSpanCount(), s.getErrorLogCount(), LatencyLadder.aligned(s.getLatencyLadderMs())));
            long[] c = stats.computeIfAbsent(service, k -> new long[3]);
            c[0]++;
            if (r.evidence() >= bar) {
                c[1]++;
                if (!before) {
                    c[2]++;
                }
            }
            requests.merge(service, s.getRequestCount(), Long::sum);
            if (r.evidence() > max.getOrDefault(service, 0.0)) {
                max.put(service, r.evidence());
                strongest.put(service, r.strongest());
            }
        }
        System.out.printf("seed %d, %d h, entry rate %.2f/s, bar %.1f, drift %.1f%n", seed, hours,
                cfg.baseRequestRate(), bar, drift);
        System.out.println("service     windows  requests/window  windows>=bar  episodes  max_evidence  test");
        long episodes = 0;
        for (Map.Entry<String, long[]> e : stats.entrySet()) {
            long[] c = e.getValue();
            episodes += c[2];
            System.out.printf("%-11s %7d %16.1f %13d %9d %13.2f  %s%n", e.getKey(), c[0],
                    requests.get(e.getKey()) / (double) c[0], c[1], c[2], max.getOrDefault(e.getKey(), 0.0),
                    strongest.getOrDefault(e.getKey(), ""));
        }
        System.out.println("EPISODES " + episodes);
    }
}
