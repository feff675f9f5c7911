package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.signals.LatencyLadder;
import io.auspex.models.evidence.CountEvidence;
import io.auspex.models.evidence.CountEvidenceState;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.ServiceSignals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The count-aware evidence in the evidence function and the alert rule: a quiet service's strong change alerts at once. */
class CountEvidencePathTest {
    static final long RETIRE = 3_600_000;
    static final CountEvidence COUNTS = new CountEvidence(CountEvidence.Config.defaults(), CountEvidence.DEFAULT_LADDER_MS);

    /** A quiet window: {@code n} requests of about {@code ms}, {@code errors} of them failed, {@code errorLogs} error lines. */
    static ServiceSignals quiet(long t, int n, double ms, int errors, int errorLogs) {
        Map<String, Long> ladder = new HashMap<>();
        for (long step : CountEvidence.DEFAULT_LADDER_MS) {
            ladder.put(Long.toString(step), ms > step ? (long) n : 0L);
        }
        return Fixtures.signals("quiet", t).setRequestCount(n).setTrafficRps(n / 10.0).setErrorSpanCount(errors)
                .setErrorRatio(n == 0 ? 0 : errors / (double) n).setErrorLogCount(errorLogs)
                .setLatencyP50Ms(ms).setLatencyP99Ms(ms).setLatencyLadderMs(ladder).build();
    }

    static ServiceSignals withTemplate(ServiceSignals s, String id, long errors) {
        return ServiceSignals.newBuilder(s).setLogTemplates(List.of(io.auspex.schemas.LogTemplateCount.newBuilder()
                .setTemplateId(id).setTemplate("payment declined <NUM>").setCount(errors).setErrorCount(errors)
                .setFirstSeenMs(s.getWindowEndMs() - 1).setNewTemplate(false).build())).build();
    }

    /**
     * Error lines per template are counts of their own in the evidence, exactly as the model takes
     * them; {@code withoutTemplateEvidence} gives exactly the model without them, and the two differ
     * when a template that never failed starts failing.
     */
    @Test
    void templateErrorsCountAsTheModelTakesThemAndCanBeTurnedOff() throws Exception {
        double[] burst = new double[2];
        for (boolean templates : new boolean[] {true, false}) {
            EvidenceFunction fn = new EvidenceFunction(0.8, 0.3, RETIRE, null, COUNTS);
            KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> h =
                    ProcessFunctionTestHarnesses.forKeyedProcessFunction(templates ? fn : fn.withoutTemplateEvidence(),
                            ServiceSignals::getServiceName, Types.STRING);
            CountEvidenceState expected = new CountEvidenceState();
            long t = T0;
            for (int i = 0; i < 203; i++) {
                t += 10_000;
                // one error line now and then from template a, then 3 a window from b, which never failed
                boolean b = i >= 200;
                int lines = b ? 3 : i % 40 == 0 ? 1 : 0;
                ServiceSignals s = quiet(t, 3, 20, 0, lines);
                if (lines > 0) {
                    s = withTemplate(s, b ? "00000000000000bb" : "00000000000000aa", lines);
                }
                h.processElement(s, t);
                CountEvidence.Result r = COUNTS.observe(expected, new CountEvidence.Window(t, 3, 0, lines,
                        LatencyLadder.aligned(s.getLatencyLadderMs()), templates && lines > 0
                                ? Map.of(b ? "00000000000000bb" : "00000000000000aa", (long) lines) : null));
                assertEquals(r.evidence(), h.extractOutputValues().get(i).countEvidence, 1e-12, "window " + i);
            }
            burst[templates ? 0 : 1] = h.extractOutputValues().get(202).countEvidence;
            h.close();
        }
        assertTrue(burst[0] > burst[1], () -> "with templates " + burst[0] + ", without " + burst[1]);
    }

    @Test
    void evidenceMatchesTheModelAndClearsWithTheService() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ServiceSignals, ServiceEvidence> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new EvidenceFunction(0.8, 0.3, RETIRE, null, COUNTS), ServiceSignals::getServiceName,
                        Types.STRING);
        CountEvidenceState expected = new CountEvidenceState();
        long t = T0;
        for (int i = 0; i < 200; i++) {
            t += 10_000;
            ServiceSignals s = quiet(t, 1 + i % 5, 20, 0, i % 40 == 0 ? 1 : 0);
            h.processElement(s, t);
            COUNTS.observe(expected, new CountEvidence.Window(t, s.getRequestCount(), 0, s.getErrorLogCount(),
                    LatencyLadder.aligned(s.getLatencyLadderMs())));
        }
        assertTrue(h.extractOutputValues().stream().allMatch(e -> e.countLevel < 1), "steady quiet traffic");
        // CPU contention: 4 requests, each 15x slower
        t += 10_000;
        ServiceSignals slow = quiet(t, 4, 300, 0, 0);
        h.processElement(slow, t);
        CountEvidence.Result r = COUNTS.observe(expected, new CountEvidence.Window(t, 4, 0, 0,
                LatencyLadder.aligned(slow.getLatencyLadderMs())));
        ServiceEvidence e = h.extractOutputValues().get(200);
        assertEquals(r.evidence(), e.countEvidence, 1e-12);
        assertEquals(1.0, e.countLevel, "one window of 4 requests 15x slower is at the bar");
        assertEquals(t, e.countOnsetMs);
        assertTrue(e.countSignal.startsWith(CountEvidence.LATENCY_PREFIX), e.countSignal);
        assertEquals(3, h.numKeyedStateEntries(), "baselines, onset detectors, count evidence");
        h.processWatermark(t + RETIRE + EvidenceFunction.TIMER_GRAIN_MS);
        assertEquals(0, h.numKeyedStateEntries());
        h.close();
    }

    @Test
    void windowsWithoutRequestsDoNotTeachTheLatencyBaselinesZero() {
        SignalBaselines.BaselineState st = new SignalBaselines.BaselineState();
        for (int i = 0; i < 40; i++) {
            SignalBaselines.scoreAndUpdate(st, quiet(T0 + i * 10_000L, 3, 20, 0, 0));
        }
        double p50 = st.mean[2];
        for (int i = 40; i < 80; i++) {
            SignalBaselines.scoreAndUpdate(st, quiet(T0 + i * 10_000L, 0, 0, 0, 0));
        }
        assertEquals(p50, st.mean[2], "no request, no latency value");
        assertEquals(20.0, p50, 1e-9);
    }

    @Test
    void countEvidenceAtItsBarFiresAtOnceAndNamesTheTest() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ServiceEvidence, Alert> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new AnomalyAlertFunction(6), x -> x.service,
                        Types.STRING);
        ServiceEvidence weak = new ServiceEvidence();
        weak.service = "quiet";
        weak.windowEndMs = T0 + 10_000;
        weak.countEvidence = 4;
        weak.countLevel = 0.5;
        weak.countSignal = "error_logs";
        weak.countOnsetMs = T0 + 10_000;
        weak.modelScore = Double.NaN;
        h.processElement(weak, T0);
        assertEquals(0, h.extractOutputValues().size(), "below the bar: no alert");
        ServiceEvidence strong = new ServiceEvidence();
        strong.service = "quiet";
        strong.windowEndMs = T0 + 20_000;
        strong.countEvidence = 9;
        strong.countLevel = 1.0;
        strong.countSignal = "error_logs";
        strong.countOnsetMs = T0 + 10_000;
        strong.modelScore = Double.NaN;
        h.processElement(strong, T0);
        List<Alert> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(AlertStatus.FIRING, out.get(0).getStatus());
        assertEquals(T0 + 10_000, out.get(0).getStartsAtMs(), "starts where the evidence began to accumulate");
        assertEquals(T0 + 20_000, out.get(0).getEventTimeMs());
        assertEquals(List.of("error_logs"), out.get(0).getMovedSignals());
        assertTrue(out.get(0).getAnnotations().get("description").contains("count evidence 9.0 (error_logs)"));
        h.close();
    }
}
