package io.auspex.jobs.graph;

import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.Telemetry;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Stage 7: caller-callee edges from spans (joined per trace, with the callers' error lines) and their per-window stats. */
public final class GraphStage {
    /**
     * The edge stats window's uid. The heap window ({@link EdgeWindowOperator}) replaced Flink's
     * {@code WindowOperator} of uid {@code graph-edge-window}, whose state it cannot read
     * (docs/operations.md, Upgrade with state).
     */
    public static final String EDGE_WINDOW_UID = "graph-edge-heap-window";

    private GraphStage() {}

    public static DataStream<EdgeStats> wire(DataStream<Telemetry> valid, PipelineConfig cfg) {
        long callErrorLogWindowMs = cfg.get(AuspexOptions.CALL_ERROR_LOG_WINDOW).toMillis();
        // stateless; its uid is that of the filter that kept only spans before the error lines came in
        DataStream<GraphEvent> in = valid.flatMap(new GraphInputs(callErrorLogWindowMs > 0)).uid("spans-only")
                .name("spans and error lines");
        return in
                .keyBy(GraphEvent::traceId, Types.STRING)
                .transform("caller-callee edges", TypeInformation.of(ServiceCall.class),
                        new EdgeExtractor(cfg.get(AuspexOptions.TRACE_TTL).toMillis(),
                                cfg.get(AuspexOptions.GRAPH_MAX_PENDING_SPANS), callErrorLogWindowMs))
                // a new uid: the per-trace keyed state of "graph-edges" (releases before) does not map onto this operator
                .uid("graph-span-pairs")
                .keyBy(ServiceCall::edge)
                .transform("edge stats window", TypeInformation.of(EdgeStats.class),
                        new EdgeWindowOperator(cfg.get(AuspexOptions.WINDOW).toMillis()))
                .uid(EDGE_WINDOW_UID);
    }
}
