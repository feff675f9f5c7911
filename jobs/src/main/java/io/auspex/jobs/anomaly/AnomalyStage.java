package io.auspex.jobs.anomaly;

import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.state.WriteBehindOperator;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.schemas.Alert;
import io.auspex.schemas.ServiceSignals;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Stage 6: anomaly evidence per service and window (baselines, detectors, model) and the anomaly alert rule. */
public final class AnomalyStage {
    private AnomalyStage() {}

    /** The evidence of every window, and the anomaly alerts (none when {@code auspex.anomaly.alert-windows} is 0). */
    public record Outputs(DataStream<ServiceEvidence> evidence, Optional<DataStream<Alert>> alerts) {}

    /** The count-aware evidence the options ask for, or null when it is off. */
    public static CountEvidence countEvidence(PipelineConfig cfg) {
        if (!cfg.get(AuspexOptions.COUNT_EVIDENCE)) {
            return null;
        }
        return new CountEvidence(CountEvidence.Config.defaults().withBar(cfg.get(AuspexOptions.COUNT_EVIDENCE_BAR),
                cfg.get(AuspexOptions.COUNT_EVIDENCE_DRIFT)), CountEvidence.DEFAULT_LADDER_MS);
    }

    /** The metric evidence the options ask for, or null when it is off. */
    static MetricEvidence metricEvidence(PipelineConfig cfg) {
        if (!cfg.get(AuspexOptions.METRIC_EVIDENCE)) {
            return null;
        }
        return new MetricEvidence(new MetricEvidence.Config(cfg.get(AuspexOptions.METRIC_EVIDENCE_INCLUDE),
                cfg.get(AuspexOptions.METRIC_EVIDENCE_EXCLUDE), cfg.get(AuspexOptions.METRIC_EVIDENCE_MAX_METRICS),
                cfg.get(AuspexOptions.GAUGE_STALENESS).toMillis(), cfg.get(AuspexOptions.RETIRE_AFTER).toMillis(),
                cfg.get(AuspexOptions.METRIC_EVIDENCE_ALERTS)));
    }

    /** {@code auspex.anomaly.state-cache-services} when valid (-1, 0 or more); fails at start-up otherwise. */
    static int checkedCacheOption(int option) {
        return WriteBehindOperator.checkedOption(AuspexOptions.STATE_CACHE_SERVICES.key(), option);
    }

    public static Outputs wire(DataStream<ServiceSignals> signals, PipelineConfig cfg, WindowScorer model) {
        EvidenceFunction fn = new EvidenceFunction(cfg.get(AuspexOptions.EVIDENCE_THRESHOLD),
                cfg.get(AuspexOptions.DETECTOR_THRESHOLD), cfg.get(AuspexOptions.RETIRE_AFTER).toMillis(),
                model, countEvidence(cfg), metricEvidence(cfg));
        EvidenceOperator op = new EvidenceOperator(cfg.get(AuspexOptions.COUNT_EVIDENCE_TEMPLATES) ? fn
                : fn.withoutTemplateEvidence(), checkedCacheOption(cfg.get(AuspexOptions.STATE_CACHE_SERVICES)));
        SingleOutputStreamOperator<ServiceEvidence> evidence = signals
                .keyBy(ServiceSignals::getServiceName)
                .transform("anomaly evidence", TypeInformation.of(ServiceEvidence.class), op)
                .uid("anomaly-evidence");
        int windows = cfg.get(AuspexOptions.ANOMALY_ALERT_WINDOWS);
        if (windows == 0) {
            return new Outputs(evidence, Optional.empty());
        }
        DataStream<Alert> alerts = evidence.keyBy(e -> e.service)
                .process(new AnomalyAlertFunction(windows))
                .uid("anomaly-alerts").name("anomaly alerts");
        return new Outputs(evidence, Optional.of(alerts));
    }
}
