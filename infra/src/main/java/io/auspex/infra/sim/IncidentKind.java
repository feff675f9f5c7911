package io.auspex.infra.sim;

/**
 * The faults the simulator can inject into one service. What {@link Incident#magnitude()} means
 * depends on the kind.
 */
public enum IncidentKind {
    /** The service's own latency is multiplied by the magnitude (>= 1, e.g. 5.0). Callers wait for it. */
    LATENCY,
    /**
     * A fraction (the magnitude, in (0, 1], e.g. 0.3) of the service's requests fail with HTTP 500/503
     * and status ERROR. Callers fail in turn with probability
     * {@link SimulatorConfig#errorPropagation()}, otherwise retry once.
     */
    ERROR_BURST,
    /**
     * The service runs out of capacity: CPU (and its connection pool, if it has one) sit at the
     * magnitude (a ratio in (0, 1], e.g. 0.97); its own latency grows by
     * {@code 1 + 20 * max(0, magnitude - 0.8)} and a fraction {@code max(0, magnitude - 0.9)} of
     * its requests time out with 503 after {@link SimulatorConfig#timeoutMs()}.
     */
    SATURATION
}
