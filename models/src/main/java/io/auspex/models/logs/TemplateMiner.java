package io.auspex.models.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online log template mining in the manner of Drain (He et al., ICWS 2017): lines, already masked
 * by {@link LogMasker}, are grouped into templates whose differing tokens become {@code <*>}.
 *
 * <p>A line is routed through a fixed-depth prefix tree: first by its number of tokens (lines of
 * different lengths never share a template), then by its first {@link MinerConfig#depth()} tokens
 * (a token with no child of its own goes to the node's {@code <*>} child; a node has at most
 * {@link MinerConfig#maxChildren()} children, so new tokens beyond it share {@code <*>}). In the
 * leaf it joins the template with the largest share of positions holding the same token (a
 * {@code <*>} position does not count), if that share is at least {@link MinerConfig#similarity()};
 * ties go to the template with more wildcards, then to the smaller id. Joining turns every position
 * where the line differs into {@code <*>}. A line that joins nothing starts a template.
 *
 * <p>State: the templates (tokens, the tree path chosen at creation, count, first and last seen
 * event time, whether seen at error severity) in order of last use, and the tree nodes on their
 * paths. Memory is bounded: at most {@link MinerConfig#maxClusters()} templates of at most
 * {@link MinerConfig#maxTokens()} tokens; a new template beyond the bound evicts the least recently
 * used template that has had a single line (a flood of one-off lines then replaces itself and leaves
 * the recurring templates alone), or the least recently used one when every template recurred.
 * Tree nodes with no template below them are removed with it. {@link #expireBefore(long)} drops
 * templates not seen since a time.
 *
 * <p>Ids are stable: a 64-bit hash (FNV-1a, then a SplitMix64 finalizer) of the template text when
 * the template was created, kept when it gains wildcards and across {@link #toBytes()} and
 * {@link #fromBytes(byte[])}. The same line therefore gets the same id after the state was lost.
 * In the rare case that the id is taken by a live template, the text is hashed again with a
 * counter appended.
 *
 * <p>Not thread-safe.
 */
public final class TemplateMiner {
    /** The token standing for the positions where a template's lines differ. */
    public static final String WILDCARD = "<*>";
    /** The snapshot format this code writes; {@link #fromBytes(byte[])} reads it and no other yet. */
    public static final int SNAPSHOT_VERSION = 1;

    private final MinerConfig config;
    /** Templates by id, least recently used first. */
    private final LinkedHashMap<Long, Cluster> clusters = new LinkedHashMap<>();
    /** The token-count level of the tree. */
    private final Map<Integer, Node> byLength = new HashMap<>();
    private int nodes;

    public TemplateMiner(MinerConfig config) {
        this.config = config;
    }

    public MinerConfig config() {
        return config;
    }

    /** The outcome of adding a line: the template it joined or started, and its text after the line. */
    public record Match(long id, String template, boolean created) {}

    private static final class Cluster {
        final long id;
        final String[] tokens;
        /** The keys of the tree nodes below the token-count node, chosen when the template was created. */
        final String[] path;
        String text;
        long count;
        long firstSeenMs;
        long lastSeenMs;
        boolean seenAtError;

        Cluster(long id, String[] tokens, String[] path) {
            this.id = id;
            this.tokens = tokens;
            this.path = path;
            this.text = String.join(" ", tokens);
        }

        LogTemplate view() {
            return new LogTemplate(id, text, count, firstSeenMs, lastSeenMs, seenAtError);
        }
    }

    private static final class Node {
        final Map<String, Node> children = new HashMap<>(4);
        final List<Cluster> clusters = new ArrayList<>(1);
    }

    /** Adds one line; see {@link #add(String, long, long, long, long)}. */
    public Match add(String maskedLine, long timeMs, boolean error) {
        return add(maskedLine, 1, error ? 1 : 0, timeMs, timeMs);
    }

    /**
     * Adds {@code count} occurrences of one masked line (of which {@code errorCount} at error
     * severity), first seen at {@code firstMs} and last at {@code lastMs}. The line is cut to the
     * configured number of tokens and characters.
     */
    public Match add(String maskedLine, long count, long errorCount, long firstMs, long lastMs) {
        if (count < 1 || errorCount < 0 || errorCount > count) {
            throw new IllegalArgumentException("count " + count + " and errorCount " + errorCount);
        }
        String[] tokens = tokens(maskedLine);
        Cluster c = match(tokens);
        boolean created = false;
        if (c == null) {
            c = create(tokens);
            c.firstSeenMs = firstMs;
            c.lastSeenMs = lastMs;
            created = true;
        } else {
            merge(c, tokens);
            clusters.remove(c.id);
            clusters.put(c.id, c);
            c.firstSeenMs = Math.min(c.firstSeenMs, firstMs);
            c.lastSeenMs = Math.max(c.lastSeenMs, lastMs);
        }
        c.count += count;
        c.seenAtError |= errorCount > 0;
        return new Match(c.id, c.text, created);
    }

    /** The template with this id, or null when there is none (never created, evicted or expired). */
    public LogTemplate get(long id) {
        Cluster c = clusters.get(id);
        return c == null ? null : c.view();
    }

    /** Every template, least recently used first. */
    public List<LogTemplate> templates() {
        List<LogTemplate> out = new ArrayList<>(clusters.size());
        for (Cluster c : clusters.values()) {
            out.add(c.view());
        }
        return out;
    }

    /** Number of templates. */
    public int size() {
        return clusters.size();
    }

    /** Number of tree nodes below the token-count level, plus the token-count nodes (for memory checks). */
    public int nodeCount() {
        return nodes;
    }

    /** Drops the templates last seen before {@code cutoffMs} (event time); returns how many. */
    public int expireBefore(long cutoffMs) {
        List<Cluster> old = new ArrayList<>();
        for (Cluster c : clusters.values()) {
            if (c.lastSeenMs < cutoffMs) {
                old.add(c);
            }
        }
        for (Cluster c : old) {
            remove(c);
        }
        return old.size();
    }

    /**
     * This miner under another configuration: the same templates when only the bounds and the
     * similarity change (the least recently used evicted down to the new bound), an empty miner when
     * the tree's shape changes (depth or children per node), whose paths would no longer fit.
     */
    public TemplateMiner withConfig(MinerConfig other) {
        if (other.equals(config)) {
            return this;
        }
        TemplateMiner m = new TemplateMiner(other);
        if (other.depth() != config.depth() || other.maxChildren() != config.maxChildren()) {
            return m;
        }
        for (Cluster c : clusters.values()) {
            m.restore(c.id, c.tokens.clone(), c.path.clone(), c.count, c.firstSeenMs, c.lastSeenMs, c.seenAtError);
        }
        while (m.clusters.size() > other.maxClusters()) {
            m.remove(m.clusters.values().iterator().next());
        }
        return m;
    }

    /** {@code id} as 16 lower-case hex digits. */
    public static String idString(long id) {
        String h = Long.toHexString(id);
        return "0".repeat(16 - h.length()) + h;
    }

    /** The stable id of a template created with this text ({@code salt} 0 unless the id was taken). */
    static long hash(String text, int salt) {
        long h = 0xcbf29ce484222325L;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        for (int s = salt; s > 0; s >>>= 8) {
            h ^= s & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }

    private String[] tokens(String maskedLine) {
        if (maskedLine == null || maskedLine.isBlank()) {
            return new String[0];
        }
        String line = maskedLine.length() > config.maxLineLength()
                ? maskedLine.substring(0, config.maxLineLength()) : maskedLine;
        String[] t = line.trim().split("\\s+");
        if (t.length > config.maxTokens()) {
            String[] cut = new String[config.maxTokens()];
            System.arraycopy(t, 0, cut, 0, cut.length);
            return cut;
        }
        return t;
    }

    private int prefixLength(int tokens) {
        return Math.min(config.depth(), tokens);
    }

    /** The best template for these tokens, or null. */
    private Cluster match(String[] tokens) {
        Node n = byLength.get(tokens.length);
        if (n == null) {
            return null;
        }
        for (int i = 0; i < prefixLength(tokens.length); i++) {
            Node next = n.children.get(tokens[i]);
            if (next == null) {
                next = n.children.get(WILDCARD);
            }
            if (next == null) {
                return null;
            }
            n = next;
        }
        Cluster best = null;
        double bestSim = -1;
        int bestWild = -1;
        for (Cluster c : n.clusters) {
            int same = 0;
            int wild = 0;
            for (int i = 0; i < tokens.length; i++) {
                if (c.tokens[i].equals(WILDCARD)) {
                    wild++;
                } else if (c.tokens[i].equals(tokens[i])) {
                    same++;
                }
            }
            double sim = tokens.length == 0 ? 1.0 : (double) same / tokens.length;
            if (sim > bestSim || (sim == bestSim && (wild > bestWild || (wild == bestWild && c.id < best.id)))) {
                best = c;
                bestSim = sim;
                bestWild = wild;
            }
        }
        return best != null && bestSim >= config.similarity() ? best : null;
    }

    private static void merge(Cluster c, String[] tokens) {
        boolean changed = false;
        for (int i = 0; i < tokens.length; i++) {
            if (!c.tokens[i].equals(WILDCARD) && !c.tokens[i].equals(tokens[i])) {
                c.tokens[i] = WILDCARD;
                changed = true;
            }
        }
        if (changed) {
            c.text = String.join(" ", c.tokens);
        }
    }

    private Cluster create(String[] tokens) {
        if (clusters.size() >= config.maxClusters()) {
            remove(victim());
        }
        // the route: a token's own child while the node has room (one place kept for <*>), else <*>
        String[] path = new String[prefixLength(tokens.length)];
        Node n = byLength.get(tokens.length);
        for (int i = 0; i < path.length; i++) {
            String key = tokens[i];
            if (n != null && !n.children.containsKey(key)) {
                int own = n.children.size() - (n.children.containsKey(WILDCARD) ? 1 : 0);
                if (own >= config.maxChildren() - 1) {
                    key = WILDCARD;
                }
            }
            path[i] = key;
            n = n == null ? null : n.children.get(key);
        }
        String text = String.join(" ", tokens);
        long id = hash(text, 0);
        for (int salt = 1; clusters.containsKey(id); salt++) {
            id = hash(text, salt);
        }
        return restore(id, tokens.clone(), path, 0, 0, 0, false);
    }

    /** Puts a template on its path as the most recently used one. */
    private Cluster restore(long id, String[] tokens, String[] path, long count, long firstMs, long lastMs,
            boolean seenAtError) {
        Cluster c = new Cluster(id, tokens, path);
        c.count = count;
        c.firstSeenMs = firstMs;
        c.lastSeenMs = lastMs;
        c.seenAtError = seenAtError;
        Node n = byLength.get(tokens.length);
        if (n == null) {
            n = new Node();
            byLength.put(tokens.length, n);
            nodes++;
        }
        for (String key : path) {
            Node next = n.children.get(key);
            if (next == null) {
                next = new Node();
                n.children.put(key, next);
                nodes++;
            }
            n = next;
        }
        n.clusters.add(c);
        clusters.put(id, c);
        return c;
    }

    /** The least recently used template with a single line, else the least recently used one. */
    private Cluster victim() {
        Cluster eldest = null;
        for (Cluster c : clusters.values()) {
            if (eldest == null) {
                eldest = c;
            }
            if (c.count <= 1) {
                return c;
            }
        }
        return eldest;
    }

    /** Removes a template, and the tree nodes left without any template below them. */
    private void remove(Cluster c) {
        clusters.remove(c.id);
        Deque<Node> route = new ArrayDeque<>();
        Node n = byLength.get(c.tokens.length);
        route.push(n);
        for (String key : c.path) {
            n = n.children.get(key);
            route.push(n);
        }
        n.clusters.remove(c);
        for (int i = c.path.length - 1; i >= 0; i--) {
            Node child = route.pop();
            if (!child.clusters.isEmpty() || !child.children.isEmpty()) {
                return;
            }
            route.peek().children.remove(c.path[i]);
            nodes--;
        }
        Node top = route.pop();
        if (top.clusters.isEmpty() && top.children.isEmpty()) {
            byLength.remove(c.tokens.length);
            nodes--;
        }
    }

    // ---- snapshot -------------------------------------------------------------------------------

    private static final int PATH_SAME = 0;
    private static final int PATH_WILDCARD = 1;
    private static final int PATH_TOKEN = 2;

    /**
     * The miner as bytes: the version byte ({@link #SNAPSHOT_VERSION}), the configuration, then every
     * template, least recently used first: id, count, first and last seen time, error flag, tokens,
     * and its tree path (per level: the template's token, {@code <*>}, or another token, spelled out
     * only in the last case). Numbers are varints, strings length-prefixed UTF-8. The tree is rebuilt
     * from the paths, so a restored miner routes and matches exactly as this one.
     */
    public byte[] toBytes() {
        Out out = new Out();
        out.buf.write(SNAPSHOT_VERSION);
        out.varint(config.maxClusters());
        out.fixed64(Double.doubleToLongBits(config.similarity()));
        out.varint(config.depth());
        out.varint(config.maxChildren());
        out.varint(config.maxTokens());
        out.varint(config.maxLineLength());
        out.varint(clusters.size());
        for (Cluster c : clusters.values()) {
            out.fixed64(c.id);
            out.varint(c.count);
            out.varint(zigzag(c.firstSeenMs));
            out.varint(zigzag(c.lastSeenMs - c.firstSeenMs));
            out.buf.write(c.seenAtError ? 1 : 0);
            out.varint(c.tokens.length);
            for (String t : c.tokens) {
                out.string(t);
            }
            for (int i = 0; i < c.path.length; i++) {
                if (c.path[i].equals(c.tokens[i])) {
                    out.buf.write(PATH_SAME);
                } else if (c.path[i].equals(WILDCARD)) {
                    out.buf.write(PATH_WILDCARD);
                } else {
                    out.buf.write(PATH_TOKEN);
                    out.string(c.path[i]);
                }
            }
        }
        return out.buf.toByteArray();
    }

    /**
     * A miner from {@link #toBytes()}.
     *
     * @throws IllegalArgumentException on an unknown version (naming it and the versions this code
     *     reads), on truncated or corrupt bytes, and on trailing bytes
     */
    public static TemplateMiner fromBytes(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty template miner snapshot");
        }
        int version = bytes[0] & 0xff;
        if (version != SNAPSHOT_VERSION) {
            throw new IllegalArgumentException("unknown template miner snapshot version " + version
                    + "; this code reads version " + SNAPSHOT_VERSION);
        }
        In in = new In(bytes, 1);
        MinerConfig config;
        try {
            config = new MinerConfig(in.intVarint(), Double.longBitsToDouble(in.fixed64()), in.intVarint(),
                    in.intVarint(), in.intVarint(), in.intVarint());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("corrupt template miner snapshot: " + e.getMessage(), e);
        }
        TemplateMiner m = new TemplateMiner(config);
        int n = in.intVarint();
        if (n > config.maxClusters()) {
            throw new IllegalArgumentException("corrupt template miner snapshot: " + n + " templates, bound "
                    + config.maxClusters());
        }
        for (int k = 0; k < n; k++) {
            long id = in.fixed64();
            long count = in.varint();
            long first = unzigzag(in.varint());
            long last = first + unzigzag(in.varint());
            int flags = in.u8();
            int length = in.intVarint();
            if (length > config.maxTokens()) {
                throw new IllegalArgumentException("corrupt template miner snapshot: template of " + length
                        + " tokens, bound " + config.maxTokens());
            }
            String[] tokens = new String[length];
            for (int i = 0; i < length; i++) {
                tokens[i] = in.string();
            }
            String[] path = new String[m.prefixLength(length)];
            for (int i = 0; i < path.length; i++) {
                int kind = in.u8();
                path[i] = switch (kind) {
                    case PATH_SAME -> tokens[i];
                    case PATH_WILDCARD -> WILDCARD;
                    case PATH_TOKEN -> in.string();
                    default -> throw new IllegalArgumentException("corrupt template miner snapshot: path kind " + kind);
                };
            }
            if (m.clusters.containsKey(id) || count < 0 || flags > 1) {
                throw new IllegalArgumentException("corrupt template miner snapshot: template " + idString(id));
            }
            m.restore(id, tokens, path, count, first, last, flags == 1);
        }
        if (in.pos != bytes.length) {
            throw new IllegalArgumentException("template miner snapshot has " + (bytes.length - in.pos)
                    + " trailing bytes");
        }
        return m;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static final class Out {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream(256);

        void varint(long v) {
            while ((v & ~0x7fL) != 0) {
                buf.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            buf.write((int) v);
        }

        void fixed64(long v) {
            for (int i = 0; i < 8; i++) {
                buf.write((int) (v >>> (8 * i)));
            }
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            buf.write(b, 0, b.length);
        }
    }

    private static final class In {
        final byte[] b;
        int pos;

        In(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("corrupt template miner snapshot: varint too long");
        }

        int intVarint() {
            long v = varint();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("corrupt template miner snapshot: length " + v);
            }
            return (int) v;
        }

        long fixed64() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (b[pos++] & 0xff) << (8 * i);
            }
            return v;
        }

        String string() {
            int n = intVarint();
            need(n);
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        private void need(int n) {
            if (n > b.length - pos) {
                throw new IllegalArgumentException("truncated template miner snapshot");
            }
        }
    }

    @Override
    public String toString() {
        return "TemplateMiner{" + clusters.size() + " templates, " + config + "}";
    }

    /** For tests: the templates' ids in order of last use. */
    List<Long> idsByRecency() {
        return new ArrayList<>(clusters.keySet());
    }
}
