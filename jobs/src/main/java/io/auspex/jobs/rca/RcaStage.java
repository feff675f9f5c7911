package io.auspex.jobs.rca;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.schemas.Alert;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Stages 8-9: root-cause hints on every alert, from the evidence and the service graph; alerts held until the watermark. */
public final class RcaStage {
    private RcaStage() {}

    /** The alerts, enriched and in event-time order per key. */
    public static DataStream<Alert> wire(DataStream<ServiceEvidence> evidence, DataStream<EdgeStats> edges,
            DataStream<Alert> alerts, PipelineConfig cfg) {
        DataStream<RcaInput> in = evidence.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-evidence")
                .union(edges.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-edges"),
                        alerts.map(RcaInput::of).returns(RcaInput.class).uid("rca-in-alerts"));
        return in.keyBy(RcaInput::key)
                .process(new RootCauseEnricher(cfg.get(AuspexOptions.RCA_LOOKBACK).toMillis(),
                        cfg.get(AuspexOptions.EDGE_TTL).toMillis(), cfg.get(AuspexOptions.EVIDENCE_THRESHOLD),
                        cfg.get(AuspexOptions.RCA_EDGE_ALERT_SURPRISE)))
                .uid("rca-enricher").name("root-cause enricher");
    }
}
