package io.auspex.jobs.graph;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Counts the calls of one edge in one window (a {@link ServiceCall#failureOnly} record counts as a failure only). */
public final class EdgeWindowAggregate implements AggregateFunction<ServiceCall, EdgeStats, EdgeStats> {
    private static final long serialVersionUID = 1L;

    @Override
    public EdgeStats createAccumulator() {
        return new EdgeStats();
    }

    @Override
    public EdgeStats add(ServiceCall c, EdgeStats acc) {
        acc.caller = c.caller;
        acc.callee = c.callee;
        if (c.failureOnly) {
            // a call counted before, found failed in the caller's log
            acc.errors++;
            return acc;
        }
        acc.calls++;
        if (c.error) {
            acc.errors++;
        }
        acc.sumDurationUs += c.durationUs;
        if (c.gapUs >= 0) {
            acc.sumGapUs += c.gapUs;
            acc.gapCount++;
            acc.countGap(c.gapUs);
        }
        return acc;
    }

    @Override
    public EdgeStats getResult(EdgeStats acc) {
        return acc;
    }

    @Override
    public EdgeStats merge(EdgeStats a, EdgeStats b) {
        a.calls += b.calls;
        a.errors += b.errors;
        a.sumDurationUs += b.sumDurationUs;
        a.sumGapUs += b.sumGapUs;
        a.gapCount += b.gapCount;
        if (b.gapOver != null) {
            if (a.gapOver == null) {
                a.gapOver = new long[EdgeStats.GAP_STEPS_MS.length];
            }
            for (int k = 0; k < Math.min(a.gapOver.length, b.gapOver.length); k++) {
                a.gapOver[k] += b.gapOver[k];
            }
        }
        if (a.caller == null) {
            a.caller = b.caller;
            a.callee = b.callee;
        }
        return a;
    }

    /** Stamps the window end on the result. */
    public static final class StampWindow extends ProcessWindowFunction<EdgeStats, EdgeStats, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String edge, Context ctx, Iterable<EdgeStats> in, Collector<EdgeStats> out) {
            for (EdgeStats e : in) {
                e.windowEndMs = ctx.window().getEnd();
                out.collect(e);
            }
        }
    }
}
