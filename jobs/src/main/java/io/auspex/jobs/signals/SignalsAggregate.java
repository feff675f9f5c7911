package io.auspex.jobs.signals;

import io.auspex.jobs.decode.Telemetry;
import io.auspex.models.logs.LogMasker;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Folds the spans, logs (masked) and gauges of one service and window into a {@link SignalsAccumulator}. */
public final class SignalsAggregate implements AggregateFunction<Telemetry, SignalsAccumulator, SignalsAccumulator> {
    private static final long serialVersionUID = 1L;

    private final long[] thresholdsUs;
    private final MetricSignals metricSignals;
    private final LogTemplateSettings logTemplates;
    private final LogMasker masker;
    private final int maxOperations;

    /** @param latencyThresholdsMs thresholds whose exceedances are counted exactly (ascending). */
    public SignalsAggregate(long[] latencyThresholdsMs) {
        this(latencyThresholdsMs, MetricSignals.DEFAULTS);
    }

    /**
     * @param latencyThresholdsMs thresholds whose exceedances are counted exactly (ascending)
     * @param metricSignals which metrics feed which signal
     */
    public SignalsAggregate(long[] latencyThresholdsMs, MetricSignals metricSignals) {
        this(latencyThresholdsMs, metricSignals, LogTemplateSettings.DEFAULTS);
    }

    /**
     * @param latencyThresholdsMs thresholds whose exceedances are counted exactly (ascending)
     * @param metricSignals which metrics feed which signal
     * @param logTemplates how many masked log lines a window keeps, and their bounds
     */
    public SignalsAggregate(long[] latencyThresholdsMs, MetricSignals metricSignals,
            LogTemplateSettings logTemplates) {
        this(latencyThresholdsMs, metricSignals, logTemplates, SignalsAccumulator.MAX_OPERATIONS);
    }

    /**
     * @param latencyThresholdsMs thresholds whose exceedances are counted exactly (ascending)
     * @param metricSignals which metrics feed which signal
     * @param logTemplates how many masked log lines a window keeps, and their bounds
     * @param maxOperations operations (span names) a window lists; the spans of further names count
     *     in the service's signals only
     */
    public SignalsAggregate(long[] latencyThresholdsMs, MetricSignals metricSignals,
            LogTemplateSettings logTemplates, int maxOperations) {
        if (maxOperations < 0) {
            throw new IllegalArgumentException("maxOperations must be >= 0, was " + maxOperations);
        }
        this.maxOperations = maxOperations;
        this.metricSignals = metricSignals;
        this.logTemplates = logTemplates;
        this.masker = logTemplates.masker();
        this.thresholdsUs = new long[latencyThresholdsMs.length];
        for (int i = 0; i < latencyThresholdsMs.length; i++) {
            thresholdsUs[i] = latencyThresholdsMs[i] * 1000L;
        }
    }

    @Override
    public SignalsAccumulator createAccumulator() {
        SignalsAccumulator acc = new SignalsAccumulator(thresholdsUs.length);
        acc.maxLogLines = logTemplates.maxLinesPerWindow();
        acc.maxOperations = maxOperations;
        return acc;
    }

    @Override
    public SignalsAccumulator add(Telemetry t, SignalsAccumulator acc) {
        if (t.span != null) {
            acc.addSpan(t.span, thresholdsUs);
        } else if (t.log != null) {
            acc.addLog(t.log, masker);
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
