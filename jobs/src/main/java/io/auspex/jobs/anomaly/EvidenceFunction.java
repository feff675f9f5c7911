package io.auspex.jobs.anomaly;

import io.auspex.jobs.signals.LatencyLadder;
import io.auspex.jobs.state.WriteBehindCache;
import io.auspex.jobs.state.WriteBehindOperator;
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
public final class EvidenceFunction extends KeyedProcessFunction<String, ServiceSignals, ServiceEvidence>
        implements WriteBehindOperator.Cacheable<EvidenceFunction.ServiceState> {
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
    /** Null: every window reads and writes the backend. */
    private transient WriteBehindCache<ServiceState> cache;

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
        String service = ctx.getCurrentKey();
        ServiceState st = cache != null ? cache.get(service, s.getWindowEndMs()) : load();
        out.collect(evidence(st, s, ctx));
        if (cache != null) {
            cache.done(service, st);
        } else {
            store(st);
        }
    }

    /** Scores window {@code s} with the service's state {@code st}, which learns it in place. */
    private ServiceEvidence evidence(ServiceState st, ServiceSignals s, Context ctx) throws Exception {
        SignalBaselines.BaselineState state = st.baselines;
        double[] scores = SignalBaselines.scoreAndUpdate(state, s);
        if (st.detectors == null) {
            // first window of the service, or after a restore from a savepoint of the byte form
            st.detectors = OnsetDetectors.of(state);
        }
        double[] onset = OnsetDetectors.score(st.detectors, s);
        state.lastWindowEndMs = Math.max(state.lastWindowEndMs, s.getWindowEndMs());
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
            if (st.counts == null) {
                st.counts = new CountEvidenceState();
            }
            CountEvidence.Result r = counts.observe(st.counts, new CountEvidence.Window(s.getWindowEndMs(),
                    s.getRequestCount(), s.getErrorSpanCount(), s.getErrorLogCount(),
                    LatencyLadder.aligned(s.getLatencyLadderMs()), templateEvidence ? templateErrors(s) : null));
            e.countEvidence = r.evidence();
            e.countLevel = Math.min(1.0, r.evidence() / counts.config().bar());
            e.countSignal = r.evidence() > 0 ? r.strongest() : "";
            e.countOnsetMs = r.onsetMs();
        }
        if (metrics != null) {
            observeMetrics(st, s, e);
        }
        e.exemplarTraceIds = s.getExemplarTraceIds().toArray(new String[0]);
        e.errorLogTemplates = s.getErrorLogTemplates().toArray(new String[0]);
        return e;
    }

    /** The current service's state as the backend holds it (new objects where it holds none). */
    @Override
    public ServiceState load() throws Exception {
        ServiceState st = new ServiceState();
        st.baselines = baselines.value();
        if (st.baselines == null) {
            st.baselines = new SignalBaselines.BaselineState();
        }
        st.detectors = detectors.value();
        if (counts != null) {
            st.counts = countState.value();
        }
        if (metrics != null) {
            st.metrics = metricState.value();
            st.metricsStored = st.metrics != null;
        }
        return st;
    }

    /** Writes {@code st} as the current service's state (the metric evidence only while it follows a metric). */
    @Override
    public void store(ServiceState st) throws Exception {
        baselines.update(st.baselines);
        detectors.update(st.detectors);
        if (counts != null && st.counts != null) {
            countState.update(st.counts);
        }
        if (metrics != null) {
            if (st.metrics != null && st.metrics.size() > 0) {
                metricState.update(st.metrics);
                st.metricsStored = true;
            } else if (st.metricsStored) {
                metricState.clear();
                st.metricsStored = false;
            }
        }
    }

    /**
     * Keeps the services' state on the heap in {@code cache} between checkpoints (see {@link EvidenceOperator});
     * null reads and writes the backend on every window.
     */
    @Override
    public void useCache(WriteBehindCache<ServiceState> cache) {
        this.cache = cache;
    }


    /** The metric evidence of window {@code s} into {@code e}; state kept only while a metric is followed. */
    private void observeMetrics(ServiceState st, ServiceSignals s, ServiceEvidence e) {
        if (st.metrics == null) {
            if (s.getGauges().isEmpty() && s.getCounters().isEmpty()) {
                return;
            }
            st.metrics = new MetricEvidenceState();
        }
        MetricEvidence.Result r = metrics.observe(st.metrics, s, signalThreshold);
        if (st.metrics.size() == 0) {
            st.metrics = null;
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
        String service = ctx.getCurrentKey();
        ServiceState cached = cache != null ? cache.peek(service) : null;
        SignalBaselines.BaselineState state = cached != null ? cached.baselines : baselines.value();
        if (state != null && state.lastWindowEndMs + retireMs <= timestamp) {
            baselines.clear();
            detectors.clear();
            countState.clear();
            metricState.clear();
            if (cache != null) {
                cache.remove(service);
            }
        }
    }

    /** One service's state: what the four keyed states hold, as objects. */
    static final class ServiceState {
        SignalBaselines.BaselineState baselines;
        /** Null until the service's first window after a restore of the byte form. */
        StreamingDetector[] detectors;
        /** Null until the first window with the count evidence on. */
        CountEvidenceState counts;
        /** Null while the service sends no followed metric. */
        MetricEvidenceState metrics;
        /** Whether the backend holds a metric evidence value for the service. */
        boolean metricsStored;
    }
}
