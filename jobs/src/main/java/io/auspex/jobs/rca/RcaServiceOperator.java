package io.auspex.jobs.rca;

import io.auspex.jobs.state.WriteBehindOperator;

/**
 * Runs {@link RcaServiceState} with each service's root-cause state (the edges into it, its
 * evidence history, held inputs, firing edge alerts) cached on the heap between checkpoints
 * ({@link WriteBehindOperator}): with RocksDB a window's inputs and timer then read and write no
 * RocksDB state (the held inputs were a list state appended to per input and read back per timer,
 * the edges a map state iterated per timer); before every checkpoint or savepoint the services changed
 * since the last one write what changed to the same keyed states as without the cache, so savepoints
 * are the same and either operator restores the other's.
 *
 * <p>At most {@code cacheServices} services per subtask are cached (option
 * {@code auspex.rca.state-cache-services}, by default as many as 10 % of the heap holds at
 * {@link #CACHED_SERVICE_BYTES} a service). A service with nothing left leaves the cache and its
 * keyed states are cleared at once. Metrics, group {@code auspex.rca}: {@code cachedServices},
 * {@code stateLoads}, {@code uncachedWindows}.
 */
public final class RcaServiceOperator extends WriteBehindOperator<RcaInput, ServiceView, RcaServiceState.Local> {
    private static final long serialVersionUID = 1L;
    /** A cached service with no input or timer for this long (event time) gives its place to a new one. */
    public static final long IDLE_MS = 60_000L;
    /** Heap per cached service assumed by the automatic capacity: a handful of edges of about 2 KB and the rest. */
    static final long CACHED_SERVICE_BYTES = 16 * 1024;

    /** @param cacheServices services cached per subtask; 0 for none; -1 for automatic */
    public RcaServiceOperator(RcaServiceState function, int cacheServices) {
        super(function, cacheServices, CACHED_SERVICE_BYTES, IDLE_MS, "auspex", "rca");
    }
}
