package io.auspex.models.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TemplateMinerTest {
    static final long T0 = 1_700_000_000_000L;

    static TemplateMiner miner() {
        return new TemplateMiner(MinerConfig.DEFAULTS);
    }

    @Test
    void twoLinesDifferingInOneTokenShareATemplate() {
        TemplateMiner m = miner();
        TemplateMiner.Match a = m.add("payment failed for order <NUM> reason timeout", T0, true);
        TemplateMiner.Match b = m.add("payment failed for order <NUM> reason refused", T0 + 5, false);
        assertTrue(a.created());
        assertFalse(b.created());
        assertEquals(a.id(), b.id(), "the id of the first line's template stays when it gains a wildcard");
        assertEquals("payment failed for order <NUM> reason timeout", a.template());
        assertEquals("payment failed for order <NUM> reason <*>", b.template());
        assertEquals(List.of(new LogTemplate(a.id(), "payment failed for order <NUM> reason <*>", 2, T0, T0 + 5, true)),
                m.templates());
        // a third line of the template matches the wildcard
        assertEquals(a.id(), m.add("payment failed for order <NUM> reason reset", T0 + 9, false).id());
        assertEquals(3, m.get(a.id()).count());
    }

    @Test
    void linesOfDifferentTokenCountsNeverShareATemplate() {
        TemplateMiner m = miner();
        long a = m.add("connection closed by peer", T0, false).id();
        long b = m.add("connection closed by remote peer", T0, false).id();
        assertNotEquals(a, b);
        assertEquals(List.of("connection closed by peer", "connection closed by remote peer"),
                m.templates().stream().map(LogTemplate::template).toList());
    }

    @Test
    void leadingTokensRouteAndTheThresholdHolds() {
        TemplateMiner m = miner();
        m.add("alpha x y z", T0, false);
        m.add("beta x y z", T0, false);
        assertEquals(2, m.size(), "3 of 4 tokens agree, but the first token routes them apart");
        m.add("a b c d e f", T0, false);
        m.add("a b x y z w", T0, false);
        assertEquals(4, m.size(), "2 of 6 is below the similarity 0.5");
        m.add("a b c d y w", T0, false);
        assertEquals(4, m.size(), "4 of 6 tokens agree with the first");
        assertEquals("a b c d <*> <*>", m.templates().get(3).template(), "the most recently used");
    }

    @Test
    void aFullNodeSendsNewTokensToItsWildcardChild() {
        MinerConfig c = new MinerConfig(100, 0.5, 1, 2, 64, 1000);
        TemplateMiner m = new TemplateMiner(c);
        long a = m.add("a x y", T0, false).id();
        long b = m.add("b x y", T0, false).id();
        long d = m.add("d x y", T0, false).id();
        assertNotEquals(a, b);
        assertEquals(b, d, "b went to <*> (one place per node is kept for it); d joins it there");
        assertEquals(List.of("a x y", "<*> x y"), m.templates().stream().map(LogTemplate::template).toList());
    }

    @Test
    void theBoundEvictsTheLeastRecentlyUsedOneOffTemplateFirst() {
        TemplateMiner m = new TemplateMiner(MinerConfig.DEFAULTS.withMaxClusters(3));
        long recurring = m.add("cache miss for key <NUM>", 5, 0, T0, T0).id();
        long one = m.add("one off first", T0 + 1, false).id();
        long two = m.add("two off second line", T0 + 2, false).id();
        long three = m.add("three off third line here", T0 + 3, false).id();
        assertEquals(3, m.size());
        assertNull(m.get(one), "the least recently used template with a single line goes");
        assertEquals(List.of(recurring, two, three), m.idsByRecency());
        m.add("four", T0 + 4, false);
        assertEquals(List.of(recurring, three, m.idsByRecency().get(2)), m.idsByRecency());
        assertNull(m.get(two));

        // when every template recurred, the least recently used goes
        TemplateMiner r = new TemplateMiner(MinerConfig.DEFAULTS.withMaxClusters(2));
        long x = r.add("x happened", 2, 0, T0, T0).id();
        long y = r.add("y happened here", 2, 0, T0, T0).id();
        r.add("x happened", T0 + 1, false);
        long z = r.add("z happened right here", T0 + 2, false).id();
        assertEquals(List.of(x, z), r.idsByRecency());
        assertNull(r.get(y));
    }

    @Test
    void evictionAndExpiryRemoveEmptyTreeNodes() {
        TemplateMiner m = new TemplateMiner(MinerConfig.DEFAULTS.withMaxClusters(1));
        m.add("a b c", T0, false);
        assertEquals(3, m.nodeCount(), "the token-count node and two prefix nodes");
        m.add("d e", T0 + 1, false);
        assertEquals(3, m.nodeCount(), "the evicted template's nodes went");
        assertEquals(1, m.expireBefore(T0 + 2));
        assertEquals(0, m.size());
        assertEquals(0, m.nodeCount());
    }

    @Test
    void idsAreAHashOfTheTextAtCreation() {
        TemplateMiner m = miner();
        TemplateMiner.Match a = m.add("user <NUM> not found", T0, true);
        assertEquals(TemplateMiner.hash("user <NUM> not found", 0), a.id());
        assertEquals("0fd64667879fd4a2", TemplateMiner.idString(a.id()), "fixed: ids must not change between releases");
        assertEquals(16, TemplateMiner.idString(1).length());
        assertEquals("0000000000000001", TemplateMiner.idString(1));
        // the same text gets the same id in another miner (and after the state was lost)
        assertEquals(a.id(), miner().add("user <NUM> not found", T0 + 1_000, false).id());
    }

    static TemplateMiner filled() {
        TemplateMiner m = new TemplateMiner(new MinerConfig(50, 0.5, 2, 3, 64, 1000));
        m.add("payment failed for order <NUM> reason timeout", T0, true);
        m.add("payment failed for order <NUM> reason refused", 3, 1, T0 + 10, T0 + 20);
        for (String t : List.of("a", "b", "c", "d")) {
            m.add(t + " x y z", T0 + 30, false);
        }
        m.add("", T0 + 40, false);
        m.add("GET <PATH> took <NUM> ms", 7, 0, T0 - 5_000, T0 + 50);
        m.add("héllo wörld ✓ ünïcode", T0 + 60, true);
        return m;
    }

    @Test
    void aSnapshotRoundTripIsEqual() {
        TemplateMiner a = filled();
        byte[] bytes = a.toBytes();
        TemplateMiner b = TemplateMiner.fromBytes(bytes);
        assertEquals(a.config(), b.config());
        assertEquals(a.templates(), b.templates());
        assertEquals(a.nodeCount(), b.nodeCount());
        assertArrayEquals(bytes, b.toBytes());
        assertEquals(TemplateMiner.SNAPSHOT_VERSION, bytes[0]);
        assertEquals(List.of("a x y z", "b x y z", "<*> x y z"), a.templates().subList(1, 4).stream().map(LogTemplate::template).toList(), "maxChildren 3: c and d share the <*> child");
        assertEquals(7, a.size());
        assertTrue(bytes.length < 400, "compact: " + bytes.length + " bytes");
    }

    @Test
    void idsAndMatchingAreStableAfterARestore() {
        TemplateMiner a = filled();
        TemplateMiner b = TemplateMiner.fromBytes(a.toBytes());
        List<String> next = List.of("payment failed for order <NUM> reason reset", "e x y z", "a x y w",
                "GET <PATH> took <NUM> s", "a brand new line");
        for (String line : next) {
            assertEquals(a.add(line, T0 + 100, false), b.add(line, T0 + 100, false), line);
        }
        assertEquals(a.templates(), b.templates());
    }

    @Test
    void anUnknownVersionOrBrokenBytesAreRejectedClearly() {
        byte[] bytes = filled().toBytes();
        byte[] future = bytes.clone();
        future[0] = 9;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemplateMiner.fromBytes(future));
        assertEquals("unknown template miner snapshot version 9; this code reads version 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TemplateMiner.fromBytes(Arrays.copyOf(bytes, bytes.length - 3)));
        assertEquals("truncated template miner snapshot", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TemplateMiner.fromBytes(Arrays.copyOf(bytes, bytes.length + 2)));
        assertEquals("template miner snapshot has 2 trailing bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TemplateMiner.fromBytes(new byte[0]));
    }

    @Test
    void anotherConfigurationKeepsOrResetsTheTemplates() {
        TemplateMiner a = filled();
        TemplateMiner smaller = a.withConfig(a.config().withMaxClusters(2));
        assertEquals(a.templates().subList(5, 7), smaller.templates(), "the two most recently used stay");
        assertEquals(0, a.withConfig(new MinerConfig(50, 0.5, 3, 3, 64, 1000)).size(), "another tree depth");
        assertTrue(a.withConfig(a.config()) == a);
    }

    @Test
    void aFloodOfUniqueLinesStaysBounded() {
        MinerConfig c = MinerConfig.DEFAULTS;
        TemplateMiner m = new TemplateMiner(c);
        long recurring = m.add("order <NUM> created", 10, 0, T0, T0).id();
        Random rnd = new Random(42);
        int maxBytes = 0;
        for (int i = 0; i < 100_000; i++) {
            int n = 1 + rnd.nextInt(12);
            List<String> tokens = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                tokens.add(Long.toString(rnd.nextLong() >>> 1, 36).replaceAll("[0-9]", "q"));
            }
            m.add(String.join(" ", tokens), T0 + i, rnd.nextInt(10) == 0);
            assertTrue(m.size() <= c.maxClusters());
            if (i % 10_000 == 0) {
                maxBytes = Math.max(maxBytes, m.toBytes().length);
            }
        }
        assertEquals(c.maxClusters(), m.size());
        assertTrue(m.nodeCount() <= c.maxClusters() * (c.depth() + 1), "nodes: " + m.nodeCount());
        assertNotNull(m.get(recurring), "one-off lines evict each other, not the recurring template");
        assertEquals(10, m.get(recurring).count());
        // every template at most 64 tokens and 1000 characters: the snapshot is bounded too
        assertTrue(maxBytes < c.maxClusters() * 200, "snapshot bytes: " + maxBytes);
        assertTrue(m.toBytes().length < c.maxClusters() * 200);
    }

    @Test
    void aVeryLongLineIsCutToTheTokenBound() {
        TemplateMiner m = miner();
        String line = String.join(" ", java.util.Collections.nCopies(500, "tok"));
        TemplateMiner.Match r = m.add(line, T0, false);
        assertEquals(64, r.template().split(" ").length);
        assertEquals(r.id(), m.add(line + " more", T0, false).id(), "the cut lines are the same");
    }

    @Test
    void configurationIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> MinerConfig.DEFAULTS.withMaxClusters(0));
        assertThrows(IllegalArgumentException.class, () -> MinerConfig.DEFAULTS.withSimilarity(0));
        assertThrows(IllegalArgumentException.class, () -> MinerConfig.DEFAULTS.withSimilarity(1.5));
        assertThrows(IllegalArgumentException.class, () -> new MinerConfig(10, 0.5, 2, 1, 64, 1000));
        assertThrows(IllegalArgumentException.class, () -> miner().add("x", 0, 0, T0, T0));
    }
}
