package io.auspex.jobs.state;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a keyed process function with each key's state cached on the heap between checkpoints
 * ({@link WriteBehindCache}): with RocksDB a key's state is then read once, when the key first comes
 * (or comes back after an eviction), and written once per checkpoint at most, in {@link
 * #snapshotState} before the keyed state backend is snapshotted. The states written are the
 * function's own keyed states, as without the cache, so savepoints are the same, either operator
 * restores the other's, and rescaling works as usual.
 *
 * <p>At most {@code capacity} keys per subtask are cached (by default as many as 10 % of the heap
 * holds at the function's bytes per key, see {@link #capacity}); a key beyond that is served
 * straight from the backend unless a cached one has had no record for {@code idleMs} of event time.
 * With the heap state backend, or a capacity of 0, there is no cache: the state objects there are
 * the live objects already.
 *
 * <p>Metrics, in the group the subclass names: {@code cachedServices} (gauge), {@code stateLoads}
 * (keys loaded from the backend: first records, restores, evictions, uncached records) and
 * {@code uncachedWindows} (records served from the backend because the cache was full; both counts
 * since the start, as gauges).
 *
 * @param <S> one key's state, as one mutable object
 */
public class WriteBehindOperator<IN, OUT, S> extends KeyedProcessOperator<String, IN, OUT> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindOperator.class);

    /**
     * A keyed process function whose state can be cached by this operator: it reads and writes its
     * keyed states under the current key as one object (the cache's backend side).
     */
    public interface Cacheable<S> extends WriteBehindCache.Backend<S> {
        /** From now on the function takes its state from {@code cache} (never called without a cache). */
        void useCache(WriteBehindCache<S> cache);
    }

    private final int cacheServices;
    private final long bytesPerKey;
    private final long idleMs;
    private final String[] metricGroup;
    private transient WriteBehindCache<S> cache;

    /**
     * @param cacheServices keys cached per subtask; 0 for none; -1 for {@link #capacity automatic}
     * @param bytesPerKey heap assumed per cached key by the automatic capacity
     * @param idleMs a cached key with no record for this long (event time) gives its place to a new one
     * @param metricGroup the metric group (and its subgroups) of the cache's gauges
     */
    public <F extends KeyedProcessFunction<String, IN, OUT> & Cacheable<S>> WriteBehindOperator(F function,
            int cacheServices, long bytesPerKey, long idleMs, String... metricGroup) {
        super(function);
        if (cacheServices < -1) {
            throw new IllegalArgumentException("cacheServices must be -1, 0 or more, got " + cacheServices);
        }
        this.cacheServices = cacheServices;
        this.bytesPerKey = bytesPerKey;
        this.idleMs = idleMs;
        this.metricGroup = metricGroup.clone();
    }

    /**
     * Keys cached per subtask: {@code option} when 0 or more; for -1, as many as 10 % of
     * {@code maxHeapBytes} holds at {@code bytesPerKey} a key, at least 64.
     */
    public static int capacity(int option, long maxHeapBytes, long bytesPerKey) {
        if (option >= 0) {
            return option;
        }
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, maxHeapBytes / 10 / bytesPerKey));
    }

    /** A cache option's value when valid (-1, 0 or more); fails at start-up, naming {@code key}, otherwise. */
    public static int checkedOption(String key, int option) {
        if (option < -1) {
            throw new IllegalArgumentException(key + " must be -1 (automatic), 0 (no cache) or a number of services "
                    + "per subtask, got " + option);
        }
        return option;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        int capacity = capacity(cacheServices, Runtime.getRuntime().maxMemory(), bytesPerKey);
        if (capacity > 0 && !(getKeyedStateBackend() instanceof HeapKeyedStateBackend)) {
            Cacheable<S> fn = (Cacheable<S>) userFunction;
            cache = new WriteBehindCache<>(capacity, idleMs, fn, new WriteBehindCache.KeyContext() {
                @Override
                public Object currentKey() {
                    return getCurrentKey();
                }

                @Override
                public void setCurrentKey(Object key) {
                    WriteBehindOperator.this.setCurrentKey(key);
                }
            });
            fn.useCache(cache);
            org.apache.flink.metrics.MetricGroup group = getMetricGroup();
            for (String g : metricGroup) {
                group = group.addGroup(g);
            }
            group.gauge("cachedServices", cache::size);
            group.gauge("stateLoads", cache::loads);
            group.gauge("uncachedWindows", cache::uncached);
            LOG.info("{} caches the state of up to {} keys on the heap", getOperatorConfig().getOperatorName(), capacity);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        if (cache != null) {
            cache.flush();
        }
        super.snapshotState(context);
    }

    /** Whether the keys' state is cached (a serializing backend and a capacity above 0). */
    public boolean caching() {
        return cache != null;
    }

    /** The cache, or null (tests). */
    public WriteBehindCache<S> cache() {
        return cache;
    }
}
