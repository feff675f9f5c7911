package io.auspex.jobs.rca;

import io.auspex.jobs.anomaly.AnomalyStage;
import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.jobs.state.WriteBehindOperator;
import io.auspex.schemas.Alert;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Stages 8-9: root-cause hints on every alert. The evidence and edges update each service's
 * root-cause state (keyed by service, {@link RcaServiceState}), whose views are broadcast to the
 * enricher (keyed by the alerting service, {@link RootCauseEnricher}); alerts held until the
 * watermark.
 */
public final class RcaStage {
    private RcaStage() {}

    /** The alerts, enriched and in event-time order per service; the edge-wait alerts among them. */
    public static DataStream<Alert> wire(DataStream<ServiceEvidence> evidence, DataStream<EdgeStats> edges,
            DataStream<Alert> alerts, PipelineConfig cfg) {
        long lookbackMs = cfg.get(AuspexOptions.RCA_LOOKBACK).toMillis();
        long edgeTtlMs = cfg.get(AuspexOptions.EDGE_TTL).toMillis();
        DataStream<RcaInput> in = evidence.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-evidence")
                .union(edges.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-edges"));
        RcaServiceState fn = new RcaServiceState(lookbackMs, edgeTtlMs, cfg.get(AuspexOptions.EVIDENCE_THRESHOLD),
                cfg.get(AuspexOptions.RCA_EDGE_ALERT_SURPRISE))
                .withMaxCallers(cfg.get(AuspexOptions.MAX_CALLERS_PER_SERVICE))
                .withEdgeFailures(AnomalyStage.countEvidence(cfg), cfg.get(AuspexOptions.RCA_EDGE_ERROR_ALERTS));
        int cacheServices = WriteBehindOperator.checkedOption(AuspexOptions.RCA_STATE_CACHE_SERVICES.key(),
                cfg.get(AuspexOptions.RCA_STATE_CACHE_SERVICES));
        SingleOutputStreamOperator<ServiceView> views = in.keyBy(RcaInput::key)
                .transform("root-cause state per service", TypeInformation.of(ServiceView.class),
                        new RcaServiceOperator(fn, cacheServices))
                .uid("rca-service-state");
        return alerts.union(views.getSideOutput(RcaServiceState.EDGE_ALERTS))
                .keyBy(Alert::getService)
                .connect(views.broadcast(RootCauseEnricher.VIEWS))
                .process(new RootCauseEnricher(lookbackMs, edgeTtlMs, cfg.get(AuspexOptions.RCA_EDGE_EVIDENCE)))
                .uid("rca-ranking").name("root-cause enricher");
    }
}
