package io.auspex.infra.otlp;

import com.google.protobuf.Message;
import io.auspex.infra.sim.TelemetryStream;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups records into OTLP batches as the Collector's batch processor sends them: a batch per
 * signal goes out when it holds {@link #BATCH_RECORDS} records or spans more than
 * {@link #BATCH_SPAN_MS} ms of event time. Not thread-safe.
 */
public final class OtlpBatcher {
    public static final int BATCH_RECORDS = 512;
    public static final long BATCH_SPAN_MS = 1_000;

    /** Receives each finished batch with the newest event time in it. */
    @FunctionalInterface
    public interface Out {
        void batch(TelemetryStream stream, long newestEventMs, Message batch);
    }

    private final Out out;
    private final List<Span> spans = new ArrayList<>();
    private final List<MetricPoint> metrics = new ArrayList<>();
    private final List<LogRecord> logs = new ArrayList<>();
    private final long[] firstMs = new long[3];
    private final long[] newestMs = new long[3];

    public OtlpBatcher(Out out) {
        this.out = out;
    }

    public void span(Span s) {
        add(TelemetryStream.SPANS, spans, s, s.getStartTimeMs());
    }

    public void metric(MetricPoint m) {
        add(TelemetryStream.METRICS, metrics, m, m.getTimeMs());
    }

    public void log(LogRecord l) {
        add(TelemetryStream.LOGS, logs, l, l.getTimeMs());
    }

    private <T> void add(TelemetryStream stream, List<T> buffer, T record, long eventMs) {
        int i = stream.ordinal();
        if (!buffer.isEmpty() && (buffer.size() >= BATCH_RECORDS || Math.abs(eventMs - firstMs[i]) > BATCH_SPAN_MS)) {
            flush(stream);
        }
        if (buffer.isEmpty()) {
            firstMs[i] = eventMs;
            newestMs[i] = eventMs;
        }
        buffer.add(record);
        newestMs[i] = Math.max(newestMs[i], eventMs);
    }

    /** Sends the open batch of {@code stream}, if any. */
    public void flush(TelemetryStream stream) {
        List<?> buffer = switch (stream) {
            case SPANS -> spans;
            case METRICS -> metrics;
            case LOGS -> logs;
        };
        if (buffer.isEmpty()) {
            return;
        }
        Message batch = switch (stream) {
            case SPANS -> OtlpEncoder.traces(spans);
            case METRICS -> OtlpEncoder.metrics(metrics);
            case LOGS -> OtlpEncoder.logs(logs);
        };
        buffer.clear();
        out.batch(stream, newestMs[stream.ordinal()], batch);
    }

    /** Sends every open batch. */
    public void flushAll() {
        for (TelemetryStream s : TelemetryStream.values()) {
            flush(s);
        }
    }
}
