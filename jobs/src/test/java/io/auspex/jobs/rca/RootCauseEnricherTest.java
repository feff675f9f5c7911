package io.auspex.jobs.rca;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

class RootCauseEnricherTest {
    static final long LOOKBACK = 15 * 60_000L;

    static RcaInput edge(String caller, String callee, long t) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = 100;
        return RcaInput.of(e);
    }

    static RcaInput evidence(String service, long t, double strength, String... moved) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = service;
        e.windowEndMs = t;
        e.strength = strength;
        e.modelScore = Double.NaN;
        e.movedSignals = moved;
        e.errorLogTemplates = strength > 0 ? new String[] {"gateway timeout after <n> ms"} : new String[0];
        return RcaInput.of(e);
    }

    static Alert alert(String service, long t, AlertStatus status) {
        return Alert.newBuilder().setFingerprint("f1").setStatus(status).setRule("slo_burn_fast")
                .setSeverity(Severity.PAGE).setService(service).setStartsAtMs(t).setEventTimeMs(t).build();
    }

    static RcaInput calls(String caller, String callee, long t, long calls, long errors) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = calls;
        e.errors = errors;
        return RcaInput.of(e);
    }

    @Test
    void failingCallsToAServiceWithoutEvidenceOfItsOwnNameIt() throws Exception {
        for (boolean failing : new boolean[] {false, true}) {
            RcaHarness h = new RcaHarness(LOOKBACK, 3_600_000L, 0.8);
            long t = T0;
            // 40 windows of 20 calls from checkout to payment, one failing now and then
            for (int i = 0; i < 40; i++) {
                t += 10_000;
                h.processElement(calls("checkout", "payment", t, 20, i % 10 == 0 ? 1 : 0), t - 1);
                h.processElement(calls("checkout", "inventory", t, 20, 0), t - 1);
            }
            // payment fails half its calls (it logs nothing, its spans carry no status); checkout's own errors rise
            for (int i = 0; i < 3; i++) {
                t += 10_000;
                h.processElement(calls("checkout", "payment", t, 20, failing ? 10 : 0), t - 1);
                h.processElement(calls("checkout", "inventory", t, 20, 0), t - 1);
                h.processElement(evidence("checkout", t, 1.0, "error_ratio"), t - 1);
            }
            h.processAlert(alert("checkout", t, AlertStatus.FIRING), t);
            h.processWatermark(t);
            Alert a = h.extractOutputValues().get(0);
            if (failing) {
                assertEquals("payment", a.getRootCauses().get(0).getService(), a.toString());
                assertEquals(List.of("edge_errors_from_checkout"), a.getRootCauses().get(0).getMovedSignals());
                assertEquals("calls from checkout fail more than usual since " + java.time.Instant.ofEpochMilli(
                        t - 20_000) + ", 1 hop(s) below checkout", a.getRootCauses().get(0).getReason());
            } else {
                assertEquals("checkout", a.getRootCauses().get(0).getService(), a.toString());
            }
            h.close();
        }
    }

    @Test
    void callErrorsAreJudgedAgainstTheEdgesOwnBaseline() {
        RcaServiceState.EdgeState e = new RcaServiceState.EdgeState();
        for (int i = 0; i < RcaServiceState.GAP_WARMUP_WINDOWS; i++) {
            RcaServiceState.addCallErrors(e, 1000, 50, i * 10_000L);
        }
        // a busy edge failing 5 % of its calls: 70 of 1000 is within its usual, 1 of 3 in a quiet edge is one failure
        RcaServiceState.addCallErrors(e, 1000, 70, 400_000L);
        assertEquals(Long.MIN_VALUE / 2, e.errLastAnomalousMs);
        RcaServiceState.addCallErrors(e, 1000, 200, 410_000L);
        assertEquals(410_000L, e.errLastAnomalousMs);
        assertEquals(410_000L, e.errOnsetMs);
        RcaServiceState.EdgeState quiet = new RcaServiceState.EdgeState();
        for (int i = 0; i < RcaServiceState.GAP_WARMUP_WINDOWS; i++) {
            RcaServiceState.addCallErrors(quiet, 3, 0, i * 10_000L);
        }
        RcaServiceState.addCallErrors(quiet, 3, 1, 400_000L);
        assertEquals(Long.MIN_VALUE / 2, quiet.errLastAnomalousMs, "one failure is below the minimum");
        RcaServiceState.addCallErrors(quiet, 3, 3, 410_000L);
        assertEquals(410_000L, quiet.errLastAnomalousMs, "3 of 3 against a baseline share near 0");
    }

    @Test
    void alertsOfOneRootCauseEpisodeShareAnIncidentIdAndALaterEpisodeGetsAnother() throws Exception {
        RcaHarness h = new RcaHarness(LOOKBACK, 3_600_000L, 0.8);
        long t = T0 + 60_000;
        h.processElement(edge("frontend", "checkout", t), t);
        h.processElement(edge("checkout", "payment", t), t);
        long onset = t - 40_000;
        for (long w = onset; w <= t; w += 10_000) {
            h.processElement(evidence("payment", w, 1.0, "error_ratio"), w - 1);
            h.processElement(evidence("checkout", w, 1.0, "error_ratio"), w - 1);
        }
        h.processAlert(alert("checkout", t, AlertStatus.FIRING), t);
        h.processAlert(alert("frontend", t, AlertStatus.FIRING), t);
        h.processWatermark(t);
        List<Alert> out = h.extractOutputValues();
        assertEquals(2, out.size());
        assertEquals("payment", out.get(0).getRootCauses().get(0).getService());
        assertEquals("payment", out.get(1).getRootCauses().get(0).getService());
        // payment's episode began at its first window at the episode level (the third of a level EWMA of 0.3)
        String expected = RootCauseEnricher.incidentId("payment", onset + 20_000);
        assertEquals(expected, out.get(0).getIncidentId());
        assertEquals(expected, out.get(1).getIncidentId());
        assertEquals(expected, out.get(0).getAnnotations().get("incident_id"));
        assertEquals(16, expected.length());
        // payment quiet for 10 minutes, then a new episode: a new incident
        long later = t + 10 * 60_000L;
        for (long w = t + 10_000; w < later - 40_000; w += 10_000) {
            h.processElement(evidence("payment", w, 0.0), w - 1);
            h.processElement(evidence("checkout", w, 0.0), w - 1);
        }
        for (long w = later - 40_000; w <= later; w += 10_000) {
            h.processElement(evidence("payment", w, 1.0, "error_ratio"), w - 1);
        }
        h.processElement(edge("checkout", "payment", later), later);
        h.processAlert(alert("checkout", later, AlertStatus.FIRING), later);
        h.processWatermark(later);
        out = h.extractOutputValues();
        assertEquals(3, out.size());
        assertEquals("payment", out.get(2).getRootCauses().get(0).getService());
        assertEquals(RootCauseEnricher.incidentId("payment", later - 20_000), out.get(2).getIncidentId());
        h.close();
    }

    @Test
    void holdsTheAlertUntilTheWatermarkThenNamesTheRootCause() throws Exception {
        RcaHarness h = new RcaHarness(LOOKBACK, 3_600_000L, 0.8);
        long t = T0 + 60_000;
        h.processElement(edge("frontend", "checkout", t), t);
        h.processElement(edge("checkout", "payment", t), t);
        h.processElement(edge("checkout", "inventory", t), t);
        h.processAlert(alert("checkout", t, AlertStatus.FIRING), t);
        // the evidence arrives after the alert: the alert must wait for it. Inventory has one noisy
        // window only: not an episode
        for (long w = t - 40_000; w <= t; w += 10_000) {
            h.processElement(evidence("checkout", w, 1.0, "error_ratio"), w - 1);
            h.processElement(evidence("payment", w, 1.0, "error_ratio", "error_log_count"), w - 1);
            h.processElement(evidence("inventory", w, w == t ? 1.0 : 0.0, "latency_p99_ms"), w - 1);
        }
        assertEquals(0, h.extractOutputValues().size());
        h.processWatermark(t);
        List<Alert> out = h.extractOutputValues();
        assertEquals(1, out.size());
        Alert a = out.get(0);
        assertEquals("payment", a.getRootCauses().get(0).getService());
        assertEquals(List.of("error_ratio", "error_log_count"), a.getRootCauses().get(0).getMovedSignals());
        assertEquals(List.of("gateway timeout after <n> ms"), a.getRootCauses().get(0).getErrorLogTemplates());
        assertEquals(List.of("error_ratio"), a.getMovedSignals());
        assertEquals(3, a.getRootCauses().size());
        var inventory = a.getRootCauses().stream().filter(x -> x.getService().equals("inventory")).findFirst()
                .orElseThrow();
        assertEquals(List.of(), inventory.getMovedSignals(), "one noisy window is not an anomaly episode");

        // resolved alerts pass through unchanged; old edges and evidence are dropped
        h.processAlert(alert("checkout", t + 60_000, AlertStatus.RESOLVED), t + 60_000);
        h.processWatermark(t + 3 * 3_600_000L);
        out = h.extractOutputValues();
        assertEquals(2, out.size());
        assertEquals(0, out.get(1).getRootCauses().size());
        assertEquals(0, h.state.numKeyedStateEntries(), "the per-service state is cleared");
        // the enricher drops the removed services at its next sweep: here on a view of another service
        long later = t + 3 * 3_600_000L + 10_000;
        h.processElement(evidence("search", later, 0.0), later - 1);
        h.processWatermark(later);
        assertEquals(java.util.Set.of("search"), h.viewedServices());
        h.close();
    }

    static RcaInput edgeWithWait(String caller, String callee, long t, double waitMs) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = 10;
        e.gapCount = 10;
        e.sumGapUs = Math.round(waitMs * 1000 * 10);
        return RcaInput.of(e);
    }

    /**
     * Network delay in front of a service shows only in its callers: its own spans are as fast as
     * ever. The wait of the edge into it (client span minus its server span) is evidence on it, so
     * the ranking names it, not the caller that alerted.
     */
    @Test
    void aSlowedEdgeIsEvidenceOnItsCallee() throws Exception {
        assertEquals("frontend", slowedEdge(false).getRootCauses().get(0).getService(), "edge evidence off");
        Alert a = slowedEdge(true);
        assertEquals("auth", a.getRootCauses().get(0).getService(), () -> "hints: " + a.getRootCauses());
        assertEquals(List.of("edge_wait_from_frontend"), a.getRootCauses().get(0).getMovedSignals());
        assertEquals(true, a.getRootCauses().get(0).getReason().startsWith("calls from frontend wait 300 ms more"),
                a.getRootCauses().get(0).getReason());
    }

    static Alert slowedEdge(boolean edgeEvidence) throws Exception {
        RcaHarness h = new RcaHarness(LOOKBACK, 3_600_000L, 0.8, 0, null, null, edgeEvidence);
        long t = T0;
        // 10 minutes of normal waits: 0.4-0.6 ms into auth, 0.5 ms into cache
        for (int w = 0; w < 60; w++) {
            t += 10_000;
            h.processElement(edgeWithWait("frontend", "auth", t, 0.4 + 0.2 * (w % 2)), t);
            h.processElement(edgeWithWait("frontend", "cache", t, 0.5), t);
        }
        // then 300 ms more into auth for five windows; frontend's own latency moves, auth's does not
        for (int w = 0; w < 5; w++) {
            t += 10_000;
            h.processElement(edgeWithWait("frontend", "auth", t, 300.5), t);
            h.processElement(edgeWithWait("frontend", "cache", t, 0.5), t);
            h.processElement(evidence("frontend", t, 1.0, "latency_p99_ms"), t - 1);
        }
        h.processAlert(alert("frontend", t, AlertStatus.FIRING), t);
        h.processWatermark(t);
        Alert a = h.extractOutputValues().get(0);
        h.close();
        return a;
    }

    @Test
    void theEdgeWaitBaselineFlagsOnlyAWaitWellAboveItsUsualSpread() {
        RcaServiceState.EdgeState e = new RcaServiceState.EdgeState();
        for (int w = 0; w < RcaServiceState.GAP_WARMUP_WINDOWS; w++) {
            RcaServiceState.addGap(e, 10 + (w % 2), T0 + w * 10_000L);
        }
        assertEquals(0.0, e.gapLevel, 1e-12, "warm-up windows are never abnormal");
        // 55 ms above a mean of about 10.5: above 4 sigma (about 2 ms) and the 50 ms floor
        RcaServiceState.addGap(e, 65.6, T0 + 400_000);
        assertEquals(RcaServiceState.LEVEL_ALPHA, e.gapLevel, 1e-12);
        double mean = e.gapMeanMs;
        // 40 ms above: below the 50 ms floor, normal, and learned
        RcaServiceState.addGap(e, 50, T0 + 410_000);
        assertEquals((1 - RcaServiceState.LEVEL_ALPHA) * RcaServiceState.LEVEL_ALPHA, e.gapLevel, 1e-12);
        assertEquals(mean + RcaServiceState.GAP_ALPHA * (50 - mean), e.gapMeanMs, 1e-12);
    }

    @Test
    void aFewCallsOverAWaitStepOfAQuietEdgeAreAStrongWaitAtOnce() {
        WaitLadder f = new WaitLadder();
        RcaServiceState.EdgeState e = new RcaServiceState.EdgeState();
        int warm = 200;
        for (int w = 0; w < warm; w++) {
            // two calls per window, each waiting under a millisecond: nothing over any step
            RcaServiceState.addGap(e, 0.5, T0 + w * 10_000L, 2, new long[EdgeStats.GAP_STEPS_MS.length]);
        }
        assertEquals(0.0, e.gapLevel, 1e-12);
        double baseCalls = 2 * (1 - Math.pow(1 - 0.01, warm)) / 0.01;
        assertEquals(baseCalls, e.gapBaseCalls, 1e-9);
        // three calls wait 250 ms each: over the 50, 100 and 200 ms steps. The mean (250 ms) alone would be
        // abnormal but not strong; the counts make it an episode at once
        long[] over = f.over(3, 250);
        assertEquals(List.of(3L, 3L, 3L, 0L, 0L, 0L, 0L), java.util.Arrays.stream(over).boxed().toList());
        double p0 = (0 + 0.01 * 50) / (baseCalls + 50);
        // the window alone: P(K >= 3 | 3, p0) = p0^3; with the two previous windows (4 calls, none over) it is
        // less surprising; Bonferroni over 7 steps x 2 scales
        double expected = -3 * Math.log10(p0) - Math.log10(14);
        assertEquals(expected, RcaServiceState.gapCountSurprise(e, 3, over), 1e-6);
        assertTrue(expected >= RcaServiceState.GAP_COUNT_SURPRISE);
        RcaServiceState.addGap(e, 250, T0 + warm * 10_000L, 3, over);
        assertEquals(1.0, e.gapLevel, 1e-12, "an episode in its first window");
        assertEquals(T0 + warm * 10_000L, e.gapOnsetMs);
        assertEquals(baseCalls, e.gapBaseCalls, 1e-9, "an abnormal window teaches nothing");
        // one call over a step is never enough, whatever its surprise
        RcaServiceState.EdgeState quiet = new RcaServiceState.EdgeState();
        for (int w = 0; w < warm; w++) {
            RcaServiceState.addGap(quiet, 0.5, T0 + w * 10_000L, 1, new long[EdgeStats.GAP_STEPS_MS.length]);
        }
        RcaServiceState.addGap(quiet, 30, T0 + warm * 10_000L, 1, f.over(1, 30));
        assertEquals(0.0, quiet.gapLevel, 1e-12);
    }

    static RcaInput waits(String caller, String callee, long t, int calls, long waitMs) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = calls;
        e.gapCount = calls;
        e.sumGapUs = calls * waitMs * 1000;
        e.gapOver = new WaitLadder().over(calls, waitMs);
        return RcaInput.of(e);
    }

    @Test
    void aStrongWaitInFrontOfAQuietServiceRaisesAnEdgeAlertOnItThatResolves() throws Exception {
        for (double bar : new double[] {0, 10}) {
            RcaHarness h = new RcaHarness(LOOKBACK, 3_600_000L, 0.8, bar);
            long t = T0;
            for (int w = 0; w < 200; w++) {
                t += 10_000;
                h.processElement(waits("frontend", "admin", t, 2, 0), t);
                h.processWatermark(t);
            }
            assertEquals(0, h.extractOutputValues().size());
            // three calls a window, each 300 ms late: the first window alone is below the bar of 10 (about 6.8),
            // with the previous windows the second is far above it
            long onset = t + 10_000;
            for (int w = 0; w < 3; w++) {
                t += 10_000;
                h.processElement(waits("frontend", "admin", t, 3, 300), t);
                h.processWatermark(t);
            }
            for (int w = 0; w < 12; w++) {
                t += 10_000;
                h.processElement(waits("frontend", "admin", t, 2, 0), t);
                h.processWatermark(t);
            }
            List<Alert> out = h.extractOutputValues();
            if (bar == 0) {
                assertEquals(0, out.size(), "edge alerts off");
                h.close();
                continue;
            }
            assertEquals(2, out.size(), () -> "alerts: " + out);
            Alert firing = out.get(0);
            assertEquals(AlertStatus.FIRING, firing.getStatus());
            assertEquals("admin", firing.getService());
            assertEquals(RcaServiceState.EDGE_ALERT_NAME, firing.getLabels().get("alertname"));
            assertEquals(onset, firing.getStartsAtMs());
            assertEquals(onset + 10_000, firing.getEventTimeMs());
            assertEquals(List.of("edge_wait_from_frontend"), firing.getMovedSignals());
            assertEquals("admin", firing.getRootCauses().get(0).getService());
            assertTrue(firing.getRootCauses().get(0).getReason().startsWith("calls from frontend wait"),
                    firing.getRootCauses().get(0).getReason());
            Alert resolved = out.get(1);
            assertEquals(AlertStatus.RESOLVED, resolved.getStatus());
            assertEquals(firing.getFingerprint(), resolved.getFingerprint());
            // the late calls end at onset + 20 s; the three-window test still sees them at + 30 s, the episode level
            // stays above its line one window more (+ 40 s), and then a minute without an abnormal window
            assertEquals(onset + 40_000 + 70_000, resolved.getEventTimeMs());
            h.close();
        }
    }

    @Test
    void aQuietServiceWhoseCallsFailRaisesAnEdgeErrorsAlertThatResolves() throws Exception {
        for (boolean alerts : new boolean[] {false, true}) {
            RcaHarness h = new RcaHarness(new RcaServiceState(LOOKBACK, 3_600_000L, 0.8, 10.0).withEdgeFailures(
                    new CountEvidence(CountEvidence.Config.defaults(), new long[0]), alerts), LOOKBACK, 3_600_000L, null,
                    null, true);
            long t = T0;
            // four calls a window from the gateway, one failing now and then (every 50th window)
            for (int w = 0; w < 200; w++) {
                t += 10_000;
                h.processElement(calls("gateway", "voucher", t, 4, w % 50 == 49 ? 1 : 0), t);
                h.processWatermark(t);
            }
            assertEquals(List.of(), h.extractOutputValues());
            // voucher fails 2 of its 4 calls a window for a minute, without status or a line of its own
            long onset = t + 10_000;
            for (int w = 0; w < 6; w++) {
                t += 10_000;
                h.processElement(calls("gateway", "voucher", t, 4, 2), t);
                h.processWatermark(t);
            }
            for (int w = 0; w < 30; w++) {
                t += 10_000;
                h.processElement(calls("gateway", "voucher", t, 4, 0), t);
                h.processWatermark(t);
            }
            List<Alert> out = h.extractOutputValues();
            if (!alerts) {
                assertEquals(List.of(), out, "edge-errors alerts off");
                h.close();
                continue;
            }
            assertEquals(2, out.size(), () -> "alerts: " + out);
            Alert firing = out.get(0);
            assertEquals(AlertStatus.FIRING, firing.getStatus());
            assertEquals("voucher", firing.getService());
            assertEquals(RcaServiceState.EDGE_ERRORS_ALERT_NAME, firing.getLabels().get("alertname"));
            assertEquals(List.of("edge_errors_from_gateway"), firing.getMovedSignals());
            // 2 of 4 alone is about 4.7 (-log10, two tests) against a share near 0.0012: the CUSUM adds 3.2 a window;
            // the scan over 3 windows sees 4 of 12 in the second failing window, above the bar of 8
            assertEquals(2, (firing.getEventTimeMs() - onset) / 10_000 + 1, "the failing window it fires in");
            assertEquals(onset - 10_000, firing.getStartsAtMs(), "the first window of the scan that found it");
            assertEquals("voucher", firing.getRootCauses().get(0).getService());
            assertTrue(firing.getRootCauses().get(0).getReason().startsWith("calls from gateway fail more than usual"),
                    firing.getRootCauses().get(0).getReason());
            Alert resolved = out.get(1);
            assertEquals(AlertStatus.RESOLVED, resolved.getStatus());
            assertEquals(firing.getFingerprint(), resolved.getFingerprint());
            // the scan over 18 windows holds the minute of failures until they leave it, then a minute below the bar
            assertEquals(25, (resolved.getEventTimeMs() - onset) / 10_000, "windows after the onset");
            h.close();
        }
    }

    /** The failing-voucher scenario above, on RocksDB, stopped after {@code stopAfter} windows and restored. */
    static List<String> failingVoucher(int stopAfter) throws Exception {
        RcaHarness h = null;
        RcaHarness.Snapshot snapshot = null;
        List<String> out = new ArrayList<>();
        long t = T0;
        for (int w = 0; w < 236; w++) {
            if (h == null) {
                h = new RcaHarness(new RcaServiceState(LOOKBACK, 3_600_000L, 0.8, 10.0).withEdgeFailures(
                        new CountEvidence(CountEvidence.Config.defaults(), new long[0]), true), LOOKBACK, 3_600_000L,
                        new EmbeddedRocksDBStateBackend(), snapshot, true);
            }
            t += 10_000;
            long errors = w >= 200 && w < 206 ? 2 : w < 200 && w % 50 == 49 ? 1 : 0;
            h.processElement(calls("gateway", "voucher", t, 4, errors), t);
            h.processWatermark(t);
            if (w + 1 == stopAfter) {
                snapshot = h.snapshot(1L);
                h.extractOutputValues().forEach(a -> out.add(a.getStatus() + "@" + a.getEventTimeMs()));
                h.close();
                h = null;
            }
        }
        h.extractOutputValues().forEach(a -> out.add(a.getStatus() + "@" + a.getEventTimeMs()));
        h.close();
        return out;
    }

    @Test
    void anEdgesFailureEvidenceSurvivesARestore() throws Exception {
        List<String> whole = failingVoucher(-1);
        assertEquals(2, whole.size(), whole::toString);
        // stopped in the first failing window: the count evidence and its ring come back from RocksDB
        assertEquals(whole, failingVoucher(201));
    }

    /** Builds wait-ladder counts as the edge window counts them. */
    static final class WaitLadder {
        long[] over(int calls, long waitMs) {
            EdgeStats s = new EdgeStats();
            for (int i = 0; i < calls; i++) {
                s.countGap(waitMs * 1000);
            }
            return s.gapOver;
        }
    }
}
