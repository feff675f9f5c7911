package io.auspex.infra.bench;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.types.Row;

/**
 * What the SQL and bare jobs counted, as Flink accumulators read from the job result: the spans
 * and served spans their windows held, and the number of window rows. Both jobs end in a
 * discarding sink; these maps sit just before it.
 */
final class BenchCounters {
    static final String SPANS = "bench.spans";
    static final String REQUESTS = "bench.requests";
    static final String WINDOWS = "bench.windows";

    private BenchCounters() {}

    /** The three accumulators, and one window row added to them. */
    abstract static class Counting<T> extends RichMapFunction<T, Long> {
        private static final long serialVersionUID = 1L;
        private transient LongCounter spans;
        private transient LongCounter requests;
        private transient LongCounter windows;

        @Override
        public void open(OpenContext ctx) {
            spans = getRuntimeContext().getLongCounter(SPANS);
            requests = getRuntimeContext().getLongCounter(REQUESTS);
            windows = getRuntimeContext().getLongCounter(WINDOWS);
        }

        /** Counts one window row of {@code spanCount} spans, {@code requestCount} of them served. */
        final Long count(long spanCount, long requestCount) {
            spans.add(spanCount);
            requests.add(requestCount);
            windows.add(1L);
            return spanCount;
        }
    }

    /** Adds up the window rows of the bare job. */
    static final class OfSpanCounts extends Counting<BareWindowJob.SpanCount> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(BareWindowJob.SpanCount c) {
            return count(c.spans, c.requests);
        }
    }

    /** Adds up the result rows of the SQL query (columns as in {@link SqlWindowJob#QUERY}). */
    static final class OfSqlRows extends Counting<Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Row r) {
            return count(r.<Long>getFieldAs(SqlWindowJob.COLUMN_SPANS),
                    r.<Long>getFieldAs(SqlWindowJob.COLUMN_REQUESTS));
        }
    }
}
