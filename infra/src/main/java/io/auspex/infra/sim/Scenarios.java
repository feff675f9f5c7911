package io.auspex.infra.sim;

import java.time.Duration;
import java.util.List;

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
        List<Incident> incidents = new java.util.ArrayList<>();
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
