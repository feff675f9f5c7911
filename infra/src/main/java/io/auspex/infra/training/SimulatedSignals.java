package io.auspex.infra.training;

import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetrySink;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.signals.SaturationGauges;
import io.auspex.jobs.signals.SignalsAccumulator;
import io.auspex.jobs.signals.SignalsAggregate;
import io.auspex.jobs.signals.SignalsWindowFunction;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The golden signals of a simulated run, computed in-process with the pipeline's own aggregation
 * classes ({@link SignalsAggregate}, {@link SignalsWindowFunction#toSignals}), so offline training
 * sees exactly what the job writes to telemetry.signals.
 */
public final class SimulatedSignals implements TelemetrySink {
    private final long windowMs;
    private final long[] thresholdsMs;
    private final SignalsAggregate aggregate;
    private final Map<String, Map<Long, SignalsAccumulator>> open = new HashMap<>();

    private SimulatedSignals(long windowMs, long[] thresholdsMs) {
        this.windowMs = windowMs;
        this.thresholdsMs = thresholdsMs.clone();
        this.aggregate = new SignalsAggregate(thresholdsMs);
    }

    /**
     * Simulates {@code config} and returns its signals, ordered by window then service.
     *
     * @param latencyThresholdsMs latency thresholds to count exactly (those of an SLO file), ascending
     */
    public static List<ServiceSignals> of(SimulatorConfig config, long windowMs, long[] latencyThresholdsMs) {
        SimulatedSignals sink = new SimulatedSignals(windowMs, latencyThresholdsMs);
        new TelemetrySimulator(config).run(sink);
        List<ServiceSignals> out = new ArrayList<>();
        sink.open.forEach((service, windows) -> windows.forEach((start, acc) -> out.add(
                SignalsWindowFunction.toSignals(service, start, start + windowMs, acc, sink.thresholdsMs,
                        SaturationGauges.DEFAULT))));
        out.sort(Comparator.comparingLong(ServiceSignals::getWindowStartMs)
                .thenComparing(ServiceSignals::getServiceName));
        return out;
    }

    private void add(String service, long timeMs, Telemetry t) {
        long start = Math.floorDiv(timeMs, windowMs) * windowMs;
        aggregate.add(t, open.computeIfAbsent(service, s -> new HashMap<>())
                .computeIfAbsent(start, s -> aggregate.createAccumulator()));
    }

    @Override
    public void span(Span span) {
        add(span.getServiceName(), span.getStartTimeMs(), Telemetry.of(span));
    }

    @Override
    public void metric(MetricPoint metric) {
        add(metric.getServiceName(), metric.getTimeMs(), Telemetry.of(metric));
    }

    @Override
    public void log(LogRecord log) {
        add(log.getServiceName(), log.getTimeMs(), Telemetry.of(log));
    }
}
