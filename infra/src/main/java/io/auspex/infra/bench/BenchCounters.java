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

    /** Adds up the window rows of the bare job. */
    static final class OfSpanCounts extends RichMapFunction<BareWindowJob.SpanCount, Long> {
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

        @Override
        public Long map(BareWindowJob.SpanCount c) {
            spans.add(c.spans);
            requests.add(c.requests);
            windows.add(1L);
            return c.spans;
        }
    }

    /** Adds up the result rows of the SQL query (columns as in {@link SqlWindowJob#QUERY}). */
    static final class OfSqlRows extends RichMapFunction<Row, Long> {
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

        @Override
        public Long map(Row r) {
            long n = r.<Long>getFieldAs(SqlWindowJob.COLUMN_SPANS);
            spans.add(n);
            requests.add(r.<Long>getFieldAs(SqlWindowJob.COLUMN_REQUESTS));
            windows.add(1L);
            return n;
        }
    }
}
