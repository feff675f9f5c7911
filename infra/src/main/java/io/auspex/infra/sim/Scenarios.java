package io.auspex.infra.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Ready-made simulator configs. Each returns a built {@link SimulatorConfig}; adjust it with
 * {@link SimulatorConfig#toBuilder()} (e.g. {@code .speedFactor(60)} or {@code .badRecordCount(0)}).
 */
public final class Scenarios {

    /** Length of the {@link #demo(long, long)} run. */
    public static final Duration DEMO_DURATION = Duration.ofHours(3);
    /** Malformed records in the demo. */
    public static final int DEMO_BAD_RECORDS = 60;

    private static final long MINUTE = 60_000L;

    private Scenarios() {
    }

    /** Normal traffic only: no incidents, no malformed records. */
    public static SimulatorConfig normal(long seed, long startMs, Duration duration) {
        return SimulatorConfig.builder().scenarioName("normal").seed(seed).startMs(startMs).duration(duration).build();
    }

    /** The fault kinds of {@link #faultSuite}, in rotation order, with their magnitudes. */
    public static final List<Incident> FAULT_KINDS = List.of(
            new Incident("x", IncidentKind.SATURATION, 0, 1, 0.97),
            new Incident("x", IncidentKind.NETWORK_DELAY, 0, 1, 300),
            new Incident("x", IncidentKind.ERROR_BURST, 0, 1, 0.3),
            new Incident("x", IncidentKind.SILENT_FAULT, 0, 1, 0.3),
            new Incident("x", IncidentKind.LATENCY, 0, 1, 5.0));
    public static final Duration FAULT_LENGTH = Duration.ofMinutes(3);
    public static final Duration FAULT_SPACING = Duration.ofMinutes(13);
    public static final Duration FAULT_WARMUP = Duration.ofMinutes(30);

    /**
     * A fault-injection suite: {@code faults} faults of 3 minutes, one every 13 minutes after 30
     * minutes of normal traffic (baselines), rotating through the five kinds of
     * {@link #FAULT_KINDS} and the topology's services so that every (kind, service) pair comes
     * once in 45 faults: leaf, middle and entry services, busy and quiet ones.
     *
     * @param spanStatus whether spans carry an error status (false: only HTTP codes and logs)
     */
    public static SimulatorConfig faultSuite(long seed, long startMs, int faults, boolean spanStatus) {
        if (faults < 1) {
            throw new IllegalArgumentException("faults must be >= 1, was " + faults);
        }
        List<String> services = Topology.standard().serviceNames();
        List<Incident> incidents = new ArrayList<>();
        for (int i = 0; i < faults; i++) {
            Incident kind = FAULT_KINDS.get(i % FAULT_KINDS.size());
            long from = startMs + FAULT_WARMUP.toMillis() + i * FAULT_SPACING.toMillis();
            incidents.add(new Incident(services.get(i % services.size()), kind.kind(), from,
                    from + FAULT_LENGTH.toMillis(), kind.magnitude()));
        }
        Duration length = FAULT_WARMUP.plus(FAULT_SPACING.multipliedBy(faults));
        return SimulatorConfig.builder().scenarioName("fault-suite").seed(seed).startMs(startMs).duration(length)
                .incidents(incidents).spanStatus(spanStatus).build();
    }

    /** One fault of a {@link #mixedSuite}: the incident and its case kind, as evaluate-incidents reports it. */
    public record SuiteFault(Incident incident, String kind, String fault) {}

    /** The faults and the config of a {@link #mixedSuite}. */
    public record Suite(SimulatorConfig config, List<SuiteFault> faults) {}

    /** Entry requests per second of the {@link #mixedSuite}: 1-10 requests per window in its quiet services. */
    public static final double MIXED_RATE = 12.0;

    /**
     * A fault suite that looks like real fault-injection data, on the 25-service
     * {@link Topology#booking()} system: per-minute gauges, background errors (0.1 % of requests),
     * mixed instrumentation (half the services set no span status; datastores send no logs), and
     * faults of varied strength (each magnitude drawn from its kind's range with the seed):
     *
     * <ul>
     *   <li>{@code cpu}: CPU contention, SATURATION 0.93-0.99, any service;
     *   <li>{@code memory}: MEMORY_PRESSURE to 0.96-0.99 (GC pauses, then OutOfMemoryErrors), any
     *       service that is not a datastore;
     *   <li>{@code network-delay}: 100-500 ms in front of one service (only its callers see it);
     *   <li>{@code error}: a code fault that throws, 10-50 % of requests (error status where the
     *       service sets one, error logs);
     *   <li>{@code silent}: a code fault that returns wrong results, 10-50 % (logs only);
     *   <li>{@code slow-db}: a shared datastore (the three databases and the cache) 3-8x slower;
     *   <li>{@code latency}: an HTTP service 3-8x slower;
     *   <li>{@code double}: two faults of different kinds at once in two services neither of which
     *       calls the other (every tenth slot).
     * </ul>
     *
     * <p>Services are dealt to each kind in a seeded order, so leaf, middle and entry services,
     * quiet and busy ones all take faults. After {@link #FAULT_WARMUP} of normal traffic, one slot
     * every {@link #FAULT_SPACING} (faults of {@link #FAULT_LENGTH}, so at least 10 minutes of
     * normal traffic between them).
     *
     * @param faults number of faults (a double slot holds two); the suite's own size is 60
     * @param spanStatus false: no service sets span status (as much real telemetry)
     */
    public static Suite mixedSuite(long seed, long startMs, int faults, boolean spanStatus) {
        if (faults < 1) {
            throw new IllegalArgumentException("faults must be >= 1, was " + faults);
        }
        Topology topo = Topology.booking();
        SplittableRandom r = new SplittableRandom(Rand.mix(seed, 0x5017EL));
        List<String> all = topo.serviceNames();
        List<String> apps = all.stream().filter(sv -> !topo.isDatastore(sv)).toList();
        List<String> called = all.stream().filter(sv -> !sv.equals(topo.entryService())).toList();
        List<String> stores = all.stream().filter(topo::isDatastore).toList();
        String[] kinds = {"cpu", "memory", "network-delay", "error", "silent", "slow-db", "cpu", "memory",
                "network-delay", "error", "silent", "latency"};
        Map<String, Deck> decks = new HashMap<>();
        decks.put("cpu", new Deck(all, r));
        decks.put("memory", new Deck(apps, r));
        decks.put("network-delay", new Deck(called, r));
        decks.put("error", new Deck(apps, r));
        decks.put("silent", new Deck(apps, r));
        decks.put("slow-db", new Deck(stores, r));
        decks.put("latency", new Deck(apps, r));
        List<SuiteFault> out = new ArrayList<>();
        int slot = 0;
        int k = 0;
        while (out.size() < faults) {
            long from = startMs + FAULT_WARMUP.toMillis() + slot * FAULT_SPACING.toMillis();
            long to = from + FAULT_LENGTH.toMillis();
            if (slot % 10 == 9 && faults - out.size() >= 2) {
                String ka = kinds[k++ % kinds.length];
                String kb = kinds[k++ % kinds.length];
                String a = decks.get(ka).next();
                String b = decks.get(kb).next();
                for (int tries = 0; tries < 50 && (a.equals(b) || topo.upstreamOf(a).contains(b)
                        || topo.upstreamOf(b).contains(a)); tries++) {
                    b = decks.get(kb).next();
                }
                out.add(new SuiteFault(incident(ka, a, from, to, r), "double", ka));
                out.add(new SuiteFault(incident(kb, b, from, to, r), "double", kb));
            } else {
                String kind = kinds[k++ % kinds.length];
                out.add(new SuiteFault(incident(kind, decks.get(kind).next(), from, to, r), kind, kind));
            }
            slot++;
        }
        Duration length = FAULT_WARMUP.plus(FAULT_SPACING.multipliedBy(slot));
        SimulatorConfig cfg = mixedTraffic(seed, startMs, length, spanStatus).scenarioName("mixed-fault-suite")
                .incidents(out.stream().map(SuiteFault::incident).toList()).build();
        return new Suite(cfg, List.copyOf(out));
    }

    /**
     * The {@link #mixedSuite}'s traffic without faults: the booking system, per-minute gauges,
     * background errors and mixed instrumentation, for {@code duration} (e.g. 48 hours: what a
     * quiet stretch of production looks like, to count false pages).
     */
    public static SimulatorConfig mixedNormal(long seed, long startMs, Duration duration, boolean spanStatus) {
        return mixedTraffic(seed, startMs, duration, spanStatus).scenarioName("mixed-normal").build();
    }

    private static SimulatorConfig.Builder mixedTraffic(long seed, long startMs, Duration duration, boolean spanStatus) {
        return SimulatorConfig.builder().seed(seed).startMs(startMs).duration(duration).topology(Topology.booking())
                .baseRequestRate(MIXED_RATE).metricIntervalMs(60_000).baselineErrorRate(0.001).spanStatus(spanStatus);
    }

    private static Incident incident(String kind, String service, long from, long to, SplittableRandom r) {
        double u = r.nextDouble();
        return switch (kind) {
            case "cpu" -> new Incident(service, IncidentKind.SATURATION, from, to, 0.93 + 0.06 * u);
            case "memory" -> new Incident(service, IncidentKind.MEMORY_PRESSURE, from, to, 0.96 + 0.03 * u);
            case "network-delay" -> new Incident(service, IncidentKind.NETWORK_DELAY, from, to, Math.round(100 + 400 * u));
            case "error" -> new Incident(service, IncidentKind.ERROR_BURST, from, to, 0.1 + 0.4 * u);
            case "silent" -> new Incident(service, IncidentKind.SILENT_FAULT, from, to, 0.1 + 0.4 * u);
            case "slow-db", "latency" -> new Incident(service, IncidentKind.LATENCY, from, to, 3 + 5 * u);
            default -> throw new IllegalArgumentException("unknown fault kind " + kind);
        };
    }

    /** Services dealt in a seeded order, reshuffled after each pass. */
    private static final class Deck {
        private final List<String> cards;
        private final SplittableRandom r;
        private int next;

        Deck(List<String> services, SplittableRandom r) {
            this.cards = new ArrayList<>(services);
            this.r = r;
            shuffle();
        }

        String next() {
            if (next == cards.size()) {
                shuffle();
            }
            return cards.get(next++);
        }

        private void shuffle() {
            for (int i = cards.size() - 1; i > 0; i--) {
                Collections.swap(cards, i, r.nextInt(i + 1));
            }
            next = 0;
        }
    }

    /** {@link #demo(long, long)} with seed 42 starting at {@link SimulatorConfig#DEFAULT_START_MS}. */
    public static SimulatorConfig demo() {
        return demo(42L, SimulatorConfig.DEFAULT_START_MS);
    }

    /**
     * Three hours of traffic with three 25-minute incidents, one of each kind in three different
     * services, 30 minutes of normal traffic before, between and after them, so each is
     * detectable on its own:
     *
     * <ul>
     *   <li>minute 30-55: ERROR_BURST in {@code payment}, 30% of its requests fail;
     *   <li>minute 85-110: LATENCY in {@code inventory}, own latency x5;
     *   <li>minute 140-165: SATURATION in {@code catalog} at 0.97 (CPU and pool near 1, latency
     *       x4.4, 7% timeouts).
     * </ul>
     *
     * Plus {@value #DEMO_BAD_RECORDS} malformed records spread over the run.
     */
    public static SimulatorConfig demo(long seed, long startMs) {
        return SimulatorConfig.builder()
                .scenarioName("demo")
                .seed(seed)
                .startMs(startMs)
                .duration(DEMO_DURATION)
                .incident(new Incident("payment", IncidentKind.ERROR_BURST, startMs + 30 * MINUTE, startMs + 55 * MINUTE, 0.3))
                .incident(new Incident("inventory", IncidentKind.LATENCY, startMs + 85 * MINUTE, startMs + 110 * MINUTE, 5.0))
                .incident(new Incident("catalog", IncidentKind.SATURATION, startMs + 140 * MINUTE, startMs + 165 * MINUTE, 0.97))
                .badRecordCount(DEMO_BAD_RECORDS)
                .build();
    }

    /**
     * One hour of traffic with an ERROR_BURST in {@code service} from minute 20 to minute 40,
     * failing {@code fraction} of its requests.
     */
    public static SimulatorConfig errorBurst(String service, double fraction, long seed, long startMs) {
        return single("error-burst-" + service, new Incident(service, IncidentKind.ERROR_BURST, startMs + 20 * MINUTE,
                startMs + 40 * MINUTE, fraction), seed, startMs);
    }

    /**
     * One hour of traffic with a LATENCY incident in {@code service} from minute 20 to minute 40,
     * multiplying its own latency by {@code factor}.
     */
    public static SimulatorConfig latency(String service, double factor, long seed, long startMs) {
        return single("latency-" + service, new Incident(service, IncidentKind.LATENCY, startMs + 20 * MINUTE,
                startMs + 40 * MINUTE, factor), seed, startMs);
    }

    /**
     * One hour of traffic with a SATURATION incident in {@code service} from minute 20 to minute
     * 40 at {@code level}.
     */
    public static SimulatorConfig saturation(String service, double level, long seed, long startMs) {
        return single("saturation-" + service, new Incident(service, IncidentKind.SATURATION, startMs + 20 * MINUTE,
                startMs + 40 * MINUTE, level), seed, startMs);
    }

    private static SimulatorConfig single(String name, Incident incident, long seed, long startMs) {
        return SimulatorConfig.builder().scenarioName(name).seed(seed).startMs(startMs).duration(Duration.ofHours(1))
                .incident(incident).build();
    }
}
