package io.auspex.jobs.signals;

import io.auspex.jobs.decode.Telemetry;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Folds the spans, logs and gauges of one service and window into a {@link SignalsAccumulator}. */
public final class SignalsAggregate implements AggregateFunction<Telemetry, SignalsAccumulator, SignalsAccumulator> {
    private static final long serialVersionUID = 1L;

    private final long[] thresholdsUs;
    private final MetricSignals metricSignals;

    /** @param latencyThresholdsMs thresholds whose exceedances are counted exactly (ascending). */
    public SignalsAggregate(long[] latencyThresholdsMs) {
        this(latencyThresholdsMs, MetricSignals.DEFAULTS);
    }

    /**
     * @param latencyThresholdsMs thresholds whose exceedances are counted exactly (ascending)
     * @param metricSignals which metrics feed which signal
     */
    public SignalsAggregate(long[] latencyThresholdsMs, MetricSignals metricSignals) {
        this.metricSignals = metricSignals;
        this.thresholdsUs = new long[latencyThresholdsMs.length];
        for (int i = 0; i < latencyThresholdsMs.length; i++) {
            thresholdsUs[i] = latencyThresholdsMs[i] * 1000L;
        }
    }

    @Override
    public SignalsAccumulator createAccumulator() {
        return new SignalsAccumulator(thresholdsUs.length);
    }

    @Override
    public SignalsAccumulator add(Telemetry t, SignalsAccumulator acc) {
        if (t.span != null) {
            acc.addSpan(t.span, thresholdsUs);
        } else if (t.log != null) {
            acc.addLog(t.log);
        } else if (t.metric != null) {
            acc.addMetric(t.metric, metricSignals, thresholdsUs);
        }
        return acc;
    }

    @Override
    public SignalsAccumulator getResult(SignalsAccumulator acc) {
        return acc;
    }

    @Override
    public SignalsAccumulator merge(SignalsAccumulator a, SignalsAccumulator b) {
        a.merge(b);
        return a;
    }
}
