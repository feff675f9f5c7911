package io.auspex.infra.bench;

import com.datadoghq.sketch.ddsketch.DDSketch;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code DDSKETCH_P99(latency_ms)}: the 99th percentile of a column from a DDSketch with 1 %
 * relative accuracy, as the pipeline computes latency. Mergeable, so the planner can aggregate
 * locally before the shuffle (TWO_PHASE) and merge the partial sketches after it.
 */
@FunctionHint(
        accumulator = @DataTypeHint(value = "RAW", bridgedTo = DDSketch.class, rawSerializer = DDSketchSerializer.class),
        output = @DataTypeHint("DOUBLE"))
public final class DDSketchP99 extends AggregateFunction<Double, DDSketch> {
    private static final long serialVersionUID = 1L;

    @Override
    public DDSketch createAccumulator() {
        return DDSketchSerializer.newSketch();
    }

    public void accumulate(DDSketch acc, Double value) {
        if (value != null) {
            acc.accept(value);
        }
    }

    public void merge(DDSketch acc, Iterable<DDSketch> others) {
        for (DDSketch o : others) {
            acc.mergeWith(o);
        }
    }

    @Override
    public Double getValue(DDSketch acc) {
        return acc.isEmpty() ? null : acc.getValueAtQuantile(0.99);
    }
}
