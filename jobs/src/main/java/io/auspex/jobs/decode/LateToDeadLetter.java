package io.auspex.jobs.decode;

import io.auspex.schemas.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * A record that arrived after its window closed is not dropped: it goes to the dead-letter topic
 * with reason {@code late}, re-encoded in the wire format, with its origin. Stateless.
 */
public final class LateToDeadLetter extends RichMapFunction<Telemetry, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final DeadLetters deadLetters = new DeadLetters();
    private transient Counter late;

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().addGroup("auspex").addGroup("deadLetters").counter("late");
    }

    @Override
    public DeadLetter map(Telemetry t) {
        late.inc();
        return deadLetters.of(t, "late", "event time " + t.eventTimeMs() + " arrived after its window closed");
    }
}
