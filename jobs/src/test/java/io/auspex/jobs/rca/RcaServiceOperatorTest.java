package io.auspex.jobs.rca;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.jobs.state.WriteBehindOperator;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link RcaServiceOperator}: the root-cause state cached on the heap between checkpoints gives the
 * same views, edge alerts and enriched alerts as the plain process operator on RocksDB, with a cache
 * that holds every service and with one too small for them (evictions and services served straight
 * from RocksDB); snapshots of either restore into the other; a service with nothing left leaves the
 * cache and RocksDB.
 */
class RcaServiceOperatorTest {
    static final long W = 10_000;
    static final long LOOKBACK = 15 * 60_000L;
    static final long EDGE_TTL = 5 * 60_000L;
    static final int WINDOWS = 300;
    static final int SNAPSHOT_AT = 155;
    static final List<String> STATES = List.of("edges-in", "evidence", "held-inputs", "edge-alert", "edge-errors-alert");

    static RcaServiceState function() {
        return new RcaServiceState(LOOKBACK, EDGE_TTL, 0.8, 10.0)
                .withEdgeFailures(new CountEvidence(CountEvidence.Config.defaults(), new long[0]), true);
    }

    static EdgeStats edge(String caller, String callee, long t, long errors, double waitMs) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = 100;
        e.errors = errors;
        e.gapCount = 20;
        e.sumGapUs = Math.round(waitMs * 1000 * 20);
        for (int c = 0; c < 20; c++) {
            e.countGap((long) (waitMs * 1000));
        }
        return e;
    }

    static ServiceEvidence evidence(String service, long t, double strength, String moved) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = service;
        e.windowEndMs = t;
        e.strength = strength;
        e.modelScore = Double.NaN;
        e.movedSignals = strength >= 0.8 ? new String[] {moved} : new String[0];
        return e;
    }

    static Alert slo(String service, long t) {
        return Alert.newBuilder().setFingerprint("f-" + service).setStatus(AlertStatus.FIRING).setRule("slo_burn_fast")
                .setSeverity(Severity.PAGE).setService(service).setStartsAtMs(t).setEventTimeMs(t).build();
    }

    /**
     * Windows {@code from} to {@code to - 1} of five services: a wait in front of payment in windows
     * 150-159, failed calls into auth in 200-209, and {@code gone}, called and anomalous only in its
     * first 40 windows, which is cleared whole once its edge and evidence run out.
     */
    static void feed(RcaHarness h, int from, int to, boolean lastWatermark) throws Exception {
        for (int i = from; i < to; i++) {
            long t = T0 + (i + 1) * W;
            boolean slow = i >= 150 && i < 160;
            boolean failing = i >= 200 && i < 210;
            List<RcaInput> in = new ArrayList<>();
            in.add(RcaInput.of(edge("frontend", "checkout", t, i % 7 == 0 ? 1 : 0, 0.4)));
            in.add(RcaInput.of(edge("checkout", "payment", t, 0, slow ? 400 : 0.5 + 0.1 * (i % 3))));
            in.add(RcaInput.of(edge("checkout", "auth", t, 0, 0.3)));
            in.add(RcaInput.of(edge("frontend", "auth", t, failing ? 30 : i % 11 == 0 ? 1 : 0, 0.3)));
            if (i < 60) {
                in.add(RcaInput.of(edge("batch", "payment", t, 0, 2)));
            }
            if (i < 40) {
                in.add(RcaInput.of(edge("frontend", "gone", t, 0, 1)));
                in.add(RcaInput.of(evidence("gone", t, i >= 20 ? 1.0 : 0.1, "error_ratio")));
            }
            in.add(RcaInput.of(evidence("payment", t, slow ? 1.0 : 0.1, "latency_p99_ms")));
            in.add(RcaInput.of(evidence("auth", t, failing ? 1.0 : 0.05, "error_ratio")));
            in.add(RcaInput.of(evidence("checkout", t, slow ? 0.9 : 0.1, "latency_p99_ms")));
            // inputs arrive interleaved as from the two upstream operators
            for (int k = 0; k < in.size(); k++) {
                RcaInput x = in.get((k * 3 + i) % in.size());
                h.processElement(x, RcaServiceState.timeOf(x) - 1);
            }
            if (i == 155) {
                h.processAlert(slo("checkout", t), t);
            }
            if (i == 205) {
                h.processAlert(slo("frontend", t), t);
            }
            if (i < to - 1 || lastWatermark) {
                h.processWatermark(t);
            }
        }
    }

    record Outputs(List<String> views, List<String> edgeAlerts, List<String> alerts) {
        Outputs tail(Outputs before) {
            return new Outputs(views.subList(before.views.size(), views.size()),
                    edgeAlerts.subList(before.edgeAlerts.size(), edgeAlerts.size()),
                    alerts.subList(before.alerts.size(), alerts.size()));
        }
    }

    static Outputs outputs(RcaHarness h) {
        var side = h.state.getSideOutput(RcaServiceState.EDGE_ALERTS);
        return new Outputs(h.state.extractOutputValues().stream().map(String::valueOf).toList(),
                side == null ? List.of() : side.stream().map(r -> String.valueOf(r.getValue())).toList(),
                h.extractOutputValues().stream().map(String::valueOf).toList());
    }

    static OneInputStreamOperator<RcaInput, ServiceView> operator(int cacheServices) {
        return cacheServices < 0 ? new KeyedProcessOperator<>(function()) : new RcaServiceOperator(function(), cacheServices);
    }

    static RcaHarness harness(OneInputStreamOperator<RcaInput, ServiceView> op, RcaHarness.Snapshot restore)
            throws Exception {
        return new RcaHarness(op, LOOKBACK, EDGE_TTL, new EmbeddedRocksDBStateBackend(), restore, true);
    }

    /** Everything the plain operator on RocksDB emits for the whole scenario. */
    static Outputs uncached() throws Exception {
        RcaHarness h = harness(operator(-1), null);
        feed(h, 0, WINDOWS, true);
        Outputs out = outputs(h);
        h.close();
        return out;
    }

    @Test
    void theCachedStateEmitsWhatThePlainOperatorDoes() throws Exception {
        Outputs expected = uncached();
        // the scenario reaches every part of the state: both edge alerts fire and resolve, gone is removed
        String alerts = String.join("\n", expected.edgeAlerts());
        assertTrue(alerts.contains("EdgeWait") && alerts.contains("EdgeErrors"), alerts);
        assertEquals(4, expected.edgeAlerts().size(), alerts);
        assertTrue(expected.views().stream().anyMatch(v -> v.startsWith("gone@") && v.contains("removed")));
        assertEquals(6, expected.alerts().size(), "the two SLO alerts and the four edge alerts, enriched");
        assertTrue(expected.alerts().stream().filter(a -> a.contains("slo_burn_fast"))
                .noneMatch(a -> a.contains("\"root_causes\": []")), expected.alerts().toString());

        for (int capacity : new int[] {64, 2}) {
            RcaServiceOperator op = new RcaServiceOperator(function(), capacity);
            RcaHarness h = harness(op, null);
            assertTrue(op.caching());
            feed(h, 0, WINDOWS, true);
            assertEquals(expected, outputs(h), "capacity " + capacity);
            if (capacity == 2) {
                assertTrue(op.cache().uncached() > 0, "five services through a cache of two");
                assertTrue(op.cache().size() <= 2);
            } else {
                assertEquals(0, op.cache().uncached());
            }
            h.close();
        }
    }

    @Test
    void snapshotsOfEitherOperatorRestoreIntoTheOther() throws Exception {
        Outputs expected = uncached();
        for (int source : new int[] {-1, 64, 2}) {
            RcaHarness first = harness(operator(source), null);
            // window 155's inputs are held, not applied: the snapshot holds them and a firing edge alert
            feed(first, 0, SNAPSHOT_AT + 1, false);
            Outputs before = outputs(first);
            RcaHarness.Snapshot snapshot = first.snapshot(1L);
            first.close();
            for (int target : new int[] {-1, 64, 2}) {
                RcaHarness resumed = harness(operator(target), snapshot);
                long t = T0 + (SNAPSHOT_AT + 1) * W;
                resumed.processWatermark(t);
                feed(resumed, SNAPSHOT_AT + 1, WINDOWS, true);
                Outputs after = outputs(resumed);
                assertEquals(expected.tail(before), after, "snapshot of " + source + " into " + target);
                resumed.close();
            }
        }
    }

    /** Services with any of the root-cause states in the operator's keyed backend. */
    static Set<String> servicesInBackend(OneInputStreamOperator<RcaInput, ServiceView> op) throws Exception {
        Set<String> out = new TreeSet<>();
        var backend = ((KeyedProcessOperator<?, ?, ?>) op).getKeyedStateBackend();
        for (String state : STATES) {
            try (var keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                keys.map(String::valueOf).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void aServiceWithNothingLeftLeavesTheCacheAndRocksDb() throws Exception {
        RcaServiceOperator op = new RcaServiceOperator(function(), 64);
        RcaHarness h = harness(op, null);
        feed(h, 0, 40, true);
        assertNotNull(op.cache().peek("gone"));
        h.snapshot(1L);
        assertTrue(servicesInBackend(op).contains("gone"), "written at the checkpoint: " + servicesInBackend(op));
        feed(h, 40, WINDOWS, true);
        assertNull(op.cache().peek("gone"));
        assertFalse(servicesInBackend(op).contains("gone"), servicesInBackend(op).toString());
        h.snapshot(2L);
        Set<String> left = servicesInBackend(op);
        assertEquals(Set.of("auth", "checkout", "payment"), left.stream().collect(Collectors.toSet()),
                "batch's edge ran out too; its callee payment stays");
        h.close();
    }

    @Test
    void noCacheOnTheHeapBackendOrWhenTurnedOff() throws Exception {
        RcaServiceOperator heap = new RcaServiceOperator(function(), 100);
        RcaHarness h = new RcaHarness(heap, LOOKBACK, EDGE_TTL, null, null, true);
        assertFalse(heap.caching(), "heap state objects are the live objects already");
        feed(h, 0, 5, true);
        assertEquals(5 * 4, h.state.extractOutputValues().size(), "a view per service and window");
        h.close();
        RcaServiceOperator off = new RcaServiceOperator(function(), 0);
        RcaHarness r = harness(off, null);
        assertFalse(off.caching());
        r.close();
    }

    @Test
    void automaticCapacityIsATenthOfTheHeapAtSixteenKilobytesAService() {
        assertEquals(19660, WriteBehindOperator.capacity(-1, 3L << 30, RcaServiceOperator.CACHED_SERVICE_BYTES));
        assertEquals(64, WriteBehindOperator.capacity(-1, 1L << 20, RcaServiceOperator.CACHED_SERVICE_BYTES));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WriteBehindOperator.checkedOption("auspex.rca.state-cache-services", -3));
        assertTrue(e.getMessage().contains("auspex.rca.state-cache-services") && e.getMessage().contains("-3"),
                e.getMessage());
    }
}
