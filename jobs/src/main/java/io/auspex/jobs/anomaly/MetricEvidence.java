package io.auspex.jobs.anomaly;

import io.auspex.schemas.ServiceSignals;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evidence from any metric a service sends: each gauge of {@code ServiceSignals.gauges} (its max in
 * the window) and each counter of {@code counters} (its increase in the window) that the
 * include/exclude globs admit gets its own streaming baseline, and a window scores how far the
 * metric is from it, in [0, 1], in both directions (a CPU or memory gauge, a queue depth, a custom
 * counter named any way: {@code container_cpu_usage_seconds_total}, {@code jvm_memory_used_bytes}).
 *
 * <p><b>Baseline and score</b> (per metric, as {@link SignalBaselines} does for the golden signals):
 * an exponentially weighted mean {@code m} and mean absolute deviation {@code d} of the metric's new
 * samples. A value {@code x} scores {@code clamp((z - Z_LOW) / (Z_HIGH - Z_LOW), 0, 1)} with
 * {@code z = |x - m| / max(1.25 d, RELATIVE_FLOOR |m|, floor)}, where {@code floor} is 1 for a metric
 * whose samples were all whole numbers (a count: one more is no anomaly) and {@link #ABSOLUTE_FLOOR}
 * otherwise, so a flat metric never scores on a tiny wiggle. No score before {@link #WARM_UP} samples.
 * A sample learns with weight {@link #ALPHA} ({@code 1 / (n + 1)} during the warm-up, a running mean),
 * and with {@link #ALPHA_ANOMALOUS} while it scores, so a fault is not absorbed within minutes.
 *
 * <p><b>Samples, carried values, absence.</b> A gauge named in {@code carried_gauges} (the signals
 * window carries a slow gauge's last value between its samples) is scored but not learned: one
 * per-minute sample is one sample, not six. A counter with no point in a window keeps scoring its
 * last increase, not learned, until {@code carryMs} after that sample, as a gauge is carried. A
 * metric absent from a window (gone, or stale) scores nothing: a metric that disappears is no
 * anomaly. A gauge whose name says it is a latency or duration ({@link #isLatencyName}) reading
 * exactly 0 is taken as "no request", not as a sample (0 is not a latency).
 *
 * <p><b>Bound.</b> At most {@code maxMetrics} metrics are followed per service, the first seen
 * first (those new in the same window in name order, gauges before counters of the same name); a
 * metric beyond the bound is not followed and is counted in {@link Result#unfollowed()} (the
 * operator's metric {@code auspex.anomaly.metricsUnfollowed}). A followed metric without a new
 * sample for {@code idleMs} is dropped, which frees its place.
 */
public final class MetricEvidence implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Prefix of a metric's name among the moved signals. */
    public static final String PREFIX = "metric:";
    public static final double ALPHA = 0.02;
    public static final double ALPHA_ANOMALOUS = 0.002;
    public static final double RELATIVE_FLOOR = 0.10;
    /** Least deviation of a metric with fractional samples. */
    public static final double ABSOLUTE_FLOOR = 0.01;
    /** Least deviation of a metric whose samples were all whole numbers. */
    public static final double INTEGER_FLOOR = 1.0;
    public static final double Z_LOW = 4.0;
    public static final double Z_HIGH = 8.0;
    /** New samples a metric's baseline learns before it scores. */
    public static final int WARM_UP = 30;
    public static final int DEFAULT_MAX_METRICS = 32;
    /** Largest {@code max-metrics} accepted (state per service grows with it). */
    public static final int MAX_METRICS_LIMIT = 1024;
    private static final int FILTER_CACHE = 4096;

    /**
     * @param include globs of metric names to follow ({@code *} any characters, {@code ?} one)
     * @param exclude globs of metric names not to follow, over the include list
     * @param maxMetrics metrics followed per service at most
     * @param carryMs a counter without a point keeps its last increase's score this long
     * @param idleMs a followed metric without a new sample this long is dropped
     * @param alerts metric evidence counts toward anomaly alerts (else it feeds root-cause ranking only)
     */
    public record Config(List<String> include, List<String> exclude, int maxMetrics, long carryMs, long idleMs,
            boolean alerts) implements Serializable {
        public Config {
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
            List<String> problems = new ArrayList<>();
            for (String g : include) {
                String p = globProblem(g);
                if (p != null) {
                    problems.add("include: " + p);
                }
            }
            for (String g : exclude) {
                String p = globProblem(g);
                if (p != null) {
                    problems.add("exclude: " + p);
                }
            }
            if (maxMetrics < 1 || maxMetrics > MAX_METRICS_LIMIT) {
                problems.add("max metrics must be in 1.." + MAX_METRICS_LIMIT + ", was " + maxMetrics);
            }
            if (carryMs < 0 || idleMs <= 0) {
                problems.add("carry must be >= 0 and idle > 0, were " + carryMs + " and " + idleMs);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid metric-evidence config: " + String.join("; ", problems));
            }
        }

        /** Every metric, at most {@link #DEFAULT_MAX_METRICS} per service, carried 5 min, idle after 6 h; ranking only. */
        public static Config defaults() {
            return new Config(List.of("*"), List.of(), DEFAULT_MAX_METRICS, 5 * 60_000L, 6 * 3_600_000L, false);
        }
    }

    /**
     * What one window of a service shows.
     *
     * @param strength the largest score, in [0, 1]
     * @param moved the metrics scoring at or above the threshold, strongest first (ties in name order),
     *     each {@link #PREFIX} + name
     * @param unfollowed metrics of the window the include list admits but the bound leaves unfollowed
     * @param scores the score of every followed metric present or carried in the window, by name
     */
    public record Result(double strength, List<String> moved, int unfollowed, Map<String, Double> scores) {}

    private final Config config;
    private final Pattern[] include;
    private final Pattern[] exclude;
    private transient Map<String, Boolean> filterCache;

    public MetricEvidence(Config config) {
        this.config = config;
        this.include = config.include().stream().map(MetricEvidence::glob).toArray(Pattern[]::new);
        this.exclude = config.exclude().stream().map(MetricEvidence::glob).toArray(Pattern[]::new);
    }

    public Config config() {
        return config;
    }

    /** Why {@code glob} is not a usable pattern, or null: blank, or with white space. */
    public static String globProblem(String glob) {
        if (glob == null || glob.isBlank()) {
            return "empty pattern";
        }
        for (int i = 0; i < glob.length(); i++) {
            if (Character.isWhitespace(glob.charAt(i)) || Character.isISOControl(glob.charAt(i))) {
                return "pattern '" + glob.strip() + "' has white space or a control character";
            }
        }
        return null;
    }

    /** A glob as a regular expression: {@code *} any run of characters (dots too), {@code ?} one, the rest literal. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** Whether the include globs admit {@code name} and no exclude glob does. */
    public boolean admits(String name) {
        if (filterCache == null) {
            filterCache = new HashMap<>();
        }
        Boolean cached = filterCache.get(name);
        if (cached != null) {
            return cached;
        }
        boolean in = false;
        for (Pattern p : include) {
            if (p.matcher(name).matches()) {
                in = true;
                break;
            }
        }
        if (in) {
            for (Pattern p : exclude) {
                if (p.matcher(name).matches()) {
                    in = false;
                    break;
                }
            }
        }
        if (filterCache.size() >= FILTER_CACHE) {
            filterCache.clear();
        }
        filterCache.put(name, in);
        return in;
    }

    /** A gauge named as a latency or duration (0 then means no request, not a value). */
    public static boolean isLatencyName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("latency") || n.contains("duration") || n.contains("response_time");
    }

    /**
     * The score of {@code x} against a baseline of {@code samples} samples with mean {@code mean},
     * mean absolute deviation {@code dev}: 0 during the warm-up.
     */
    public static double score(double x, double mean, double dev, boolean integral, long samples) {
        if (samples < WARM_UP) {
            return 0.0;
        }
        double scale = Math.max(1.25 * dev, Math.max(RELATIVE_FLOOR * Math.abs(mean),
                integral ? INTEGER_FLOOR : ABSOLUTE_FLOOR));
        double z = Math.abs(x - mean) / scale;
        double s = (z - Z_LOW) / (Z_HIGH - Z_LOW);
        return s < 0 ? 0.0 : (s > 1 ? 1.0 : s);
    }

    static boolean whole(double x) {
        return x == Math.rint(x) && Math.abs(x) < 0x1p53;
    }

    /** Folds a new sample {@code x} that scored {@code score} into entry {@code i}. */
    static void learn(MetricEvidenceState st, int i, double x, double score, long windowEndMs) {
        if (st.samples[i] == 0) {
            st.mean[i] = x;
            st.dev[i] = 0;
            st.integral[i] = whole(x);
        } else {
            double a = score > 0 ? ALPHA_ANOMALOUS
                    : (st.samples[i] >= WARM_UP ? ALPHA : Math.max(ALPHA, 1.0 / (st.samples[i] + 1)));
            double d = x - st.mean[i];
            st.mean[i] += a * d;
            st.dev[i] += a * (Math.abs(d) - st.dev[i]);
            st.integral[i] &= whole(x);
        }
        st.samples[i]++;
        st.last[i] = x;
        st.lastSampleMs[i] = windowEndMs;
    }

    /** A metric of the window not followed yet; several are taken in name order, a gauge before a counter of the same name. */
    private record NewMetric(String name, boolean counter, double value) {
        static final Comparator<NewMetric> ORDER = Comparator.comparing(NewMetric::name)
                .thenComparing(NewMetric::counter);
    }

    private static String key(boolean counter, String name) {
        return (counter ? "c:" : "g:") + name;
    }

    /**
     * Scores window {@code s} against the followed metrics of {@code st}, learns its new samples,
     * follows new metrics while there is room, and drops the idle ones.
     *
     * @param threshold score at or above which a metric counts as moved
     */
    public Result observe(MetricEvidenceState st, ServiceSignals s, double threshold) {
        long now = s.getWindowEndMs();
        dropIdle(st, now);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < st.size(); i++) {
            index.put(key(st.counter[i], st.names[i]), i);
        }
        Set<String> carried = s.getCarriedGauges().isEmpty() ? Set.of() : new HashSet<>(s.getCarriedGauges());
        Map<String, Double> scores = new LinkedHashMap<>();
        boolean[] present = new boolean[st.size()];
        List<NewMetric> fresh = new ArrayList<>();
        for (int kind = 0; kind < 2; kind++) {
            boolean counter = kind == 1;
            Map<String, Double> values = counter ? s.getCounters() : s.getGauges();
            for (Map.Entry<String, Double> m : values.entrySet()) {
                String name = m.getKey();
                double x = m.getValue();
                if (!Double.isFinite(x) || (!counter && x == 0.0 && isLatencyName(name)) || !admits(name)) {
                    continue;
                }
                Integer i = index.get(key(counter, name));
                if (i == null) {
                    fresh.add(new NewMetric(name, counter, x));
                    continue;
                }
                present[i] = true;
                double sc = score(x, st.mean[i], st.dev[i], st.integral[i], st.samples[i]);
                scores.merge(name, sc, Math::max);
                if (counter || !carried.contains(name)) {
                    learn(st, i, x, sc, now);
                }
            }
        }
        // a counter without a point in this window keeps its last increase until the carry time
        for (int i = 0; i < present.length; i++) {
            if (!present[i] && st.counter[i] && st.samples[i] > 0 && now - st.lastSampleMs[i] <= config.carryMs()
                    && now > st.lastSampleMs[i]) {
                double sc = score(st.last[i], st.mean[i], st.dev[i], st.integral[i], st.samples[i]);
                scores.merge(st.names[i], sc, Math::max);
            }
        }
        int unfollowed = 0;
        if (st.size() >= config.maxMetrics()) {
            unfollowed = fresh.size();
        } else if (!fresh.isEmpty()) {
            fresh.sort(NewMetric.ORDER);
            for (NewMetric f : fresh) {
                if (st.size() >= config.maxMetrics()) {
                    unfollowed++;
                    continue;
                }
                int i = append(st, f.name(), f.counter());
                learn(st, i, f.value(), 0.0, now);
                scores.merge(f.name(), 0.0, Math::max);
            }
        }
        double strength = 0;
        List<Map.Entry<String, Double>> movedEntries = new ArrayList<>();
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            strength = Math.max(strength, e.getValue());
            if (e.getValue() >= threshold) {
                movedEntries.add(e);
            }
        }
        movedEntries.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> moved = new ArrayList<>(movedEntries.size());
        for (Map.Entry<String, Double> e : movedEntries) {
            moved.add(PREFIX + e.getKey());
        }
        return new Result(strength, moved, unfollowed, scores);
    }

    /** Drops the entries without a new sample for {@link Config#idleMs()}. */
    private void dropIdle(MetricEvidenceState st, long now) {
        int n = st.size();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (now - st.lastSampleMs[i] <= config.idleMs()) {
                kept++;
            }
        }
        if (kept == n) {
            return;
        }
        MetricEvidenceState out = new MetricEvidenceState();
        resize(out, kept);
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (now - st.lastSampleMs[i] <= config.idleMs()) {
                copy(st, i, out, j++);
            }
        }
        st.names = out.names;
        st.counter = out.counter;
        st.samples = out.samples;
        st.mean = out.mean;
        st.dev = out.dev;
        st.integral = out.integral;
        st.last = out.last;
        st.lastSampleMs = out.lastSampleMs;
    }

    private static void resize(MetricEvidenceState st, int n) {
        st.names = st.names == null ? new String[n] : Arrays.copyOf(st.names, n);
        st.counter = st.counter == null ? new boolean[n] : Arrays.copyOf(st.counter, n);
        st.samples = st.samples == null ? new long[n] : Arrays.copyOf(st.samples, n);
        st.mean = st.mean == null ? new double[n] : Arrays.copyOf(st.mean, n);
        st.dev = st.dev == null ? new double[n] : Arrays.copyOf(st.dev, n);
        st.integral = st.integral == null ? new boolean[n] : Arrays.copyOf(st.integral, n);
        st.last = st.last == null ? new double[n] : Arrays.copyOf(st.last, n);
        st.lastSampleMs = st.lastSampleMs == null ? new long[n] : Arrays.copyOf(st.lastSampleMs, n);
    }

    private static void copy(MetricEvidenceState from, int i, MetricEvidenceState to, int j) {
        to.names[j] = from.names[i];
        to.counter[j] = from.counter[i];
        to.samples[j] = from.samples[i];
        to.mean[j] = from.mean[i];
        to.dev[j] = from.dev[i];
        to.integral[j] = from.integral[i];
        to.last[j] = from.last[i];
        to.lastSampleMs[j] = from.lastSampleMs[i];
    }

    private static int append(MetricEvidenceState st, String name, boolean counter) {
        int i = st.size();
        resize(st, i + 1);
        st.names[i] = name;
        st.counter[i] = counter;
        return i;
    }
}
