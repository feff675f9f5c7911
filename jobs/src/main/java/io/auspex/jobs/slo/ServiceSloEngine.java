package io.auspex.jobs.slo;

import io.auspex.schemas.OperationCounts;
import io.auspex.schemas.ServiceSignals;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Feeds one service's window results to all SLO instances of that service. The instances live
 * in a map owned by the caller (the Flink operator's keyed state, or {@link SloEngine}'s memory),
 * keyed by {@link #instanceKey(String, String)}.
 *
 * <p>Instances of a service advance together: every window result of the service reaches every
 * instance, with zero counts for an operation absent from the window, so time, status and
 * alert resolution move on for quiet instances too.
 *
 * <p>When state is cleared: an instance of a grouped SLO that saw no event for as long as its
 * hour ring reaches back (the period, or the longest window if longer) and has no firing alert
 * is removed at its next minute change; instances of removed SLOs, or of SLOs whose SLI type,
 * threshold or group_by changed, are removed by {@link #reconcile} when the SLO set changes.
 */
public final class ServiceSloEngine {
    private static final char SEP = '\u001f';

    private ServiceSloEngine() {}

    public static String instanceKey(String slo, String instance) {
        return slo + SEP + instance;
    }

    public static String sloOf(String key) {
        return key.substring(0, key.indexOf(SEP));
    }

    public static String instanceOf(String key) {
        return key.substring(key.indexOf(SEP) + 1);
    }

    /** Applies one window result of a service to the instances of its SLOs. */
    public static void process(ServiceSignals sig, List<SloDefinition> slos, Map<String, SloInstanceState> instances,
            SloOutput out) {
        long start = sig.getWindowStartMs();
        long end = sig.getWindowEndMs();
        for (SloDefinition def : slos) {
            if (!def.grouped()) {
                long bad;
                if (def.sli() == SliType.AVAILABILITY) {
                    bad = sig.getErrorSpanCount();
                } else {
                    Long over = sig.getLatencyOverMs().get(Long.toString(def.thresholdMs()));
                    if (over == null) {
                        out.missingThreshold(def);
                        continue;
                    }
                    bad = over;
                }
                String key = instanceKey(def.name(), "");
                SloInstanceState s = instances.computeIfAbsent(key, k -> SloEvaluator.newState(def));
                SloEvaluator.update(def, "", s, start, end, sig.getRequestCount(), bad, out);
            } else {
                processGrouped(sig, def, instances, out, start, end);
            }
        }
    }

    private static void processGrouped(ServiceSignals sig, SloDefinition def, Map<String, SloInstanceState> instances,
            SloOutput out, long start, long end) {
        String prefix = def.name() + SEP;
        Map<String, OperationCounts> ops = new LinkedHashMap<>();
        for (OperationCounts oc : sig.getOperations()) {
            ops.put(oc.getName(), oc);
        }
        int count = 0;
        Iterator<Map.Entry<String, SloInstanceState>> it = instances.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, SloInstanceState> e = it.next();
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String instance = instanceOf(e.getKey());
            SloInstanceState s = e.getValue();
            OperationCounts oc = ops.remove(instance);
            long total = 0;
            long bad = 0;
            if (oc != null) {
                total = oc.getTotal();
                Long b = badOf(def, oc, out);
                if (b == null) {
                    continue;
                }
                bad = b;
            }
            if (oc == null && idle(def, s, end)) {
                it.remove();
                continue;
            }
            SloEvaluator.update(def, instance, s, start, end, total, bad, out);
            count++;
        }
        for (OperationCounts oc : ops.values()) {
            if (oc.getTotal() <= 0) {
                continue;
            }
            if (count >= def.maxInstances()) {
                out.droppedInstance(def, oc.getName());
                continue;
            }
            Long b = badOf(def, oc, out);
            if (b == null) {
                continue;
            }
            SloInstanceState s = SloEvaluator.newState(def);
            instances.put(instanceKey(def.name(), oc.getName()), s);
            SloEvaluator.update(def, oc.getName(), s, start, end, oc.getTotal(), b, out);
            count++;
        }
    }

    private static Long badOf(SloDefinition def, OperationCounts oc, SloOutput out) {
        if (def.sli() == SliType.AVAILABILITY) {
            return oc.getErrors();
        }
        Long over = oc.getLatencyOverMs().get(Long.toString(def.thresholdMs()));
        if (over == null) {
            out.missingThreshold(def);
        }
        return over;
    }

    /** No event in the whole hour ring and nothing firing: the instance holds no information any more. */
    private static boolean idle(SloDefinition def, SloInstanceState s, long now) {
        return s.lastEventMs != SloInstanceState.NONE
                && now - s.lastEventMs > (long) (def.hourBuckets() - 1) * Durations.HOUR_MS
                && !s.anyFiring();
    }

    /**
     * Brings the instances of one service from SLO set {@code previous} to {@code next}: keeps
     * instances whose SLO still exists for this service with the same SLI and grouping (their
     * history and alert state stay; rings and rules adapt to edits), drops the others and
     * resolves their firing alerts. Returns the number of instances dropped.
     */
    public static int reconcile(String service, SloSet previous, SloSet next, Map<String, SloInstanceState> instances,
            SloOutput out) {
        int dropped = 0;
        Iterator<Map.Entry<String, SloInstanceState>> it = instances.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, SloInstanceState> e = it.next();
            String slo = sloOf(e.getKey());
            String instance = instanceOf(e.getKey());
            SloDefinition old = previous == null ? null : previous.get(slo).orElse(null);
            SloDefinition now = next.get(slo).orElse(null);
            SloInstanceState s = e.getValue();
            boolean keep = now != null && now.service().equals(service) && now.identity().equals(s.identity);
            if (keep) {
                SloEvaluator.conform(now, s, instance, old, out);
            } else {
                if (old != null && old.identity().equals(s.identity)) {
                    SloEvaluator.resolveAll(old, instance, s, out);
                }
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }
}
