package io.auspex.jobs.rca;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * The root-cause hints do not depend on the order evidence, edges and alerts arrive in: the same
 * inputs in window order, shuffled across three windows ahead of the watermark (as three upstream
 * operators and a restore interleave them), and shuffled with a snapshot and restore (on RocksDB)
 * in the middle give identical alerts, root causes and reasons included.
 */
class ArrivalOrderTest {
    static final long LOOKBACK = 15 * 60_000L;
    static final int WINDOWS = 120;

    /** One input with the window it belongs to (its window end, or the alert's event time). */
    record Timed(long time, Input input) {}

    static long end(int k) {
        return T0 + (k + 1) * 10_000L;
    }

    static RcaInput edge(String caller, String callee, long t, long calls, double waitMs) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = calls;
        e.errors = calls / 20;
        e.gapCount = calls;
        e.sumGapUs = Math.round(waitMs * 1000 * calls);
        return RcaInput.of(e);
    }

    static RcaInput evidence(String service, long t, double strength, double countLevel, String... moved) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = service;
        e.windowEndMs = t;
        e.strength = strength;
        e.countLevel = countLevel;
        e.countSignal = countLevel > 0 ? "error_span_count" : "";
        e.countOnsetMs = countLevel >= 1 ? t - 20_000 : 0;
        e.modelScore = 0.4 + strength / 10;
        e.movedSignals = moved;
        e.onsetSignals = strength >= 0.8 && countLevel == 0 ? moved : new String[0];
        e.exemplarTraceIds = strength > 0.5 ? new String[] {"trace-" + service + "-" + t} : new String[0];
        e.errorLogTemplates = strength > 0.5 ? new String[] {service + " failed after <n> ms"} : new String[0];
        return RcaInput.of(e);
    }

    /** An evidence or edge input, or an alert. */
    record Input(RcaInput rca, Alert alert) {
        void into(RcaHarness h, long timestamp) throws Exception {
            if (alert != null) {
                h.processAlert(alert, timestamp);
            } else {
                h.processElement(rca, timestamp);
            }
        }
    }

    static Input alert(String fingerprint, String service, long t, AlertStatus status) {
        return new Input(null, Alert.newBuilder().setFingerprint(fingerprint).setStatus(status).setRule("slo_burn_fast")
                .setSeverity(Severity.PAGE).setService(service).setStartsAtMs(t).setEventTimeMs(t).build());
    }

    /**
     * Two incidents: payment fails from window 40 (count evidence at its bar from window 44),
     * inventory is noisy now and then; from window 80 calls from frontend into auth wait 300 ms
     * more. Alerts on frontend and checkout while it lasts, two of them at the same time.
     */
    static List<Timed> scenario() {
        List<Timed> in = new ArrayList<>();
        Random rnd = new Random(7);
        for (int k = 0; k < WINDOWS; k++) {
            long t = end(k);
            double wait = k >= 80 && k < 90 ? 300.5 : 0.4 + 0.2 * rnd.nextDouble();
            in.add(new Timed(t, new Input(edge("frontend", "checkout", t, 100 + rnd.nextInt(20), 0.5), null)));
            in.add(new Timed(t, new Input(edge("checkout", "payment", t, 50 + rnd.nextInt(10), 0.5), null)));
            in.add(new Timed(t, new Input(edge("checkout", "inventory", t, 30 + rnd.nextInt(10), 0.5), null)));
            in.add(new Timed(t, new Input(edge("frontend", "auth", t, 80 + rnd.nextInt(10), wait), null)));
            boolean paymentFails = k >= 40 && k < 60;
            in.add(new Timed(t, new Input(evidence("payment", t, paymentFails ? 0.9 + 0.1 * rnd.nextDouble() : 0.1 * rnd.nextDouble(),
                    paymentFails && k >= 44 ? 1.0 : 0, "error_ratio", "error_log_count"), null)));
            in.add(new Timed(t, new Input(evidence("inventory", t, k % 7 == 0 ? 1.0 : 0.05, 0, "latency_p99_ms"), null)));
            in.add(new Timed(t, new Input(evidence("checkout", t, paymentFails ? 0.85 : 0.02, 0, "error_ratio"), null)));
            in.add(new Timed(t, new Input(evidence("frontend", t, paymentFails || (k >= 80 && k < 90) ? 0.9 : 0.0, 0,
                    "latency_p99_ms"), null)));
            if (k == 46) {
                in.add(new Timed(t, alert("f-frontend", "frontend", t, AlertStatus.FIRING)));
                in.add(new Timed(t, alert("f-checkout", "checkout", t, AlertStatus.FIRING)));
            } else if (k == 62) {
                in.add(new Timed(t, alert("f-frontend", "frontend", t, AlertStatus.RESOLVED)));
            } else if (k == 84) {
                in.add(new Timed(t, alert("f-frontend", "frontend", t, AlertStatus.FIRING)));
            } else if (k == 100) {
                in.add(new Timed(t, alert("f-frontend", "frontend", t, AlertStatus.RESOLVED)));
            }
        }
        return in;
    }

    static RcaHarness harness(RcaHarness.Snapshot restore) throws Exception {
        return new RcaHarness(LOOKBACK, 3_600_000L, 0.8, 0, new EmbeddedRocksDBStateBackend(), restore);
    }

    /** Window by window: each window's inputs in scenario order, then the watermark at its end. */
    static List<Alert> inWindowOrder(List<Timed> in) throws Exception {
        var h = harness(null);
        int i = 0;
        for (int k = 0; k < WINDOWS; k++) {
            for (; i < in.size() && in.get(i).time() <= end(k); i++) {
                in.get(i).input().into(h, in.get(i).time() - 1);
            }
            h.processWatermark(end(k));
        }
        List<Alert> out = new ArrayList<>(h.extractOutputValues());
        h.close();
        return out;
    }

    /**
     * The watermark three windows behind: the inputs of every three windows shuffled together
     * before the watermark passes the first of them; with {@code restoreAt} >= 0, a snapshot after
     * that many chunks and a new operator restored from it.
     */
    static List<Alert> shuffled(List<Timed> in, long seed, int restoreAt) throws Exception {
        Random rnd = new Random(seed);
        var h = harness(null);
        List<Alert> out = new ArrayList<>();
        int i = 0;
        int chunks = 0;
        for (int k = 0; k < WINDOWS; k += 3) {
            List<Timed> chunk = new ArrayList<>();
            for (; i < in.size() && in.get(i).time() <= end(Math.min(k + 2, WINDOWS - 1)); i++) {
                chunk.add(in.get(i));
            }
            Collections.shuffle(chunk, rnd);
            for (Timed x : chunk) {
                x.input().into(h, x.time() - 1);
            }
            h.processWatermark(end(k) - 1);
            if (++chunks == restoreAt) {
                RcaHarness.Snapshot snapshot = h.snapshot(chunks);
                out.addAll(h.extractOutputValues());
                h.close();
                h = harness(snapshot);
            }
        }
        h.processWatermark(end(WINDOWS - 1));
        out.addAll(h.extractOutputValues());
        h.close();
        return out;
    }

    @Test
    void theSameInputsInAnyArrivalOrderGiveTheSameAlerts() throws Exception {
        List<Timed> in = scenario();
        List<Alert> reference = inWindowOrder(in);
        assertEquals(List.of("f-checkout FIRING", "f-frontend FIRING", "f-frontend RESOLVED", "f-frontend FIRING",
                "f-frontend RESOLVED"), reference.stream().map(a -> a.getFingerprint() + " " + a.getStatus()).toList());
        assertEquals("payment", reference.get(0).getRootCauses().get(0).getService());
        assertEquals("payment", reference.get(1).getRootCauses().get(0).getService());
        assertEquals("auth", reference.get(3).getRootCauses().get(0).getService());

        for (long seed = 1; seed <= 3; seed++) {
            assertEquals(reference, shuffled(in, seed, -1), "shuffled, seed " + seed);
        }
        assertEquals(reference, shuffled(in, 4, 12), "shuffled, restored after chunk 12 (window 36)");
        assertEquals(reference, shuffled(in, 5, 17), "shuffled, restored after chunk 17 (in the payment incident)");
    }
}
