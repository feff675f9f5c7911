package io.auspex.jobs.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The Flink adapter: same results as the in-memory engine, bounded state, no timers, reload cleanup, restore. */
class SloProcessFunctionTest {
    static final SloSet DEFAULT = SloSet.load(Path.of("src/main/resources/slo/default-slos.yaml"));
    static final long DAY = 86_400_000L;

    static KeyedBroadcastOperatorTestHarness<String, ServiceSignals, String, Alert> harness(SloSet set,
            OperatorSubtaskState restore) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, ServiceSignals, String, Alert> h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new SloProcessFunction(set), List.of(SloProcessFunction.SLO_FILE)),
                (KeySelector<ServiceSignals, String>) ServiceSignals::getServiceName, Types.STRING, 128, 1, 0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static ServiceSignals sig(String service, long start, long lengthMs, long total, long bad) {
        return SloScenario.signals(service, start, start + lengthMs, total, bad, Map.of("500", bad, "300", 0L));
    }

    static List<Alert> alerts(KeyedBroadcastOperatorTestHarness<?, ?, ?, Alert> h) {
        List<Alert> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((Alert) r.getValue());
            }
        }
        return out;
    }

    static List<SloStatus> statuses(KeyedBroadcastOperatorTestHarness<?, ?, ?, Alert> h) {
        List<SloStatus> out = new ArrayList<>();
        var q = h.getSideOutput(SloProcessFunction.STATUS);
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    /** Keyed state entries: service -> map keys. */
    static Map<String, List<String>> entries(KeyedBroadcastOperatorTestHarness<?, ?, ?, Alert> h,
            MapStateDescriptor<String, byte[]> d) throws Exception {
        KeyedStateBackend<String> b = ((AbstractStreamOperator<?>) h.getOperator()).<String>getKeyedStateBackend();
        Map<String, List<String>> out = new TreeMap<>();
        b.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d, (key, state) -> {
            List<String> keys = new ArrayList<>();
            for (String k : state.keys()) {
                keys.add(k.replace('\u001f', '/'));
            }
            if (!keys.isEmpty()) {
                keys.sort(null);
                out.put(key, keys);
            }
        });
        return out;
    }

    static Map<String, Integer> valueBytes(KeyedBroadcastOperatorTestHarness<?, ?, ?, Alert> h) throws Exception {
        KeyedStateBackend<String> b = ((AbstractStreamOperator<?>) h.getOperator()).<String>getKeyedStateBackend();
        Map<String, Integer> out = new TreeMap<>();
        b.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, SloProcessFunction.INSTANCES, (key, state) -> {
            for (Map.Entry<String, byte[]> e : state.entries()) {
                out.put(e.getKey().replace('\u001f', '/'), e.getValue().length);
            }
        });
        return out;
    }

    @Test
    void aDayOfTenSecondWindowsMatchesTheEngineWithOneStatusPerMinuteAndNoTimers() throws Exception {
        var h = harness(DEFAULT, null);
        SloEngine engine = new SloEngine(DEFAULT);
        List<Alert> expected = new ArrayList<>();
        SloOutput collect = new SloOutput() {
            @Override
            public void alert(Alert a) {
                expected.add(a);
            }

            @Override
            public void status(SloStatus s) {}
        };
        long outageFrom = SloScenario.T0 + 20 * 3_600_000L;
        for (long t = SloScenario.T0; t < SloScenario.T0 + DAY; t += 10_000) {
            boolean outage = t >= outageFrom && t < outageFrom + 600_000;
            ServiceSignals s = sig("checkout", t, 10_000, 100, outage ? 100 : 0);
            engine.process(s, collect);
            h.processElement(s, s.getWindowEndMs() - 1);
        }
        List<Alert> got = alerts(h);
        assertEquals(expected, got);
        // 20 h of history: the 3d window is computed over the 20 h there are, so very_slow fires second
        assertEquals(List.of("fast FIRING", "very_slow FIRING", "medium FIRING", "slow FIRING", "fast RESOLVED",
                "medium RESOLVED", "slow RESOLVED"), got.stream().map(a -> a.getLabels().get("burn_tier") + " " + a.getStatus()).toList());
        assertEquals(outageFrom + 60_000, got.get(0).getEventTimeMs());
        assertEquals(1439, statuses(h).size(), "one per closed minute; the last minute closes with the next window");
        assertEquals(0, h.numEventTimeTimers());
        assertEquals(0, h.numProcessingTimeTimers());
        assertEquals(Map.of("checkout", List.of("checkout-availability/")), entries(h, SloProcessFunction.INSTANCES));
        h.close();
    }

    @Test
    void stateOfAnInstanceIsBoundedOnceThePeriodIsFull() throws Exception {
        var h = harness(DEFAULT, null);
        long t = SloScenario.T0;
        long[] size = new long[33];
        for (int day = 1; day <= 32; day++) {
            for (long end = t + DAY; t < end; t += 60_000) {
                ServiceSignals s = sig("checkout", t, 60_000, 600, 0);
                h.processElement(s, s.getWindowEndMs() - 1);
            }
            if (day == 1 || day == 2 || day == 31 || day == 32) {
                size[day] = h.snapshot(day, t).getStateSize();
            }
        }
        // each new day fills 24 hour buckets: 36 000 events (3-byte var-int) instead of 0 (1 byte)
        assertEquals(48, size[2] - size[1]);
        // after the 30-day period (+2 h) the ring is full: no growth
        assertEquals(size[31], size[32]);
        // one full 30d instance at 600 events/minute: 4 174 bytes serialized (17 344 bytes of rings on the heap)
        assertEquals(Map.of("checkout-availability/", 4174), valueBytes(h));
        assertTrue(size[32] < 10_000, "whole snapshot incl. the broadcast SLO file: " + size[32]);
        assertEquals(0, h.numEventTimeTimers());
        h.close();
    }

    @Test
    void reloadDropsRemovedInstancesKeepsOthersAndResolvesTheirAlerts() throws Exception {
        var h = harness(DEFAULT, null);
        long t = SloScenario.T0;
        for (; t < SloScenario.T0 + 7_200_000L; t += 10_000) {
            for (String svc : List.of("checkout", "payment", "frontend")) {
                boolean outage = svc.equals("payment") && t >= SloScenario.T0 + 3_600_000L;
                ServiceSignals s = sig(svc, t, 10_000, 100, outage ? 100 : 0);
                h.processElement(s, s.getWindowEndMs() - 1);
            }
        }
        assertEquals(Map.of(
                "checkout", List.of("checkout-availability/"),
                "frontend", List.of("frontend-availability/", "frontend-latency/"),
                "payment", List.of("payment-availability/")), entries(h, SloProcessFunction.INSTANCES));
        List<Alert> paymentFiring = alerts(h).stream().filter(a -> a.getSlo().equals("payment-availability")).toList();
        // 1 h of history: the 6h window covers that hour, so medium (6x) fires before fast (14.4x over 1 h);
        // very_slow waits for 6 h of history
        assertEquals(List.of("slo_burn_medium", "slo_burn_fast", "slo_burn_slow"),
                paymentFiring.stream().map(Alert::getRule).toList());
        Alert paymentPage = paymentFiring.get(1);
        h.getOutput().clear();

        String next = DEFAULT.sourceText()
                .replaceAll("(?s)  - name: payment-availability.*?team: payments\n", "")
                .replace("objective: 99\n", "objective: 99.5\n")
                + """
                  - name: checkout-latency
                    service: checkout
                    objective: 99
                    sli: {type: latency, threshold_ms: 300}
                """;
        assertEquals(5, SloSet.parse(next, "next").slos().size());
        h.processBroadcastElement(next, t);
        assertEquals(Map.of(
                "checkout", List.of("checkout-availability/"),
                "frontend", List.of("frontend-availability/", "frontend-latency/")), entries(h, SloProcessFunction.INSTANCES));
        assertEquals(Map.of("payment", paymentFiring.stream().map(Alert::getFingerprint).sorted().toList()),
                entries(h, SloProcessFunction.PENDING));
        assertEquals(List.of(), alerts(h), "resolutions wait for the service's next signal, to carry its event time");

        int before = statuses(h).size();
        for (long end = t + 120_000; t < end; t += 10_000) {
            for (String svc : List.of("checkout", "payment")) {
                ServiceSignals s = sig(svc, t, 10_000, 100, 0);
                h.processElement(s, s.getWindowEndMs() - 1);
            }
        }
        List<Alert> out = alerts(h);
        assertEquals(3, out.size());
        assertTrue(out.stream().allMatch(a -> a.getStatus() == AlertStatus.RESOLVED));
        Alert pageResolved = out.stream().filter(a -> a.getRule().equals("slo_burn_fast")).findFirst().orElseThrow();
        assertEquals(paymentPage.getFingerprint(), pageResolved.getFingerprint());
        assertEquals(paymentPage.getStartsAtMs(), pageResolved.getStartsAtMs());
        assertEquals(t - 120_000, pageResolved.getEndsAtMs(), "ends at the last evaluation of the dropped instance");
        assertEquals(Map.of(), entries(h, SloProcessFunction.PENDING));
        assertEquals(Map.of(
                "checkout", List.of("checkout-availability/", "checkout-latency/"),
                "frontend", List.of("frontend-availability/", "frontend-latency/")), entries(h, SloProcessFunction.INSTANCES));
        List<SloStatus> after = statuses(h).subList(before, statuses(h).size());
        SloStatus kept = after.stream().filter(s -> s.getSlo().equals("checkout-availability")).reduce((a, b) -> b).orElseThrow();
        SloStatus fresh = after.stream().filter(s -> s.getSlo().equals("checkout-latency")).reduce((a, b) -> b).orElseThrow();
        // the newest closed minute is the first after the reload; the second closes with the next window
        assertEquals(72_000 + 600, kept.getPeriodTotal(), "2 h of history kept, plus one minute");
        assertEquals(600, fresh.getPeriodTotal(), "a new SLO starts empty (first full minute)");

        // an invalid file on the broadcast side is ignored
        h.processBroadcastElement("slos: [oops", t);
        ServiceSignals s = sig("checkout", t, 10_000, 100, 0);
        h.processElement(s, s.getWindowEndMs() - 1);
        assertEquals(2, entries(h, SloProcessFunction.INSTANCES).get("checkout").size());
        assertEquals(0, h.numEventTimeTimers());
        h.close();
    }

    @Test
    void editedRulesAreMatchedByTierAcrossAReload() throws Exception {
        var h = harness(DEFAULT, null);
        long t = SloScenario.T0;
        for (; t < SloScenario.T0 + 7 * 3_600_000L; t += 10_000) {
            boolean outage = t >= SloScenario.T0 + 6 * 3_600_000L + 1_800_000L;
            ServiceSignals s = sig("checkout", t, 10_000, 100, outage ? 100 : 0);
            h.processElement(s, s.getWindowEndMs() - 1);
        }
        assertEquals(List.of("slo_burn_fast", "slo_burn_medium", "slo_burn_slow", "slo_burn_very_slow"),
                alerts(h).stream().map(Alert::getRule).sorted().toList());
        h.getOutput().clear();
        // same number of rules, one tier renamed: state must follow tiers, not positions
        String next = DEFAULT.sourceText().replace("""
                    runbook_url: https://runbooks.example/auspex/checkout-availability
                """, """
                    runbook_url: https://runbooks.example/auspex/checkout-availability
                    alerting:
                      rules:
                        - {tier: daily, severity: ticket, long_window: 1d, short_window: 2h, burn_rate: 3}
                        - {tier: fast, severity: page, long_window: 1h, short_window: 5m, budget_percent: 2}
                        - {tier: medium, severity: page, long_window: 6h, short_window: 30m, budget_percent: 5}
                        - {tier: very_slow, severity: ticket, long_window: 3d, short_window: 6h, budget_percent: 10}
                """);
        h.processBroadcastElement(next, t);
        ServiceSignals s = sig("checkout", t, 10_000, 100, 100);
        h.processElement(s, s.getWindowEndMs() - 1);
        assertEquals(List.of("slo_burn_slow RESOLVED", "slo_burn_daily FIRING"),
                alerts(h).stream().map(a -> a.getRule() + " " + a.getStatus()).toList());
        h.close();
    }

    @Test
    void restoreFromASnapshotContinuesExactly() throws Exception {
        List<ServiceSignals> input = new ArrayList<>();
        for (long t = SloScenario.T0; t < SloScenario.T0 + 3 * 3_600_000L; t += 10_000) {
            boolean outage = t >= SloScenario.T0 + 7_200_000L && t < SloScenario.T0 + 7_800_000L;
            input.add(sig("inventory", t, 10_000, 100, outage ? 100 : 0));
        }
        var whole = harness(DEFAULT, null);
        for (ServiceSignals s : input) {
            whole.processElement(s, s.getWindowEndMs() - 1);
        }
        var first = harness(DEFAULT, null);
        int cut = input.size() / 2 + 361;
        for (ServiceSignals s : input.subList(0, cut)) {
            first.processElement(s, s.getWindowEndMs() - 1);
        }
        OperatorSubtaskState snap = first.snapshot(1, 1);
        List<Alert> a1 = alerts(first);
        first.close();
        var second = harness(DEFAULT, snap);
        for (ServiceSignals s : input.subList(cut, input.size())) {
            second.processElement(s, s.getWindowEndMs() - 1);
        }
        List<Alert> both = new ArrayList<>(a1);
        both.addAll(alerts(second));
        assertEquals(alerts(whole), both);
        // fast, medium and slow fire (very_slow waits for 6 h of history)
        assertEquals(3, alerts(whole).stream().filter(a -> a.getStatus() == AlertStatus.FIRING).count());
        whole.close();
        second.close();
    }
}
