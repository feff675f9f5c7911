package io.auspex.jobs.rca;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks root-cause candidates of an alert on one service: the service itself, every service it
 * calls, directly or not, and the callers of those that have strong evidence of their own (a
 * noisy neighbour on a shared database). A personalized PageRank-style walk (as in MicroRCA) starts at the
 * alerting service; at each step it restarts with probability {@link #RESTART}, otherwise it
 * stays at the current service with weight {@code SELF * e(u)}, moves to a callee {@code v}
 * with weight {@code e(v)} or back to a caller {@code w} with weight {@code BACKWARD * e(w)},
 * where {@code e} is a service's anomaly evidence in the lookback (plus {@link #EPSILON})
 * discounted by how much later than the earliest strong candidate its anomaly began. The walk settles on the deepest anomalous service whose own callees look healthy;
 * confidence is the stationary probability.
 */
public final class RootCauseRanker {
    public static final double RESTART = 0.15;
    public static final double SELF = 1.0;
    public static final double EPSILON = 0.01;
    /**
     * Weight of the step back up to a caller, relative to the caller's evidence: a healthy service
     * (often a shared database below many callers) hands the walk back to the anomalous services
     * above it instead of holding it, while an anomalous one keeps it.
     */
    public static final double BACKWARD = 0.1;
    /** Evidence a caller of a candidate needs, at least, to join the candidates beside the alerting service. */
    public static final double SIBLING_MIN = 0.5;
    /** Candidates at least this share of the strongest one's evidence date the onset reference. */
    public static final double STRONG_SHARE = 0.5;
    /** Evidence of a service whose anomaly began this much later than the earliest is discounted by 1/e. */
    public static final long ONSET_SCALE_MS = 5 * 60_000L;
    private static final int ITERATIONS = 100;

    private RootCauseRanker() {}

    private static double strongest(List<String> nodes, Map<String, Evidence> evidence) {
        double max = 0;
        for (String s : nodes) {
            Evidence ev = evidence.get(s);
            if (ev != null) {
                max = Math.max(max, ev.strength());
            }
        }
        return max;
    }

    /** Evidence of one service in the lookback. */
    public record Evidence(double strength, long onsetMs) {}

    /**
     * One ranked candidate; {@code depth} is its distance below the alerting service, or -1 for a
     * service beside it (a caller of one of its dependencies, with strong evidence of its own).
     */
    public record Candidate(String service, double confidence, double evidence, int depth) {}

    /**
     * @param alerting the service the alert is about
     * @param callees caller -> callees of the active service graph
     * @param evidence service -> evidence; services absent have none
     */
    public static List<Candidate> rank(String alerting, Map<String, Set<String>> callees,
            Map<String, Evidence> evidence) {
        // candidates in BFS order with their depth below the alerting service
        Map<String, Integer> depth = new HashMap<>();
        List<String> nodes = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>();
        depth.put(alerting, 0);
        nodes.add(alerting);
        queue.add(alerting);
        while (!queue.isEmpty()) {
            String u = queue.poll();
            for (String v : callees.getOrDefault(u, Set.of())) {
                if (!depth.containsKey(v)) {
                    depth.put(v, depth.get(u) + 1);
                    nodes.add(v);
                    queue.add(v);
                }
            }
        }
        // siblings where the evidence points there: a caller of a candidate (a noisy neighbour on a shared
        // database) joins when its evidence is among the strongest, one level beside (depth -1)
        double strongestBelow = strongest(nodes, evidence);
        Map<String, Set<String>> callers = new HashMap<>();
        for (Map.Entry<String, Set<String>> c : callees.entrySet()) {
            for (String v : c.getValue()) {
                callers.computeIfAbsent(v, k -> new java.util.TreeSet<>()).add(c.getKey());
            }
        }
        List<String> beside = new ArrayList<>();
        for (String s : nodes) {
            if (s.equals(alerting)) {
                continue;
            }
            Evidence shared = evidence.get(s);
            for (String w : callers.getOrDefault(s, Set.of())) {
                Evidence ev = evidence.get(w);
                // the cause moves first: a caller whose anomaly began with or after the dependency's is its effect
                if (!depth.containsKey(w) && ev != null && ev.strength() > 0
                        && ev.strength() >= Math.max(STRONG_SHARE * strongestBelow, SIBLING_MIN)
                        && (shared == null || shared.strength() <= 0 || ev.onsetMs() < shared.onsetMs())) {
                    depth.put(w, -1);
                    beside.add(w);
                }
            }
        }
        nodes.addAll(beside);
        int n = nodes.size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(nodes.get(i), i);
        }
        // the onset reference is the earliest of the strong candidates: a faded episode of an earlier
        // fault must not discount the current ones
        double strongest = strongest(nodes, evidence);
        long earliest = Long.MAX_VALUE;
        for (String s : nodes) {
            Evidence ev = evidence.get(s);
            if (ev != null && ev.strength() > 0 && ev.strength() >= STRONG_SHARE * strongest) {
                earliest = Math.min(earliest, ev.onsetMs());
            }
        }
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            Evidence ev = evidence.get(nodes.get(i));
            double strength = ev == null ? 0 : ev.strength();
            if (strength > 0 && earliest != Long.MAX_VALUE && ev.onsetMs() > earliest) {
                strength *= Math.exp(-(double) (ev.onsetMs() - earliest) / ONSET_SCALE_MS);
            }
            e[i] = strength + EPSILON;
        }
        // callers of each candidate within the candidates
        List<List<Integer>> up = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            up.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (String v : callees.getOrDefault(nodes.get(i), Set.of())) {
                Integer j = index.get(v);
                if (j != null && j != i) {
                    up.get(j).add(i);
                }
            }
        }
        // transition rows: stay, down to a callee, back up to a caller
        double[][] p = new double[n][];
        int[][] to = new int[n][];
        for (int i = 0; i < n; i++) {
            Set<String> out = new LinkedHashSet<>();
            for (String v : callees.getOrDefault(nodes.get(i), Set.of())) {
                if (index.containsKey(v) && !v.equals(nodes.get(i))) {
                    out.add(v);
                }
            }
            List<Integer> back = up.get(i);
            to[i] = new int[out.size() + back.size() + 1];
            p[i] = new double[to[i].length];
            to[i][0] = i;
            p[i][0] = SELF * e[i];
            double sum = p[i][0];
            int k = 1;
            for (String v : out) {
                int j = index.get(v);
                to[i][k] = j;
                p[i][k] = e[j];
                sum += e[j];
                k++;
            }
            for (int j : back) {
                to[i][k] = j;
                // a sibling joined for its strong evidence: the walk steps to it as to a callee
                p[i][k] = (depth.get(nodes.get(j)) < 0 ? 1.0 : BACKWARD) * e[j];
                sum += p[i][k];
                k++;
            }
            for (k = 0; k < p[i].length; k++) {
                p[i][k] /= sum;
            }
        }
        double[] pi = new double[n];
        pi[0] = 1.0;
        for (int it = 0; it < ITERATIONS; it++) {
            double[] next = new double[n];
            next[0] += RESTART;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < to[i].length; k++) {
                    next[to[i][k]] += (1 - RESTART) * pi[i] * p[i][k];
                }
            }
            pi = next;
        }
        double total = 0;
        for (double v : pi) {
            total += v;
        }
        List<Candidate> ranked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranked.add(new Candidate(nodes.get(i), pi[i] / total, e[i] - EPSILON, depth.get(nodes.get(i))));
        }
        ranked.sort((a, b) -> a.confidence() != b.confidence()
                ? Double.compare(b.confidence(), a.confidence())
                : Integer.compare(b.depth(), a.depth()));
        return Collections.unmodifiableList(ranked);
    }
}
