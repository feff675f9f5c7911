package io.auspex.jobs.slo;

import io.auspex.schemas.ServiceSignals;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SLO engine with all state in memory: what the backtest, the benchmark and the unit tests
 * drive. The Flink operator ({@link SloProcessFunction}) runs the same {@link ServiceSloEngine}
 * over keyed state instead.
 */
public final class SloEngine {
    private SloSet slos;
    private Map<String, List<SloDefinition>> byService;
    private final Map<String, Map<String, SloInstanceState>> state = new HashMap<>();

    public SloEngine(SloSet slos) {
        this.slos = slos;
        this.byService = slos.byService();
    }

    /** Applies one window result; signals of services without SLOs are ignored. */
    public void process(ServiceSignals signals, SloOutput out) {
        List<SloDefinition> defs = byService.get(signals.getServiceName());
        if (defs == null) {
            return;
        }
        Map<String, SloInstanceState> instances = state.computeIfAbsent(signals.getServiceName(), k -> new LinkedHashMap<>());
        ServiceSloEngine.process(signals, defs, instances, out);
    }

    /** Switches to a new SLO set (a reload); returns the number of instances dropped. */
    public int apply(SloSet next, SloOutput out) {
        int dropped = 0;
        for (Map.Entry<String, Map<String, SloInstanceState>> e : state.entrySet()) {
            dropped += ServiceSloEngine.reconcile(e.getKey(), slos, next, e.getValue(), out);
        }
        state.values().removeIf(Map::isEmpty);
        slos = next;
        byService = next.byService();
        return dropped;
    }

    public SloSet slos() {
        return slos;
    }

    /** The state of one instance, or null. */
    public SloInstanceState instance(String service, String slo, String instance) {
        Map<String, SloInstanceState> m = state.get(service);
        return m == null ? null : m.get(ServiceSloEngine.instanceKey(slo, instance));
    }

    public int instanceCount() {
        int n = 0;
        for (Map<String, SloInstanceState> m : state.values()) {
            n += m.size();
        }
        return n;
    }

    /** Instance states by instance key, of one service (live view). */
    public Map<String, SloInstanceState> instances(String service) {
        return state.getOrDefault(service, Map.of());
    }
}
