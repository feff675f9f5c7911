package io.auspex.jobs.window;

import java.util.HashMap;
import org.apache.flink.api.common.state.ValueState;

/**
 * A keyed {@code ValueState<Long>} read through a heap copy per key, so an operator that checks a
 * key's value on every record or window reads the state backend (RocksDB in production) once per
 * key after a start or restore, not each time. Writes go to both. The copy holds the keys this
 * subtask has read or written since it started and drops a key on {@link #clear}. Not thread-safe;
 * the current key of the operator's backend must be {@code key}.
 */
public final class CachedLongState {
    private final ValueState<Long> state;
    private final HashMap<String, Long> cache = new HashMap<>();

    public CachedLongState(ValueState<Long> state) {
        this.state = state;
    }

    /** The value of {@code key}: from the heap copy, else from the state (then copied); null when none. */
    public Long get(String key) throws Exception {
        Long v = cache.get(key);
        if (v == null) {
            v = state.value();
            if (v != null) {
                cache.put(key, v);
            }
        }
        return v;
    }

    public void put(String key, long value) throws Exception {
        state.update(value);
        cache.put(key, value);
    }

    public void clear(String key) {
        state.clear();
        cache.remove(key);
    }
}
