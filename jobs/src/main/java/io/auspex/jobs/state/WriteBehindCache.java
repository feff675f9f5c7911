package io.auspex.jobs.state;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded heap cache in front of one key's keyed state, written back only at checkpoints: with a
 * serializing state backend (RocksDB) a key's state is then read and deserialized once, when the key
 * first comes (or comes back after being evicted), instead of on every record, and written once per
 * checkpoint at most, instead of on every record.
 *
 * <p><b>Where the truth is.</b> Between checkpoints the cache is newer than the backend; {@link
 * #flush()} writes every entry changed since the last flush, under its key, and the owning operator
 * calls it in {@code snapshotState} before the keyed state backend is snapshotted, so every checkpoint
 * and savepoint holds exactly what a write-per-record operator would have written. After a restore
 * (or a rescale) the cache starts empty and loads from the backend.
 *
 * <p><b>Bound.</b> At most {@code capacity} keys. A new key finds room by evicting the least recently
 * used entry, but only when that key has had no record for {@code idleMs} of event time (it is
 * written back first when it changed); otherwise the new key is served straight from the backend,
 * read and written per record as without the cache. A cyclic access pattern larger than the cache
 * (every service once per window) therefore keeps {@code capacity} keys cached instead of evicting
 * each one just before it is needed again.
 *
 * <p>Not for the heap state backend: there the state objects are the live objects already, and an
 * asynchronous heap snapshot may still be serializing the object a cached reference would go on
 * changing. Not thread-safe: the operator's task thread only.
 *
 * @param <S> the state of one key, as one mutable object
 */
public final class WriteBehindCache<S> {
    /** Reads and writes one key's state in the backend, under the backend's current key. */
    public interface Backend<S> {
        /** The current key's state; a new object when it has none. */
        S load() throws Exception;

        /** Writes {@code state} as the current key's state. */
        void store(S state) throws Exception;
    }

    /** The owning operator's current key (its {@code getCurrentKey} / {@code setCurrentKey}). */
    public interface KeyContext {
        Object currentKey();

        void setCurrentKey(Object key);
    }

    private static final class Entry<S> {
        final S state;
        long lastEventTimeMs;
        boolean dirty;

        Entry(S state, long lastEventTimeMs) {
            this.state = state;
            this.lastEventTimeMs = lastEventTimeMs;
        }
    }

    private final int capacity;
    private final long idleMs;
    private final Backend<S> backend;
    private final KeyContext keys;
    private final LinkedHashMap<String, Entry<S>> entries;
    private long uncached;
    private long loads;

    /**
     * @param capacity at most this many keys cached (at least 1)
     * @param idleMs an entry is evicted for a new key only after this much event time without a record
     */
    public WriteBehindCache(int capacity, long idleMs, Backend<S> backend, KeyContext keys) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.idleMs = idleMs;
        this.backend = backend;
        this.keys = keys;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 4 / 3 + 1, 0.75f, true);
    }

    /**
     * The state of {@code key}, the operator's current key, at event time {@code eventTimeMs}: the
     * cached object, else loaded from the backend (and cached when there is room). Change it in place,
     * then call {@link #done}.
     */
    public S get(String key, long eventTimeMs) throws Exception {
        Entry<S> e = entries.get(key);
        if (e != null) {
            e.lastEventTimeMs = Math.max(e.lastEventTimeMs, eventTimeMs);
            return e.state;
        }
        S state = backend.load();
        loads++;
        if (entries.size() >= capacity && !evictIdle(key, eventTimeMs)) {
            uncached++;
            return state;
        }
        entries.put(key, new Entry<>(state, eventTimeMs));
        return state;
    }

    /** {@code key}'s state, got by {@link #get}, was changed: written back at the next flush, or now when uncached. */
    public void done(String key, S state) throws Exception {
        Entry<S> e = entries.get(key);
        if (e != null && e.state == state) {
            e.dirty = true;
            return;
        }
        backend.store(state);
    }

    /** The cached state of {@code key}, or null (never loads; does not count as a use). */
    public S peek(String key) {
        Entry<S> e = entries.get(key);
        return e == null ? null : e.state;
    }

    /** Forgets {@code key} (its state was cleared in the backend). */
    public void remove(String key) {
        entries.remove(key);
    }

    /** Writes every entry changed since the last flush under its key; the current key is kept. */
    public void flush() throws Exception {
        Object current = keys.currentKey();
        boolean switched = false;
        for (Map.Entry<String, Entry<S>> en : entries.entrySet()) {
            Entry<S> e = en.getValue();
            if (e.dirty) {
                keys.setCurrentKey(en.getKey());
                switched = true;
                backend.store(e.state);
                e.dirty = false;
            }
        }
        if (switched && current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Keys cached now. */
    public int size() {
        return entries.size();
    }

    /** Records served from the backend because the cache was full and no entry was idle. */
    public long uncached() {
        return uncached;
    }

    /** States loaded from the backend (first records of a key, after a restore or an eviction, uncached records). */
    public long loads() {
        return loads;
    }

    private boolean evictIdle(String key, long eventTimeMs) throws Exception {
        Iterator<Map.Entry<String, Entry<S>>> it = entries.entrySet().iterator();
        Map.Entry<String, Entry<S>> eldest = it.next();
        Entry<S> e = eldest.getValue();
        if (e.lastEventTimeMs > eventTimeMs - idleMs) {
            return false;
        }
        it.remove();
        if (e.dirty) {
            keys.setCurrentKey(eldest.getKey());
            backend.store(e.state);
            keys.setCurrentKey(key);
        }
        return true;
    }
}
