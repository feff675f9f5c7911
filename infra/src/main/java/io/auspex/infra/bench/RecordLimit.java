package io.auspex.infra.bench;

import io.auspex.infra.sim.TelemetrySink;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;

/**
 * Passes on the first {@code limit} records and counts them by kind; at the limit it interrupts
 * the simulator's thread, which stops at the end of the event-time second it is in, and drops
 * whatever that second still delivers. The caller clears the interrupt flag afterwards
 * ({@link Thread#interrupted()}) before it flushes the producer.
 */
final class RecordLimit implements TelemetrySink {
    private final TelemetrySink next;
    private final long limit;
    long spans;
    long servedSpans;
    long metrics;
    long logs;

    RecordLimit(TelemetrySink next, long limit) {
        this.next = next;
        this.limit = limit;
    }

    long records() {
        return spans + metrics + logs;
    }

    boolean reached() {
        return records() >= limit;
    }

    private boolean admit() {
        return !reached();
    }

    /** After the last record went on (so no send happens with the flag set). */
    private void stopAtLimit() {
        if (reached()) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void span(Span span) {
        if (admit()) {
            spans++;
            if (span.getKind() == SpanKind.SERVER || span.getKind() == SpanKind.CONSUMER) {
                servedSpans++;
            }
            next.span(span);
            stopAtLimit();
        }
    }

    @Override
    public void metric(MetricPoint metric) {
        if (admit()) {
            metrics++;
            next.metric(metric);
            stopAtLimit();
        }
    }

    @Override
    public void log(LogRecord log) {
        if (admit()) {
            logs++;
            next.log(log);
            stopAtLimit();
        }
    }
}
