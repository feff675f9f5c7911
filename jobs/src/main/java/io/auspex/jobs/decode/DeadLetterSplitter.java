package io.auspex.jobs.decode;

import io.auspex.schemas.DeadLetter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Routes dead letters to a side output; valid telemetry continues. Stateless. */
public final class DeadLetterSplitter extends ProcessFunction<Telemetry, Telemetry> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    @Override
    public void processElement(Telemetry t, Context ctx, Collector<Telemetry> out) {
        if (t.isDeadLetter()) {
            ctx.output(DEAD_LETTERS, t.deadLetter);
        } else {
            out.collect(t);
        }
    }
}
