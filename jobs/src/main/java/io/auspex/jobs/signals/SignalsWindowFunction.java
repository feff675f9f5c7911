package io.auspex.jobs.signals;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.auspex.models.logs.TemplateMiner;
import io.auspex.schemas.LogTemplateCount;
import io.auspex.schemas.OperationCounts;
import io.auspex.schemas.ServiceSignals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns the accumulator of one service and window into a {@link ServiceSignals} record, with what
 * a window alone cannot know, kept per service in keyed state:
 *
 * <ul>
 *   <li>cumulative counters and histograms become increases: each series' newest point is
 *       subtracted from the one of the series' previous window (a reset, seen as a later start
 *       time or a value that went down, counts from zero; a series' first point is its baseline);
 *   <li>a gauge with no sample in the window (pods report per minute, windows are 10 s) carries its
 *       last value until it is older than the staleness, instead of reading as absent or 0, and is
 *       named in {@code carried_gauges} (the metric evidence learns only from new samples);
 *   <li>the service's log templates: one {@link TemplateMiner} per service ({@link #MINER}) takes
 *       the window's masked lines and gives their per-template counts ({@link WindowTemplates}),
 *       read and written once per window that has log lines, never per record.
 * </ul>
 *
 * <p>State is cleared when it is no longer needed: a carried gauge when it goes stale (at the
 * service's next window), a template when it was not seen for {@link #STATE_TTL} of event time (at
 * the service's next window with logs) or evicted by the miner's bound, every entry by a
 * processing-time TTL ({@link #STATE_TTL}) after its last update, so series of instances that are
 * gone, and the miners of services that stopped logging, do not stay.
 */
public final class SignalsWindowFunction
        extends ProcessWindowFunction<SignalsAccumulator, ServiceSignals, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    /** Processing time after its last update at which a series' or gauge's state entry expires. */
    public static final Duration STATE_TTL = Duration.ofHours(6);
    static final MapStateDescriptor<String, SeriesPoint> SERIES = ttl(new MapStateDescriptor<>("cumulative-series",
            Types.STRING, TypeInformation.of(SeriesPoint.class)));
    static final MapStateDescriptor<String, GaugeSample> GAUGES = ttl(new MapStateDescriptor<>("last-gauges",
            Types.STRING, TypeInformation.of(GaugeSample.class)));
    static final ValueStateDescriptor<TemplateMiner> MINER = ttl(new ValueStateDescriptor<>("log-template-miner",
            TemplateMinerSerializer.INSTANCE));

    private final long[] thresholdsMs;
    private final long[] thresholdsUs;
    private final MetricSignals metrics;
    private final LogTemplateSettings logTemplates;

    public SignalsWindowFunction(long[] thresholdsMs, Set<String> saturationGauges) {
        this(thresholdsMs, new MetricSignals(saturationGauges, MetricSignals.DEFAULT_LATENCY,
                MetricSignals.DEFAULT_STALENESS_MS));
    }

    public SignalsWindowFunction(long[] thresholdsMs, MetricSignals metrics) {
        this(thresholdsMs, metrics, LogTemplateSettings.DEFAULTS);
    }

    public SignalsWindowFunction(long[] thresholdsMs, MetricSignals metrics, LogTemplateSettings logTemplates) {
        this.logTemplates = logTemplates;
        this.thresholdsMs = thresholdsMs.clone();
        this.thresholdsUs = new long[thresholdsMs.length];
        for (int i = 0; i < thresholdsMs.length; i++) {
            thresholdsUs[i] = thresholdsMs[i] * 1000L;
        }
        this.metrics = metrics;
    }

    private static <D extends StateDescriptor<?, ?>> D ttl(D d) {
        d.enableTimeToLive(StateTtlConfig.newBuilder(STATE_TTL)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return d;
    }

    @Override
    public void process(String service, Context ctx, Iterable<SignalsAccumulator> accs, Collector<ServiceSignals> out)
            throws Exception {
        for (SignalsAccumulator acc : accs) {
            emit(service, ctx.window().getStart(), ctx.window().getEnd(), acc, ctx.globalState(), out);
        }
    }

    /**
     * The signals record of one service's window {@code [start, end)} with accumulator {@code acc}
     * (which it may change: histogram increases are added to it), reading and updating the
     * service's keyed state in {@code store} (the current key must be the service).
     */
    void emit(String service, long start, long end, SignalsAccumulator acc, KeyedStateStore store,
            Collector<ServiceSignals> out) throws Exception {
        MapState<String, SeriesPoint> series = store.getMapState(SERIES);
        MapState<String, GaugeSample> lastGauges = store.getMapState(GAUGES);
        Map<String, Double> counters = new HashMap<>(acc.counters);
        for (Map.Entry<String, SeriesPoint> e : acc.cumulative.entrySet()) {
            SeriesPoint now = e.getValue();
            SeriesPoint before = series.get(e.getKey());
            if (before != null && now.timeMs <= before.timeMs) {
                continue;
            }
            series.put(e.getKey(), now);
            if (before == null) {
                continue;
            }
            SeriesPoint increase = now.since(before);
            if (now.histogram) {
                acc.addHistogram(increase, thresholdsUs);
            } else {
                counters.merge(now.name, increase.value, Double::sum);
            }
        }
        Map<String, Double> gauges = new HashMap<>(acc.gauges);
        for (Map.Entry<String, Double> g : acc.gauges.entrySet()) {
            lastGauges.put(g.getKey(), new GaugeSample(g.getValue(), end));
        }
        List<String> stale = new ArrayList<>();
        List<String> carried = new ArrayList<>();
        for (Map.Entry<String, GaugeSample> g : lastGauges.entries()) {
            if (!acc.gauges.containsKey(g.getKey())) {
                if (end - g.getValue().windowEndMs <= metrics.gaugeStalenessMs()) {
                    gauges.put(g.getKey(), g.getValue().value);
                    carried.add(g.getKey());
                } else {
                    stale.add(g.getKey());
                }
            }
        }
        for (String k : stale) {
            lastGauges.remove(k);
        }
        List<LogTemplateCount> templates = List.of();
        if (logTemplates.enabled() && !acc.logLines.isEmpty()) {
            ValueState<TemplateMiner> state = store.getState(MINER);
            TemplateMiner miner = state.value();
            miner = miner == null ? new TemplateMiner(logTemplates.miner()) : miner.withConfig(logTemplates.miner());
            miner.expireBefore(end - STATE_TTL.toMillis());
            templates = WindowTemplates.mine(miner, acc.logLines);
            state.update(miner);
        }
        java.util.Collections.sort(carried);
        out.collect(toSignals(service, start, end, acc, gauges, carried, counters, thresholdsMs,
                metrics.saturationGauges(), templates));
    }

    /**
     * Clears the service's state of this function (cumulative series, last gauges, template miner)
     * in {@code store} (the current key must be the service): the service retired.
     */
    void retire(KeyedStateStore store) {
        store.getMapState(SERIES).clear();
        store.getMapState(GAUGES).clear();
        store.getState(MINER).clear();
    }

    /** Pure conversion, shared with offline tools that compute signals without Flink. */
    public static ServiceSignals toSignals(String service, long start, long end, SignalsAccumulator a,
            long[] thresholdsMs, Set<String> saturationGauges) {
        return toSignals(service, start, end, a, a.gauges, List.of(), a.counters, thresholdsMs, saturationGauges,
                List.of());
    }

    /**
     * @param carried the names in {@code gauges} whose value is carried from an earlier window (sorted)
     * @param templates the window's log templates ({@link WindowTemplates}); the lines not in them are unlisted
     */
    static ServiceSignals toSignals(String service, long start, long end, SignalsAccumulator a,
            Map<String, Double> gauges, List<String> carried, Map<String, Double> counters, long[] thresholdsMs,
            Set<String> saturationGauges, List<LogTemplateCount> templates) {
        long listed = 0;
        long listedErrors = 0;
        for (LogTemplateCount t : templates) {
            listed += t.getCount();
            listedErrors += t.getErrorCount();
        }
        double seconds = (end - start) / 1000.0;
        // a service that sends no spans gets its traffic, errors and latency from its duration histograms
        boolean fromSpans = a.requests > 0 || a.histRequests == 0;
        long requests = fromSpans ? a.requests : a.histRequests;
        long errors = fromSpans ? a.errorSpans : a.histErrors;
        DDSketch latency = fromSpans ? a.latencyMs : a.histLatencyMs;
        long[] over = fromSpans ? a.overCounts : a.histOver;
        boolean any = requests > 0 && !latency.isEmpty();
        double saturation = 0;
        for (Map.Entry<String, Double> g : gauges.entrySet()) {
            if (saturationGauges.contains(g.getKey())) {
                saturation = Math.max(saturation, MetricSignals.ratio(g.getValue()));
            }
        }
        List<OperationCounts> ops = new ArrayList<>(a.operations.size());
        a.operations.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> ops.add(
                OperationCounts.newBuilder().setName(e.getKey()).setTotal(e.getValue().total)
                        .setErrors(e.getValue().errors).setLatencyOverMs(overMap(thresholdsMs, e.getValue().over))
                        .build()));
        List<String> errorTemplates = new ArrayList<>(a.templates.keySet());
        java.util.Collections.reverse(errorTemplates);
        return ServiceSignals.newBuilder()
                .setServiceName(service)
                .setWindowStartMs(start)
                .setWindowEndMs(end)
                .setRequestCount(requests)
                .setTrafficRps(requests / seconds)
                .setErrorSpanCount(errors)
                .setHttp5xxCount(a.http5xx)
                .setErrorLogCount(a.errorLogs)
                .setLogCount(a.logs)
                .setErrorRatio(requests == 0 ? 0.0 : (double) errors / requests)
                .setLatencyP50Ms(any ? latency.getValueAtQuantile(0.50) : 0.0)
                .setLatencyP90Ms(any ? latency.getValueAtQuantile(0.90) : 0.0)
                .setLatencyP99Ms(any ? latency.getValueAtQuantile(0.99) : 0.0)
                .setLatencyMaxMs(any ? latency.getMaxValue() : 0.0)
                .setSaturation(saturation)
                .setGauges(new HashMap<>(gauges))
                .setCarriedGauges(new ArrayList<>(carried))
                .setCounters(new HashMap<>(counters))
                .setLatencyOverMs(overMap(thresholdsMs, over))
                .setLatencyLadderMs(any ? LatencyLadder.countsAbove(latency) : new HashMap<>())
                .setOperations(ops)
                .setExemplarTraceIds(new ArrayList<>(a.exemplars))
                .setErrorLogTemplates(errorTemplates)
                .setLogTemplates(new ArrayList<>(templates))
                .setUnlistedLogCount(a.logs - listed)
                .setUnlistedErrorLogCount(a.errorLogs - listedErrors)
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
