package io.auspex.jobs.decode;

import io.auspex.schemas.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Routes dead letters to a side output; valid telemetry continues. Stateless. Handing a record on
 * (partitioning it by service, serializing it for the network) that throws makes it a dead letter
 * {@code operator_error} ({@link Containment}) unless containment is off.
 */
public final class DeadLetterSplitter extends ProcessFunction<Telemetry, Telemetry> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final boolean contain;
    private final DeadLetters deadLetters = new DeadLetters();
    private transient Counter operatorErrors;

    public DeadLetterSplitter() {
        this(true);
    }

    public DeadLetterSplitter(boolean contain) {
        this.contain = contain;
    }

    @Override
    public void open(OpenContext ctx) {
        operatorErrors = getRuntimeContext().getMetricGroup().addGroup("auspex").addGroup("deadLetters")
                .counter(Containment.REASON);
    }

    @Override
    public void processElement(Telemetry t, Context ctx, Collector<Telemetry> out) {
        if (t.isDeadLetter()) {
            ctx.output(DEAD_LETTERS, t.deadLetter);
            return;
        }
        try {
            out.collect(t);
        } catch (RuntimeException | StackOverflowError e) {
            if (!contain || !Containment.containable(e)) {
                throw e;
            }
            operatorErrors.inc();
            ctx.output(DEAD_LETTERS, deadLetters.of(t, Containment.REASON,
                    Containment.describe("dead-letter split (handing the record on)", e)));
        }
    }
}
