package io.auspex.infra.sim;

import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** Named instants, runs and small statistics shared by the simulator tests. */
final class SimFixtures {

    /** 2026-01-05T00:00:00Z. */
    static final long MIDNIGHT = SimulatorConfig.DEFAULT_START_MS;
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    private SimFixtures() {
    }

    static InMemorySink run(SimulatorConfig config) {
        InMemorySink sink = new InMemorySink();
        SimulationResult result = new TelemetrySimulator(config).run(sink);
        if (!result.completed()) {
            throw new IllegalStateException("run did not complete: " + result);
        }
        return sink;
    }

    static SimulatorConfig.Builder minutes(int minutes) {
        return SimulatorConfig.builder().startMs(MIDNIGHT).duration(Duration.ofMinutes(minutes));
    }

    static boolean isServer(Span s) {
        return s.getKind() == SpanKind.SERVER;
    }

    static boolean isError(Span s) {
        return s.getStatusCode() == StatusCode.ERROR;
    }

    static Predicate<Span> serverOf(String service) {
        return s -> isServer(s) && s.getServiceName().equals(service);
    }

    static Predicate<Span> startsIn(long fromMs, long toMs) {
        return s -> s.getStartTimeMs() >= fromMs && s.getStartTimeMs() < toMs;
    }

    /** Share of the matching spans that have status ERROR; fails if none match. */
    static double errorRatio(List<Span> spans, Predicate<Span> which) {
        long total = 0;
        long errors = 0;
        for (Span s : spans) {
            if (which.test(s)) {
                total++;
                if (isError(s)) {
                    errors++;
                }
            }
        }
        if (total == 0) {
            throw new AssertionError("no span matched");
        }
        return (double) errors / total;
    }

    /** Median duration in microseconds of the matching spans; fails if none match. */
    static double medianDurationUs(List<Span> spans, Predicate<Span> which) {
        long[] d = spans.stream().filter(which).mapToLong(Span::getDurationUs).toArray();
        if (d.length == 0) {
            throw new AssertionError("no span matched");
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    static List<MetricPoint> gauges(List<MetricPoint> metrics, String service, String name) {
        return metrics.stream().filter(m -> m.getServiceName().equals(service) && m.getName().equals(name)).toList();
    }
}
