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
    SATURATION,
    /**
     * The network in front of one instance of the service is slow: every call into it takes the
     * magnitude (milliseconds, > 0, e.g. 300) longer, visible in its callers' CLIENT spans and
     * latency but not in the service's own SERVER spans, which start when the request arrives.
     */
    NETWORK_DELAY,
    /**
     * A code fault that returns wrong results: a fraction (the magnitude, in (0, 1]) of the
     * service's requests succeed as far as spans say (no error status, HTTP 200) but log an ERROR
     * line about the inconsistency; logs are the only symptom.
     */
    SILENT_FAULT,
    /**
     * The service leaks memory: its memory utilization climbs from its usual level to the magnitude
     * (a ratio in (0, 1], e.g. 0.97) over the first half of the fault and stays there. Garbage
     * collection pauses some requests (probability {@code 2 * (memory - 0.85)}, pauses of about
     * 150 ms), CPU rises with the collector's work, and above 0.95 a fraction
     * {@code 4 * (memory - 0.95)} of requests fail with 503 and an OutOfMemoryError log line.
     */
    MEMORY_PRESSURE
}
