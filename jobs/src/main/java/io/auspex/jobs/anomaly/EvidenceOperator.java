package io.auspex.jobs.anomaly;

import io.auspex.jobs.state.WriteBehindOperator;
import io.auspex.schemas.ServiceSignals;

/**
 * Runs {@link EvidenceFunction} with the services' state cached on the heap between checkpoints
 * ({@link WriteBehindOperator}): with RocksDB a window then scores the service's objects in place instead
 * of reading and deserializing its baselines, six onset detectors (about 10 KB each once a detector
 * has weeks behind it), count and metric evidence, and writing them back. Before every checkpoint or
 * savepoint the services changed since the last one are written to the same keyed states as without
 * the cache, so savepoints are the same, either way restores the other, and rescaling works as usual.
 *
 * <p>At most {@code cacheServices} services per subtask are cached (option
 * {@code auspex.anomaly.state-cache-services}, by default as many as 10 % of the heap holds, see
 * {@link #capacity}). A service beyond that is scored straight from the backend unless a cached
 * one has sent no window for {@link #IDLE_MS} of event time. With the heap state backend, or a
 * capacity of 0, there is no cache (there the state objects are scored in place already).
 *
 * <p>Metrics, group {@code auspex.anomaly}: {@code cachedServices} (gauge), {@code stateLoads}
 * (services loaded from the backend: first windows, restores, evictions, uncached windows) and
 * {@code uncachedWindows} (both counts since the start, as gauges).
 */
public final class EvidenceOperator extends WriteBehindOperator<ServiceSignals, ServiceEvidence, EvidenceFunction.ServiceState> {
    private static final long serialVersionUID = 1L;
    /** A cached service that sent no window for this long (event time) gives its place to a new one. */
    public static final long IDLE_MS = 60_000L;

    /** Heap per cached service assumed by the automatic capacity: six detectors of about 10.4 KB and the rest. */
    static final long CACHED_SERVICE_BYTES = 80 * 1024;

    /** @param cacheServices services cached per subtask; 0 for none; -1 for {@link #capacity automatic} */
    public EvidenceOperator(EvidenceFunction function, int cacheServices) {
        super(function, cacheServices, CACHED_SERVICE_BYTES, IDLE_MS, "auspex", "anomaly");
    }

    /**
     * Services cached per subtask: {@code option} when 0 or more; for -1, as many as 10 % of
     * {@code maxHeapBytes} holds at {@link #CACHED_SERVICE_BYTES} a service, at least 64.
     */
    static int capacity(int option, long maxHeapBytes) {
        return capacity(option, maxHeapBytes, CACHED_SERVICE_BYTES);
    }
}
