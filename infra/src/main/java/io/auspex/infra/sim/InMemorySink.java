package io.auspex.infra.sim;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps everything it receives, in arrival order: for tests and small runs. Not thread-safe. */
public final class InMemorySink implements TelemetrySink {

    private final List<Span> spans = new ArrayList<>();
    private final List<MetricPoint> metrics = new ArrayList<>();
    private final List<LogRecord> logs = new ArrayList<>();
    private final List<MalformedRecord> malformed = new ArrayList<>();

    @Override
    public void span(Span span) {
        spans.add(span);
    }

    @Override
    public void metric(MetricPoint metric) {
        metrics.add(metric);
    }

    @Override
    public void log(LogRecord log) {
        logs.add(log);
    }

    @Override
    public void malformed(MalformedRecord record) {
        malformed.add(record);
    }

    public List<Span> spans() {
        return Collections.unmodifiableList(spans);
    }

    public List<MetricPoint> metrics() {
        return Collections.unmodifiableList(metrics);
    }

    public List<LogRecord> logs() {
        return Collections.unmodifiableList(logs);
    }

    public List<MalformedRecord> malformed() {
        return Collections.unmodifiableList(malformed);
    }
}
