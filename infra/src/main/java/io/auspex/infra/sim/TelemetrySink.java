package io.auspex.infra.sim;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;

/**
 * Where the simulator delivers its telemetry, one record at a time, roughly in event-time order
 * (at most {@link SimulatorConfig#maxOutOfOrdernessMs()} out of order). Called from the
 * simulator's thread only.
 */
public interface TelemetrySink {

    /** One finished span. */
    void span(Span span);

    /** One gauge sample. */
    void metric(MetricPoint metric);

    /** One log line. */
    void log(LogRecord log);

    /**
     * One record that is deliberately wrong for its topic (see {@link MalformedKind}). Sinks that
     * cannot carry raw bytes may ignore it, which is what this default does.
     */
    default void malformed(MalformedRecord record) {
    }

    /**
     * Every record of event time before {@code eventMs} has been delivered (called once per simulated
     * second, after its records): a sink that batches can send its open batches here, as the
     * Collector's batch processor does on its timeout. Does nothing by default.
     */
    default void secondDone(long eventMs) {
    }

    /** A sink that drops everything: for measuring generation alone. */
    static TelemetrySink discard() {
        return new TelemetrySink() {
            @Override
            public void span(Span span) {
            }

            @Override
            public void metric(MetricPoint metric) {
            }

            @Override
            public void log(LogRecord log) {
            }
        };
    }
}
