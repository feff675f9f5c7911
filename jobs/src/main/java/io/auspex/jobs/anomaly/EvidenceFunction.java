package io.auspex.jobs.anomaly;

import io.auspex.models.detector.StreamingDetector;
import io.auspex.schemas.ServiceSignals;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by service: scores each window's golden signals against the service's streaming
 * baselines ({@link SignalBaselines}: how strongly a signal moved), the streaming detector
 * ({@link OnsetDetectors}: which signals began to move) and the multivariate model, and emits the
 * evidence.
 *
 * <p>State: one {@link SignalBaselines.BaselineState} and the service's onset detectors
 * ({@link OnsetDetectors#descriptor()}, objects scored in place) per service. <b>Cleared</b> by an
 * event-time timer when a service sends no window for {@code retireMs} (a retired service); the
 * timers are rounded up to the hour, so at most one per hour is pending per service.
 */
public final class EvidenceFunction extends KeyedProcessFunction<String, ServiceSignals, ServiceEvidence> {
    private static final long serialVersionUID = 1L;
    static final long TIMER_GRAIN_MS = 3_600_000L;

    private final double signalThreshold;
    private final double detectorThreshold;
    private final long retireMs;
    private final WindowScorer model;
    private transient ValueState<SignalBaselines.BaselineState> baselines;
    private transient ValueState<StreamingDetector[]> detectors;

    /**
     * @param signalThreshold baseline score at which a signal counts as moved
     * @param detectorThreshold streaming-detector score at which a signal's move begins
     * @param model may be null: then evidence comes from the per-signal baselines alone
     */
    public EvidenceFunction(double signalThreshold, double detectorThreshold, long retireMs, WindowScorer model) {
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
        e.exemplarTraceIds = s.getExemplarTraceIds().toArray(new String[0]);
        e.errorLogTemplates = s.getErrorLogTemplates().toArray(new String[0]);
        out.collect(e);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServiceEvidence> out) throws Exception {
        SignalBaselines.BaselineState state = baselines.value();
        if (state != null && state.lastWindowEndMs + retireMs <= timestamp) {
            baselines.clear();
            detectors.clear();
        }
    }
}
