package io.auspex.jobs.signals;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.auspex.models.logs.LogMasker;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Golden-signal partial aggregate of one service in one window. Mergeable (local and global
 * aggregation use the same class). Serialized by {@link SignalsAccumulatorSerializer}, never Kryo.
 *
 * <p>Latency quantiles come from a DDSketch with 1 % relative accuracy; latency-threshold counts
 * ({@code overCounts}, aligned with the configured thresholds) are exact.
 *
 * <p>Log lines are kept masked ({@link io.auspex.models.logs.LogMasker}) and counted by masked text
 * ({@code logLines}, at most {@code maxLogLines} texts, the last quarter of them only for texts first
 * seen at error severity); a line whose text does not fit is counted in {@code logOverflow} (and
 * {@code errorLogOverflow}), so the lines kept plus the overflow are exactly {@code logs} (and
 * {@code errorLogs}). The window function mines templates from them.
 */
@TypeInfo(SignalsAccumulatorTypeInfo.Factory.class)
public final class SignalsAccumulator {
    public static final double RELATIVE_ACCURACY = 0.01;
    public static final int MAX_EXEMPLARS = 5;
    public static final int MAX_TEMPLATES = 5;
    /** Default bound on the operations (span names) a service's window lists ({@code auspex.limits.max-operations-per-service}). */
    public static final int MAX_OPERATIONS = 200;
    /** Cumulative series (counters and histograms) kept per service and window; newer series beyond it are dropped. */
    public static final int MAX_SERIES = 1000;

    long requests;
    long errorSpans;
    long http5xx;
    long errorLogs;
    long logs;
    DDSketch latencyMs;
    long[] overCounts;
    final Map<String, Double> gauges = new HashMap<>();
    final Map<String, OperationAcc> operations = new HashMap<>();
    final List<String> exemplars = new ArrayList<>();
    /** Template -> event time of its newest occurrence. */
    final Map<String, Long> templates = new LinkedHashMap<>();
    /** Increase of each DELTA monotonic counter in the window, by metric name. */
    final Map<String, Double> counters = new HashMap<>();
    /** The newest point of each CUMULATIVE series in the window; the window function turns them into increases. */
    final Map<String, SeriesPoint> cumulative = new HashMap<>();
    /** Requests, errors and latency from request-duration histograms (used when the window has no server span). */
    long histRequests;
    long histErrors;
    DDSketch histLatencyMs;
    long[] histOver;
    /** Masked log line -> its counts in the window, in order of first arrival. */
    final Map<String, LineCount> logLines = new LinkedHashMap<>();
    /** Bound on {@link #logLines}; 0 keeps no line. */
    int maxLogLines = LogTemplateSettings.DEFAULT_MAX_LINES;
    /** Log lines (and error log lines) not in {@link #logLines} because it was full or mining is off. */
    long logOverflow;
    long errorLogOverflow;
    /** Bound on {@link #operations}: a further new span name of the window is not listed. */
    int maxOperations = MAX_OPERATIONS;
    /** Served spans not in {@link #operations} because it was full (they count in the service's signals). */
    long unlistedOperationSpans;

    /** The lines of one masked text in the window. */
    static final class LineCount {
        long count;
        long errorCount;
        long firstMs;
        long lastMs;
    }

    /** Exact counts of one operation (span name). */
    static final class OperationAcc {
        long total;
        long errors;
        long[] over;

        OperationAcc(int thresholds) {
            over = new long[thresholds];
        }
    }

    public SignalsAccumulator(int thresholds) {
        latencyMs = newSketch();
        overCounts = new long[thresholds];
        histLatencyMs = newSketch();
        histOver = new long[thresholds];
    }

    static DDSketch newSketch() {
        return DDSketches.logarithmicUnboundedDense(RELATIVE_ACCURACY);
    }

    /** Is this span one the service served (traffic, errors and latency are server-side)? */
    static boolean isServed(Span s) {
        return s.getKind() == SpanKind.SERVER || s.getKind() == SpanKind.CONSUMER;
    }

    /** OpenTelemetry: a server span is an error when its status is ERROR or its HTTP status is 5xx. */
    public static boolean isError(Span s) {
        Integer code = s.getHttpStatusCode();
        return s.getStatusCode() == StatusCode.ERROR || (code != null && code >= 500);
    }

    void addSpan(Span s, long[] thresholdsUs) {
        if (!isServed(s)) {
            return;
        }
        long us = s.getDurationUs();
        // the only step that can fail (a negative duration) comes first, so a failure changes nothing
        latencyMs.accept(us / 1000.0);
        requests++;
        boolean error = isError(s);
        Integer code = s.getHttpStatusCode();
        if (error) {
            errorSpans++;
            offerExemplar(s.getTraceId());
        }
        if (code != null && code >= 500) {
            http5xx++;
        }
        OperationAcc op = operations.get(s.getName());
        if (op == null && operations.size() < maxOperations) {
            op = new OperationAcc(thresholdsUs.length);
            operations.put(s.getName(), op);
        }
        if (op != null) {
            op.total++;
            if (error) {
                op.errors++;
            }
        } else {
            unlistedOperationSpans++;
        }
        for (int i = 0; i < thresholdsUs.length; i++) {
            if (us > thresholdsUs[i]) {
                overCounts[i]++;
                if (op != null) {
                    op.over[i]++;
                }
            }
        }
    }

    /** Is this log record an error (ERROR and FATAL, as error_log_count counts)? */
    static boolean isErrorLog(LogRecord l) {
        return l.getSeverityNumber() >= 17;
    }

    void addLog(LogRecord l, LogMasker masker) {
        boolean error = isErrorLog(l);
        // masking and the template first: when they fail, nothing has changed
        boolean keep = maxLogLines > 0;
        String text = keep ? masker.mask(l.getBody()) : null;
        String template = error ? LogTemplates.templateOf(l.getBody()) : null;
        if (keep) {
            addLine(text, 1, error ? 1 : 0, l.getTimeMs(), l.getTimeMs());
        } else {
            logOverflow++;
            errorLogOverflow += error ? 1 : 0;
        }
        logs++;
        if (error) {
            errorLogs++;
            templates.remove(template);
            templates.put(template, l.getTimeMs());
            if (templates.size() > MAX_TEMPLATES) {
                templates.remove(templates.keySet().iterator().next());
            }
        }
    }

    /** Counts lines of one masked text, or as overflow when the text is new and there is no room. */
    void addLine(String text, long count, long errorCount, long firstMs, long lastMs) {
        LineCount c = logLines.get(text);
        if (c == null) {
            int room = errorCount > 0 ? maxLogLines : maxLogLines - maxLogLines / 4;
            if (logLines.size() >= room) {
                logOverflow += count;
                errorLogOverflow += errorCount;
                return;
            }
            c = new LineCount();
            c.firstMs = firstMs;
            c.lastMs = lastMs;
            logLines.put(text, c);
        }
        c.count += count;
        c.errorCount += errorCount;
        c.firstMs = Math.min(c.firstMs, firstMs);
        c.lastMs = Math.max(c.lastMs, lastMs);
    }

    void addMetric(MetricPoint m, MetricSignals signals, long[] thresholdsUs) {
        switch (m.getType()) {
            case GAUGE -> {
                if (!idleState(m)) {
                    gauges.merge(m.getName(), m.getValue(), Math::max);
                }
            }
            case COUNTER -> {
                if (m.getCumulative()) {
                    keepNewest(m);
                } else {
                    counters.merge(m.getName(), m.getValue(), Double::sum);
                }
            }
            case HISTOGRAM -> {
                if (signals.latencyHistograms().contains(m.getName())) {
                    if (m.getCumulative()) {
                        keepNewest(m);
                    } else {
                        addHistogram(SeriesPoint.of(m), thresholdsUs);
                    }
                }
            }
        }
    }

    /** The idle / free share of a per-state utilization gauge (system.cpu.utilization by state) is no saturation. */
    static boolean idleState(MetricPoint m) {
        for (String key : new String[] {"state", "system.cpu.state", "cpu.mode", "system.memory.state"}) {
            String v = m.getAttributes().get(key);
            if (v != null && (v.equals("idle") || v.equals("free"))) {
                return true;
            }
        }
        return false;
    }

    private void keepNewest(MetricPoint m) {
        String key = SeriesPoint.seriesKey(m);
        SeriesPoint existing = cumulative.get(key);
        if (existing == null ? cumulative.size() < MAX_SERIES : m.getTimeMs() >= existing.timeMs) {
            cumulative.put(key, SeriesPoint.of(m));
        }
    }

    /**
     * Adds one delta histogram of request durations: its count to the requests (and to the errors
     * when it is of failed requests), each bucket's count at the bucket's midpoint (its lower bound
     * for the last, open bucket) to the latency sketch, and the buckets wholly above a latency
     * threshold to that threshold's count. A histogram without buckets (a Summary) adds its mean.
     */
    void addHistogram(SeriesPoint p, long[] thresholdsUs) {
        if (p.count <= 0) {
            return;
        }
        histRequests += p.count;
        if (p.error) {
            histErrors += p.count;
        }
        double f = MetricSignals.msPerUnit(p.unit, p.name);
        if (p.buckets.length == 0) {
            histLatencyMs.accept(Math.max(0, p.value / p.count * f), p.count);
            return;
        }
        for (int i = 0; i < p.buckets.length; i++) {
            long c = p.buckets[i];
            if (c <= 0) {
                continue;
            }
            double lo = i == 0 ? 0 : p.bounds[i - 1];
            double at = i < p.bounds.length ? (lo + p.bounds[i]) / 2 : lo;
            histLatencyMs.accept(Math.max(0, at * f), c);
            for (int j = 0; j < thresholdsUs.length; j++) {
                if (lo * f * 1000.0 >= thresholdsUs[j]) {
                    histOver[j] += c;
                }
            }
        }
    }

    void merge(SignalsAccumulator o) {
        requests += o.requests;
        errorSpans += o.errorSpans;
        http5xx += o.http5xx;
        errorLogs += o.errorLogs;
        logs += o.logs;
        latencyMs.mergeWith(o.latencyMs);
        for (int i = 0; i < overCounts.length; i++) {
            overCounts[i] += o.overCounts[i];
        }
        o.gauges.forEach((k, v) -> gauges.merge(k, v, Math::max));
        o.operations.forEach((k, v) -> {
            OperationAcc mine = operations.get(k);
            if (mine == null) {
                if (operations.size() >= maxOperations) {
                    unlistedOperationSpans += v.total;
                } else {
                    // a copy: the other side may go on changing (the serializer's copy is a merge into an empty one)
                    OperationAcc c = new OperationAcc(0);
                    c.total = v.total;
                    c.errors = v.errors;
                    c.over = v.over.clone();
                    operations.put(k, c);
                }
            } else {
                mine.total += v.total;
                mine.errors += v.errors;
                for (int i = 0; i < mine.over.length; i++) {
                    mine.over[i] += v.over[i];
                }
            }
        });
        for (String e : o.exemplars) {
            offerExemplar(e);
        }
        o.templates.forEach((k, v) -> templates.merge(k, v, Math::max));
        o.counters.forEach((k, v) -> counters.merge(k, v, Double::sum));
        o.cumulative.forEach((k, v) -> {
            SeriesPoint mine = cumulative.get(k);
            if (mine == null ? cumulative.size() < MAX_SERIES : v.timeMs >= mine.timeMs) {
                cumulative.put(k, v.copy());
            }
        });
        histRequests += o.histRequests;
        histErrors += o.histErrors;
        histLatencyMs.mergeWith(o.histLatencyMs);
        for (int i = 0; i < histOver.length && i < o.histOver.length; i++) {
            histOver[i] += o.histOver[i];
        }
        maxLogLines = Math.max(maxLogLines, o.maxLogLines);
        logOverflow += o.logOverflow;
        errorLogOverflow += o.errorLogOverflow;
        unlistedOperationSpans += o.unlistedOperationSpans;
        o.logLines.forEach((k, v) -> addLine(k, v.count, v.errorCount, v.firstMs, v.lastMs));
        while (templates.size() > MAX_TEMPLATES) {
            String oldest = null;
            long oldestTs = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : templates.entrySet()) {
                if (e.getValue() < oldestTs) {
                    oldestTs = e.getValue();
                    oldest = e.getKey();
                }
            }
            templates.remove(oldest);
        }
    }

    /**
     * Keeps the {@code MAX_EXEMPLARS} smallest trace ids of failing requests, sorted: the
     * same exemplars whatever order the window's records arrive in (after a restore too).
     */
    void offerExemplar(String traceId) {
        if (traceId == null) {
            return;
        }
        if (exemplars.size() >= MAX_EXEMPLARS && traceId.compareTo(exemplars.get(exemplars.size() - 1)) >= 0) {
            return;
        }
        int at = java.util.Collections.binarySearch(exemplars, traceId);
        exemplars.add(at >= 0 ? at : -at - 1, traceId);
        if (exemplars.size() > MAX_EXEMPLARS) {
            exemplars.remove(exemplars.size() - 1);
        }
    }
}
