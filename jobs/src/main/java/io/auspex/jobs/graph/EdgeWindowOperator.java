package io.auspex.jobs.graph;

import io.auspex.jobs.window.HeapWindowOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The service graph's edge stats window: per edge ({@link ServiceCall#edge}), tumbling event-time
 * windows whose {@link EdgeStats} live on the heap ({@link HeapWindowOperator}), so a call touches no
 * Flink state (Flink's {@code WindowOperator} of uid {@code graph-edge-window}, which this replaced,
 * read and rewrote the edge's aggregate in RocksDB and registered a timer for every call).
 *
 * <p>Same outputs as that operator ({@code aggregate(EdgeWindowAggregate, StampWindow)}): each call
 * is added with {@link EdgeWindowAggregate#add} in arrival order; a window fires when the watermark
 * reaches its last millisecond, as one {@link EdgeStats} with {@code windowEndMs} = the window's end,
 * stamped {@code end - 1}. A call whose window the watermark has passed is dropped, as the window
 * operator (without a late side output) dropped it, and counted in {@code numLateRecordsDropped},
 * the window operator's metric.
 *
 * <p>State: per subtask the open windows of its edges (1-2 per edge with 10 s windows and 5 s
 * out-of-orderness), cleared when they fire; gauge {@code auspex.graph.openWindows}; keyed map state
 * {@value #STATE_NAME} (window start -> {@code EdgeStats}, Flink's POJO serializer) written only at
 * checkpoints.
 */
public final class EdgeWindowOperator extends HeapWindowOperator<ServiceCall, EdgeStats, EdgeStats> {
    private static final long serialVersionUID = 1L;

    private final EdgeWindowAggregate aggregate;
    private transient Counter lateDropped;

    public EdgeWindowOperator(long sizeMs) {
        super(sizeMs, TypeInformation.of(EdgeStats.class), "graph");
        this.aggregate = new EdgeWindowAggregate();
    }

    @Override
    public void open() throws Exception {
        super.open();
        lateDropped = getMetricGroup().counter("numLateRecordsDropped");
    }

    @Override
    protected EdgeStats add(ServiceCall call, EdgeStats acc) {
        return aggregate.add(call, acc == null ? aggregate.createAccumulator() : acc);
    }

    @Override
    protected void late(StreamRecord<ServiceCall> record) {
        lateDropped.inc();
    }

    @Override
    protected void fire(String edge, long start, long end, EdgeStats acc, TimestampedCollector<EdgeStats> out) {
        acc.windowEndMs = end;
        out.collect(acc);
    }

    /** Calls dropped as late on this subtask. */
    long lateDropped() {
        return lateDropped.getCount();
    }
}
