package io.auspex.jobs.signals;

import io.auspex.schemas.OperationCounts;
import io.auspex.schemas.ServiceSignals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns the accumulator of one service and window into a {@link ServiceSignals} record. */
public final class SignalsWindowFunction
        extends ProcessWindowFunction<SignalsAccumulator, ServiceSignals, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final long[] thresholdsMs;
    private final Set<String> saturationGauges;

    public SignalsWindowFunction(long[] thresholdsMs, Set<String> saturationGauges) {
        this.thresholdsMs = thresholdsMs.clone();
        this.saturationGauges = Set.copyOf(saturationGauges);
    }

    @Override
    public void process(String service, Context ctx, Iterable<SignalsAccumulator> accs, Collector<ServiceSignals> out) {
        for (SignalsAccumulator acc : accs) {
            out.collect(toSignals(service, ctx.window().getStart(), ctx.window().getEnd(), acc, thresholdsMs,
                    saturationGauges));
        }
    }

    /** Pure conversion, shared with offline tools that compute signals without Flink. */
    public static ServiceSignals toSignals(String service, long start, long end, SignalsAccumulator a,
            long[] thresholdsMs, Set<String> saturationGauges) {
        double seconds = (end - start) / 1000.0;
        boolean any = a.requests > 0 && !a.latencyMs.isEmpty();
        double saturation = 0;
        for (Map.Entry<String, Double> g : a.gauges.entrySet()) {
            if (saturationGauges.contains(g.getKey())) {
                saturation = Math.max(saturation, g.getValue());
            }
        }
        List<OperationCounts> ops = new ArrayList<>(a.operations.size());
        a.operations.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> ops.add(
                OperationCounts.newBuilder().setName(e.getKey()).setTotal(e.getValue().total)
                        .setErrors(e.getValue().errors).setLatencyOverMs(overMap(thresholdsMs, e.getValue().over))
                        .build()));
        List<String> templates = new ArrayList<>(a.templates.keySet());
        java.util.Collections.reverse(templates);
        return ServiceSignals.newBuilder()
                .setServiceName(service)
                .setWindowStartMs(start)
                .setWindowEndMs(end)
                .setRequestCount(a.requests)
                .setTrafficRps(a.requests / seconds)
                .setErrorSpanCount(a.errorSpans)
                .setHttp5xxCount(a.http5xx)
                .setErrorLogCount(a.errorLogs)
                .setLogCount(a.logs)
                .setErrorRatio(a.requests == 0 ? 0.0 : (double) a.errorSpans / a.requests)
                .setLatencyP50Ms(any ? a.latencyMs.getValueAtQuantile(0.50) : 0.0)
                .setLatencyP90Ms(any ? a.latencyMs.getValueAtQuantile(0.90) : 0.0)
                .setLatencyP99Ms(any ? a.latencyMs.getValueAtQuantile(0.99) : 0.0)
                .setLatencyMaxMs(any ? a.latencyMs.getMaxValue() : 0.0)
                .setSaturation(saturation)
                .setGauges(new HashMap<>(a.gauges))
                .setLatencyOverMs(overMap(thresholdsMs, a.overCounts))
                .setOperations(ops)
                .setExemplarTraceIds(new ArrayList<>(a.exemplars))
                .setErrorLogTemplates(templates)
                .build();
    }

    private static Map<String, Long> overMap(long[] thresholdsMs, long[] counts) {
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < thresholdsMs.length && i < counts.length; i++) {
            m.put(Long.toString(thresholdsMs[i]), counts[i]);
        }
        return m;
    }
}
