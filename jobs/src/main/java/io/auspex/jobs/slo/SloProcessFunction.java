package io.auspex.jobs.slo;

import io.auspex.schemas.Alert;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLO engine as a Flink operator: keyed by service, SLO file content on the broadcast side.
 * A thin adapter: all arithmetic and alert logic is in {@link ServiceSloEngine}/{@link SloEvaluator}.
 *
 * <p>Main output: {@link Alert} transitions. Side output {@link #STATUS}: one {@link SloStatus}
 * per SLO instance per event-time minute, emitted when the first window of the next minute
 * arrives. Driven by the event time of the signals alone (window ends), so it registers no
 * timers and is never late relative to its input.
 *
 * <p>State:
 * <ul>
 *   <li>{@link #INSTANCES} (keyed by service): instance key -> {@link SloInstanceStateCodec} bytes.
 *       An entry is removed when its SLO leaves the set, its SLI/threshold/group_by changes, or a
 *       grouped instance saw no event for its whole hour ring (see {@link ServiceSloEngine}).</li>
 *   <li>{@link #PENDING} (keyed by service): RESOLVED alerts of instances dropped by a reload,
 *       emitted and cleared with the next signal of the service (so they carry event time).</li>
 *   <li>{@link #SLO_FILE} (broadcast): the current SLO file text; empty means the initial set.</li>
 * </ul>
 */
public final class SloProcessFunction extends KeyedBroadcastProcessFunction<String, ServiceSignals, String, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SloProcessFunction.class);

    public static final OutputTag<SloStatus> STATUS = new OutputTag<>("slo-status", new AvroTypeInfo<>(SloStatus.class));
    public static final MapStateDescriptor<String, String> SLO_FILE =
            new MapStateDescriptor<>("slo-file", Types.STRING, Types.STRING);
    static final MapStateDescriptor<String, byte[]> INSTANCES =
            new MapStateDescriptor<>("slo-instances", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    static final MapStateDescriptor<String, byte[]> PENDING =
            new MapStateDescriptor<>("slo-pending-resolutions", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    private static final String TEXT_KEY = "text";

    private final SloSet initial;

    private transient SloSet current;
    private transient String currentText;
    private transient Map<String, List<SloDefinition>> byService;
    private transient MapState<String, byte[]> instances;
    private transient MapState<String, byte[]> pending;
    private transient Counter dropped;
    private transient Counter missingThreshold;
    private transient Counter reloads;
    private transient Counter rejected;

    public SloProcessFunction(SloSet initial) {
        this.initial = initial;
    }

    @Override
    public void open(OpenContext ctx) {
        instances = getRuntimeContext().getMapState(INSTANCES);
        pending = getRuntimeContext().getMapState(PENDING);
        dropped = getRuntimeContext().getMetricGroup().counter("sloInstancesDropped");
        missingThreshold = getRuntimeContext().getMetricGroup().counter("sloLatencyThresholdMissing");
        reloads = getRuntimeContext().getMetricGroup().counter("sloFileReloads");
        rejected = getRuntimeContext().getMetricGroup().counter("sloFileRejected");
    }

    /** The SLO set in force: the broadcast text if any, else the initial set. Parsed once per change. */
    private SloSet currentSet(ReadOnlyBroadcastState<String, String> state) throws Exception {
        String text = state.get(TEXT_KEY);
        if (text == null) {
            text = initial.sourceText();
        }
        if (text != currentText) {
            current = text.equals(initial.sourceText()) ? initial : SloSet.parse(text, "SLO file (restored)");
            currentText = text;
            byService = current.byService();
        }
        return current;
    }

    @Override
    public void processElement(ServiceSignals signals, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        currentSet(ctx.getBroadcastState(SLO_FILE));
        Emitter emitter = new Emitter(out, ctx);
        if (!pending.isEmpty()) {
            for (byte[] a : pending.values()) {
                out.collect(Alert.getDecoder().decode(a));
            }
            pending.clear();
        }
        List<SloDefinition> defs = byService.get(ctx.getCurrentKey());
        if (defs == null) {
            return;
        }
        Map<String, SloInstanceState> map = load(instances);
        ServiceSloEngine.process(signals, defs, map, emitter);
        store(instances, map);
    }

    @Override
    public void processBroadcastElement(String text, Context ctx, Collector<Alert> out) throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(SLO_FILE);
        SloSet previous = currentSet(state);
        if (text.equals(previous.sourceText())) {
            return;
        }
        SloSet next;
        try {
            next = SloSet.parse(text, "SLO file (broadcast)");
        } catch (SloConfigException e) {
            // the reload source validates before it sends; this guards a hand-fed stream
            rejected.inc();
            LOG.warn("Ignoring an invalid SLO file, keeping version {}: {}", previous.version(), e.getMessage());
            return;
        }
        state.put(TEXT_KEY, text);
        currentSet(state);
        reloads.inc();
        LOG.info("SLO set {} -> {} ({} SLOs)", previous.version(), next.version(), next.slos().size());
        ctx.applyToKeyedState(INSTANCES, (service, keyed) -> {
            Map<String, SloInstanceState> map = load(keyed);
            List<Alert> resolutions = new ArrayList<>();
            ServiceSloEngine.reconcile(service, previous, next, map, new SloOutput() {
                @Override
                public void alert(Alert alert) {
                    resolutions.add(alert);
                }

                @Override
                public void status(SloStatus status) {}
            });
            // kept instances may have been adapted (rings resized, rules matched by tier): store all
            store(keyed, map);
            for (Alert a : resolutions) {
                stash(service, a);
            }
        });
    }

    private void stash(String service, Alert a) throws Exception {
        // applyToKeyedState sets the current key to `service`, so PENDING is that service's
        ByteBuffer buf = Alert.getEncoder().encode(a);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        pending.put(a.getFingerprint(), bytes);
    }

    private static Map<String, SloInstanceState> load(MapState<String, byte[]> state) throws Exception {
        Map<String, SloInstanceState> map = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : state.entries()) {
            map.put(e.getKey(), SloInstanceStateCodec.decode(e.getValue()));
        }
        return map;
    }

    private static void store(MapState<String, byte[]> state, Map<String, SloInstanceState> map) throws Exception {
        List<String> gone = new ArrayList<>();
        for (String k : state.keys()) {
            if (!map.containsKey(k)) {
                gone.add(k);
            }
        }
        for (String k : gone) {
            state.remove(k);
        }
        for (Map.Entry<String, SloInstanceState> e : map.entrySet()) {
            state.put(e.getKey(), SloInstanceStateCodec.encode(e.getValue()));
        }
    }

    /** Engine output to the operator's outputs and metrics. */
    private final class Emitter implements SloOutput {
        private final Collector<Alert> out;
        private final ReadOnlyContext ctx;

        Emitter(Collector<Alert> out, ReadOnlyContext ctx) {
            this.out = out;
            this.ctx = ctx;
        }

        @Override
        public void alert(Alert alert) {
            out.collect(alert);
        }

        @Override
        public void status(SloStatus status) {
            ctx.output(STATUS, status);
        }

        @Override
        public void droppedInstance(SloDefinition slo, String instance) {
            dropped.inc();
        }

        @Override
        public void missingThreshold(SloDefinition slo) {
            missingThreshold.inc();
        }
    }
}
