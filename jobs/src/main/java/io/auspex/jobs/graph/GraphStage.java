package io.auspex.jobs.graph;

import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.SpanOnly;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.Span;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/** Stage 7: caller-callee edges from spans (joined per trace) and their per-window stats. */
public final class GraphStage {
    private GraphStage() {}

    public static DataStream<EdgeStats> wire(DataStream<Telemetry> valid, PipelineConfig cfg) {
        DataStream<Span> spans = valid.flatMap(new SpanOnly()).uid("spans-only").name("spans");
        return spans
                .keyBy(Span::getTraceId)
                .transform("caller-callee edges", TypeInformation.of(ServiceCall.class),
                        new EdgeExtractor(cfg.get(AuspexOptions.TRACE_TTL).toMillis(),
                                cfg.get(AuspexOptions.GRAPH_MAX_PENDING_SPANS)))
                // a new uid: the per-trace keyed state of "graph-edges" (releases before) does not map onto this operator
                .uid("graph-span-pairs")
                .keyBy(ServiceCall::edge)
                .window(TumblingEventTimeWindows.of(cfg.get(AuspexOptions.WINDOW)))
                .aggregate(new EdgeWindowAggregate(), new EdgeWindowAggregate.StampWindow())
                .uid("graph-edge-window").name("edge stats window");
    }
}
