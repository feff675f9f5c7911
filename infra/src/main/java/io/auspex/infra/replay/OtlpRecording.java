package io.auspex.infra.replay;

import com.google.protobuf.Message;
import io.auspex.jobs.decode.otlp.OtlpJson;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongBinaryOperator;
import java.util.zip.GZIPInputStream;

/**
 * A recording of telemetry: OTLP/JSON lines, the OpenTelemetry Collector file exporter's default
 * format (one {@code TracesData}, {@code MetricsData} or {@code LogsData} object per line; hex ids,
 * integer enums), optionally gzip-compressed ({@code .gz}). {@code ./auspex record} writes it and
 * {@code ./auspex replay} reads it; any captured telemetry converted to OTLP/JSON replays.
 */
public final class OtlpRecording {
    private OtlpRecording() {}

    /** The signal of one batch. */
    public enum Signal { TRACES, METRICS, LOGS }

    /** One line of a recording. */
    public record Batch(Signal signal, Message data) {
        public byte[] protobuf() {
            return data.toByteArray();
        }
    }

    /** Handles each batch of a recording, in file order. */
    @FunctionalInterface
    public interface BatchHandler {
        void accept(long line, Batch batch) throws Exception;
    }

    /**
     * Reads {@code file} line by line; blank lines are skipped.
     *
     * @throws IOException naming the file and line of a line that is not one OTLP/JSON batch
     */
    public static void read(Path file, BatchHandler handler) throws Exception {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Batch b;
                try {
                    b = parse(line);
                } catch (IOException e) {
                    throw new IOException(file + ":" + n + ": " + e.getMessage(), e);
                }
                handler.accept(n, b);
            }
        }
    }

    /** One OTLP/JSON line; the signal is told by its top-level key. */
    public static Batch parse(String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int spans = line.indexOf("\"resourceSpans\"");
        int metrics = line.indexOf("\"resourceMetrics\"");
        int logs = line.indexOf("\"resourceLogs\"");
        int first = min(spans, metrics, logs);
        if (first < 0) {
            throw new IOException("not an OTLP/JSON batch: no resourceSpans, resourceMetrics or resourceLogs");
        }
        if (first == spans) {
            return new Batch(Signal.TRACES, OtlpJson.traces(bytes));
        } else if (first == metrics) {
            return new Batch(Signal.METRICS, OtlpJson.metrics(bytes));
        }
        return new Batch(Signal.LOGS, OtlpJson.logs(bytes));
    }

    private static int min(int... xs) {
        int m = -1;
        for (int x : xs) {
            if (x >= 0 && (m < 0 || x < m)) {
                m = x;
            }
        }
        return m;
    }

    /** The batch as one OTLP/JSON line (no newline). */
    public static String line(Message batch) {
        return OtlpJson.print(batch);
    }

    /** Earliest and latest event time (ns) of a batch; {@code {Long.MAX_VALUE, Long.MIN_VALUE}} when it has none. */
    public static long[] timeRange(Batch b) {
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        shift(b, 0, (t, ignored) -> {
            if (t != 0) {
                range[0] = Math.min(range[0], t);
                range[1] = Math.max(range[1], t);
            }
            return t;
        });
        return range;
    }

    /** The batch with every event timestamp moved by {@code shiftNs} (zero timestamps, meaning unset, stay zero). */
    public static Batch shift(Batch b, long shiftNs) {
        return shift(b, shiftNs, (t, s) -> t == 0 ? 0 : t + s);
    }

    private static Batch shift(Batch b, long shiftNs, LongBinaryOperator f) {
        return switch (b.signal()) {
            case TRACES -> new Batch(Signal.TRACES, shiftTraces((TracesData) b.data(), shiftNs, f));
            case METRICS -> new Batch(Signal.METRICS, shiftMetrics((MetricsData) b.data(), shiftNs, f));
            case LOGS -> new Batch(Signal.LOGS, shiftLogs((LogsData) b.data(), shiftNs, f));
        };
    }

    private static TracesData shiftTraces(TracesData d, long s, LongBinaryOperator f) {
        TracesData.Builder b = d.toBuilder();
        for (ResourceSpans.Builder rs : b.getResourceSpansBuilderList()) {
            for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
                for (Span.Builder span : ss.getSpansBuilderList()) {
                    span.setStartTimeUnixNano(f.applyAsLong(span.getStartTimeUnixNano(), s));
                    span.setEndTimeUnixNano(f.applyAsLong(span.getEndTimeUnixNano(), s));
                    for (Span.Event.Builder e : span.getEventsBuilderList()) {
                        e.setTimeUnixNano(f.applyAsLong(e.getTimeUnixNano(), s));
                    }
                }
            }
        }
        return b.build();
    }

    private static MetricsData shiftMetrics(MetricsData d, long s, LongBinaryOperator f) {
        MetricsData.Builder b = d.toBuilder();
        for (ResourceMetrics.Builder rm : b.getResourceMetricsBuilderList()) {
            for (ScopeMetrics.Builder sm : rm.getScopeMetricsBuilderList()) {
                for (Metric.Builder m : sm.getMetricsBuilderList()) {
                    switch (m.getDataCase()) {
                        case GAUGE -> m.getGaugeBuilder().getDataPointsBuilderList().forEach(p -> number(p, s, f));
                        case SUM -> m.getSumBuilder().getDataPointsBuilderList().forEach(p -> number(p, s, f));
                        case HISTOGRAM -> {
                            for (HistogramDataPoint.Builder p : m.getHistogramBuilder().getDataPointsBuilderList()) {
                                p.setTimeUnixNano(f.applyAsLong(p.getTimeUnixNano(), s));
                                p.setStartTimeUnixNano(f.applyAsLong(p.getStartTimeUnixNano(), s));
                            }
                        }
                        case EXPONENTIAL_HISTOGRAM -> {
                            for (ExponentialHistogramDataPoint.Builder p
                                    : m.getExponentialHistogramBuilder().getDataPointsBuilderList()) {
                                p.setTimeUnixNano(f.applyAsLong(p.getTimeUnixNano(), s));
                                p.setStartTimeUnixNano(f.applyAsLong(p.getStartTimeUnixNano(), s));
                            }
                        }
                        case SUMMARY -> {
                            for (SummaryDataPoint.Builder p : m.getSummaryBuilder().getDataPointsBuilderList()) {
                                p.setTimeUnixNano(f.applyAsLong(p.getTimeUnixNano(), s));
                                p.setStartTimeUnixNano(f.applyAsLong(p.getStartTimeUnixNano(), s));
                            }
                        }
                        default -> {
                            // no data points to move
                        }
                    }
                }
            }
        }
        return b.build();
    }

    private static void number(NumberDataPoint.Builder p, long s, LongBinaryOperator f) {
        p.setTimeUnixNano(f.applyAsLong(p.getTimeUnixNano(), s));
        p.setStartTimeUnixNano(f.applyAsLong(p.getStartTimeUnixNano(), s));
    }

    private static LogsData shiftLogs(LogsData d, long s, LongBinaryOperator f) {
        LogsData.Builder b = d.toBuilder();
        for (ResourceLogs.Builder rl : b.getResourceLogsBuilderList()) {
            for (ScopeLogs.Builder sl : rl.getScopeLogsBuilderList()) {
                for (LogRecord.Builder l : sl.getLogRecordsBuilderList()) {
                    l.setTimeUnixNano(f.applyAsLong(l.getTimeUnixNano(), s));
                    l.setObservedTimeUnixNano(f.applyAsLong(l.getObservedTimeUnixNano(), s));
                }
            }
        }
        return b.build();
    }
}
