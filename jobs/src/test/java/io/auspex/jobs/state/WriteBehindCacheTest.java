package io.auspex.jobs.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache's own rules, against a backend that is a map per key and logs every read and write. */
class WriteBehindCacheTest {
    /** A counter per key, as the state of one key. */
    static final class Counter {
        int n;
    }

    final Map<String, Integer> stored = new HashMap<>();
    final List<String> log = new ArrayList<>();
    Object current;

    final WriteBehindCache.KeyContext keys = new WriteBehindCache.KeyContext() {
        @Override
        public Object currentKey() {
            return current;
        }

        @Override
        public void setCurrentKey(Object key) {
            current = key;
        }
    };

    final WriteBehindCache.Backend<Counter> backend = new WriteBehindCache.Backend<>() {
        @Override
        public Counter load() {
            log.add("load " + current);
            Counter c = new Counter();
            c.n = stored.getOrDefault((String) current, 0);
            return c;
        }

        @Override
        public void store(Counter state) {
            log.add("store " + current + "=" + state.n);
            stored.put((String) current, state.n);
        }
    };

    /** One record of {@code key} at {@code t}: the key's counter goes up by one. */
    void record(WriteBehindCache<Counter> cache, String key, long t) throws Exception {
        current = key;
        Counter c = cache.get(key, t);
        c.n++;
        cache.done(key, c);
    }

    @Test
    void readsOnceWritesAtFlushAndServesTheOverflowStraightFromTheBackend() throws Exception {
        var cache = new WriteBehindCache<>(2, 60_000, backend, keys);
        for (int i = 0; i < 3; i++) {
            record(cache, "a", i * 10_000L);
            record(cache, "b", i * 10_000L);
            record(cache, "c", i * 10_000L);
        }
        assertEquals(List.of("load a", "load b", "load c", "store c=1", "load c", "store c=2", "load c", "store c=3"),
                log, "a and b read once and not written; c (no idle entry to evict) read and written per record");
        assertEquals(3, cache.uncached());
        assertEquals(5, cache.loads());
        log.clear();
        current = "c";
        cache.flush();
        assertEquals(List.of("store a=3", "store b=3"), log);
        assertEquals("c", current, "the operator's current key is kept");
        log.clear();
        cache.flush();
        assertEquals(List.of(), log, "nothing changed since the last flush");
    }

    @Test
    void aKeyIdleForTheIdleTimeGivesItsPlaceAfterBeingWrittenBack() throws Exception {
        var cache = new WriteBehindCache<>(2, 60_000, backend, keys);
        record(cache, "a", 0);
        record(cache, "b", 0);
        record(cache, "b", 50_000);
        record(cache, "c", 59_999);
        assertNull(cache.peek("c"), "a is idle for 59.999 s only");
        log.clear();
        record(cache, "c", 60_000);
        assertEquals(List.of("load c", "store a=1"), log, "a written back under its own key");
        assertEquals("c", current);
        assertNull(cache.peek("a"));
        assertEquals(2, cache.peek("c").n);
        log.clear();
        record(cache, "a", 70_000);
        assertEquals(List.of("load a", "store a=2"), log, "a comes back with what was written; b is not idle yet");
    }

    @Test
    void aCleanIdleEntryIsDroppedWithoutAWriteAndARemovedKeyIsForgotten() throws Exception {
        var cache = new WriteBehindCache<>(1, 1_000, backend, keys);
        record(cache, "a", 0);
        cache.flush();
        log.clear();
        record(cache, "b", 5_000);
        assertEquals(List.of("load b"), log, "a was clean: no write");
        current = "b";
        assertEquals(1, cache.peek("b").n);
        cache.remove("b");
        log.clear();
        cache.flush();
        assertEquals(List.of(), log, "a removed key is not written back");
        assertThrows(IllegalArgumentException.class, () -> new WriteBehindCache<>(0, 1_000, backend, keys));
    }
}
