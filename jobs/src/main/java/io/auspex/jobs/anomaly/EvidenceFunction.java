package io.auspex.jobs.anomaly;

import io.auspex.jobs.signals.LatencyLadder;
import io.auspex.models.detector.StreamingDetector;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.models.evidence.CountEvidenceState;
import io.auspex.schemas.LogTemplateCount;
import io.auspex.schemas.ServiceSignals;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by service: scores each window's golden signals against the service's streaming
 * baselines ({@link SignalBaselines}: how strongly a signal moved), the streaming detector
 * ({@link OnsetDetectors}: which signals began to move) and the multivariate model, and emits the
 * evidence.
 *
 * <p>And, unless it is off, the count-aware evidence ({@link CountEvidence}): exact tests of the
 * window's errors, error log lines and requests over each latency-ladder step against the
 * service's own baselines, accumulated over windows, so a strong change in a quiet service is
 * evidence within one or two windows.
 *
 * <p>And, unless it is off, the metric evidence ({@link MetricEvidence}): a baseline per gauge and
 * counter the service sends (include/exclude globs, a bounded number per service). It feeds
 * {@link ServiceEvidence#metricStrength} and {@link ServiceEvidence#metricSignals}, which root-cause
 * ranking reads; only with {@link MetricEvidence.Config#alerts()} does it join {@code strength} and
 * {@code movedSignals}, which the anomaly alert rule reads.
 *
 * <p>State: one {@link SignalBaselines.BaselineState}, the service's onset detectors
 * ({@link OnsetDetectors#descriptor()}, objects scored in place), one {@link CountEvidenceState} and
 * one {@link MetricEvidenceState} (not written while the service sends no followed metric)
 * per service. <b>Cleared</b> by an
 * event-time timer when a service sends no window for {@code retireMs} (a retired service); the
 * timers are rounded up to the hour, so at most one per hour is pending per service.
 */
public final class EvidenceFunction extends KeyedProcessFunction<String, ServiceSignals, ServiceEvidence> {
    private static final long serialVersionUID = 1L;
    static final long TIMER_GRAIN_MS = 3_600_000L;
    /** Name of the keyed state of the metric evidence. */
    public static final String METRIC_STATE = "metric-evidence";

    private final double signalThreshold;
    private final double detectorThreshold;
    private final long retireMs;
    private final WindowScorer model;
    private final CountEvidence counts;
    private final MetricEvidence metrics;
    /** Error lines per log template count as evidence (off only to measure what they add). */
    private boolean templateEvidence = true;
    private transient ValueState<SignalBaselines.BaselineState> baselines;
    private transient ValueState<MetricEvidenceState> metricState;
    private transient Counter unfollowed;
    private transient ValueState<CountEvidenceState> countState;
    private transient ValueState<StreamingDetector[]> detectors;

    /**
     * @param signalThreshold baseline score at which a signal counts as moved
     * @param detectorThreshold streaming-detector score at which a signal's move begins
     * @param model may be null: then evidence comes from the per-signal baselines alone
     */
    public EvidenceFunction(double signalThreshold, double detectorThreshold, long retireMs, WindowScorer model) {
        this(signalThreshold, detectorThreshold, retireMs, model, null);
    }

    /** @param counts the count-aware evidence; null turns it off */
    public EvidenceFunction(double signalThreshold, double detectorThreshold, long retireMs, WindowScorer model,
            CountEvidence counts) {
        this(signalThreshold, detectorThreshold, retireMs, model, counts, null);
    }

    /**
     * @param counts the count-aware evidence; null turns it off
     * @param metrics the metric evidence; null turns it off
     */
    public EvidenceFunction(double signalThreshold, double detectorThreshold, long retireMs, WindowScorer model,
            CountEvidence counts, MetricEvidence metrics) {
        this.counts = counts;
        this.metrics = metrics;
        this.signalThreshold = signalThreshold;
        this.detectorThreshold = detectorThreshold;
        this.retireMs = retireMs;
        this.model = model;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        baselines = getRuntimeContext().getState(
                new ValueStateDescriptor<>("signal-baselines", Types.POJO(SignalBaselines.BaselineState.class)));
        detectors = getRuntimeContext().getState(OnsetDetectors.descriptor());
        countState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("count-evidence", Types.POJO(CountEvidenceState.class)));
        metricState = getRuntimeContext().getState(
                new ValueStateDescriptor<>(METRIC_STATE, Types.POJO(MetricEvidenceState.class)));
        unfollowed = getRuntimeContext().getMetricGroup().addGroup("auspex").addGroup("anomaly")
                .counter("metricsUnfollowed");
        if (model != null) {
            model.open();
        }
    }

    @Override
    public void processElement(ServiceSignals s, Context ctx, Collector<ServiceEvidence> out) throws Exception {
        SignalBaselines.BaselineState state = baselines.value();
        if (state == null) {
            state = new SignalBaselines.BaselineState();
        }
        double[] scores = SignalBaselines.scoreAndUpdate(state, s);
        StreamingDetector[] onsetDetectors = detectors.value();
        if (onsetDetectors == null) {
            // first window of the service, or after a restore from a savepoint of the byte form
            onsetDetectors = OnsetDetectors.of(state);
        }
        double[] onset = OnsetDetectors.score(onsetDetectors, s);
        detectors.update(onsetDetectors);
        state.lastWindowEndMs = Math.max(state.lastWindowEndMs, s.getWindowEndMs());
        baselines.update(state);
        // one timer per hour of event time per service, not one per window
        ctx.timerService().registerEventTimeTimer((s.getWindowEndMs() + retireMs) / TIMER_GRAIN_MS * TIMER_GRAIN_MS
                + TIMER_GRAIN_MS);

        ServiceEvidence e = new ServiceEvidence();
        e.service = s.getServiceName();
        e.windowEndMs = s.getWindowEndMs();
        double max = 0;
        for (double v : scores) {
            max = Math.max(max, v);
        }
        e.strength = max;
        List<String> moved = SignalBaselines.moved(scores, signalThreshold);
        e.movedSignals = moved.toArray(new String[0]);
        e.onsetSignals = SignalBaselines.moved(onset, detectorThreshold).toArray(new String[0]);
        if (model != null && state.count > SignalBaselines.WARM_UP) {
            e.modelScore = model.score(s);
            e.modelAnomalous = model.isAnomalous(e.modelScore);
        } else {
            e.modelScore = Double.NaN;
        }
        if (counts != null) {
            CountEvidenceState cs = countState.value();
            if (cs == null) {
                cs = new CountEvidenceState();
            }
            CountEvidence.Result r = counts.observe(cs, new CountEvidence.Window(s.getWindowEndMs(),
                    s.getRequestCount(), s.getErrorSpanCount(), s.getErrorLogCount(),
                    LatencyLadder.aligned(s.getLatencyLadderMs()), templateEvidence ? templateErrors(s) : null));
            countState.update(cs);
            e.countEvidence = r.evidence();
            e.countLevel = Math.min(1.0, r.evidence() / counts.config().bar());
            e.countSignal = r.evidence() > 0 ? r.strongest() : "";
            e.countOnsetMs = r.onsetMs();
        }
        if (metrics != null) {
            observeMetrics(s, e);
        }
        e.exemplarTraceIds = s.getExemplarTraceIds().toArray(new String[0]);
        e.errorLogTemplates = s.getErrorLogTemplates().toArray(new String[0]);
        out.collect(e);
    }

    /** The metric evidence of window {@code s} into {@code e}; state written only while a metric is followed. */
    private void observeMetrics(ServiceSignals s, ServiceEvidence e) throws Exception {
        MetricEvidenceState ms = metricState.value();
        boolean had = ms != null;
        if (ms == null) {
            if (s.getGauges().isEmpty() && s.getCounters().isEmpty()) {
                return;
            }
            ms = new MetricEvidenceState();
        }
        MetricEvidence.Result r = metrics.observe(ms, s, signalThreshold);
        if (ms.size() > 0) {
            metricState.update(ms);
        } else if (had) {
            metricState.clear();
        }
        e.metricStrength = r.strength();
        e.metricSignals = r.moved().toArray(new String[0]);
        e.metricsUnfollowed = r.unfollowed();
        if (r.unfollowed() > 0) {
            unfollowed.inc(r.unfollowed());
        }
        if (metrics.config().alerts()) {
            e.strength = Math.max(e.strength, r.strength());
        }
        if (metrics.config().alerts() && !r.moved().isEmpty()) {
            String[] moved = Arrays.copyOf(e.movedSignals, e.movedSignals.length + r.moved().size());
            for (int i = 0; i < r.moved().size(); i++) {
                moved[e.movedSignals.length + i] = r.moved().get(i);
            }
            e.movedSignals = moved;
        }
    }

    /** This function without the per-template error counts in its count evidence (to measure what they add). */
    public EvidenceFunction withoutTemplateEvidence() {
        templateEvidence = false;
        return this;
    }

    /** Error lines per log template id in the window (templates without error lines left out), or null. */
    static Map<String, Long> templateErrors(ServiceSignals s) {
        Map<String, Long> m = null;
        for (LogTemplateCount t : s.getLogTemplates()) {
            if (t.getErrorCount() > 0) {
                if (m == null) {
                    m = new HashMap<>();
                }
                m.merge(t.getTemplateId().toString(), t.getErrorCount(), Long::sum);
            }
        }
        return m;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServiceEvidence> out) throws Exception {
        SignalBaselines.BaselineState state = baselines.value();
        if (state != null && state.lastWindowEndMs + retireMs <= timestamp) {
            baselines.clear();
            detectors.clear();
            countState.clear();
            metricState.clear();
        }
    }
}
