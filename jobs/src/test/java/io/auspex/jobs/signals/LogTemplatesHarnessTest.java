package io.auspex.jobs.signals;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.models.logs.MinerConfig;
import io.auspex.models.logs.TemplateMiner;
import io.auspex.schemas.LogTemplateCount;
import io.auspex.schemas.ServiceSignals;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Log templates in the golden-signals window as the job builds it: a code fault whose only symptom
 * is ERROR lines (Train Ticket style: a service with spans and no failed span) shows as a template
 * going from 1 to 5 lines per window and a new exception template; the service's miner lives in
 * keyed state, survives a snapshot and restore, goes with the TTL, and stays bounded under a flood.
 */
class LogTemplatesHarnessTest {
    static final long W = 10_000;
    static final String ORDER_NOT_FOUND = "order <UUID> not found";
    static final String NPE = "java.lang.NullPointerException: Cannot invoke <STR> because <STR> is null";
    static final String REQUEST = "GET <PATH> took <NUM> ms";

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> unopened(LogTemplateSettings s)
            throws Exception {
        long[] thresholds = {300};
        OneInputStreamOperator<Telemetry, ServiceSignals> op = new SignalsWindowOperator(W,
                new SignalsAggregate(thresholds, MetricSignals.DEFAULTS, s),
                new SignalsWindowFunction(thresholds, MetricSignals.DEFAULTS, s), SignalsStage.LATE);
        return new KeyedOneInputStreamOperatorTestHarness<>(op, new ServiceKey(), Types.STRING);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> harness(LogTemplateSettings s)
            throws Exception {
        var h = unopened(s);
        h.open();
        return h;
    }

    static void log(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, long t, int severity,
            String body) throws Exception {
        h.processElement(Telemetry.of(Fixtures.log("orders", t, severity, body)), t);
    }

    static void span(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, long t)
            throws Exception {
        h.processElement(Telemetry.of(Fixtures.server("orders", t, 20_000, false)), t);
    }

    /** The id a template created with this text has (the same in every miner). */
    static String id(String text) {
        return TemplateMiner.idString(new TemplateMiner(MinerConfig.DEFAULTS).add(text, T0, false).id());
    }

    static LogTemplateCount count(String template, long count, long errors, long firstSeen, boolean isNew) {
        return LogTemplateCount.newBuilder().setTemplateId(id(template)).setTemplate(template).setCount(count)
                .setErrorCount(errors).setFirstSeenMs(firstSeen).setNewTemplate(isNew).build();
    }

    /** Window 0: three requests logged, one order not found. */
    static void quietWindow(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, long w)
            throws Exception {
        for (int i = 0; i < 3; i++) {
            span(h, w + 100 + i);
            log(h, w + 200 + i, 9, "GET /api/v1/orderservice/order/" + (1000 + i) + " took " + (12 + i) + " ms");
        }
        log(h, w + 500, 17, "order 5ad7750b-a68b-49c0-a8c0-32776b067703 not found");
    }

    /** Window 1: the fault: five orders not found, two new NullPointerExceptions, no failed span. */
    static void faultyWindow(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, long w)
            throws Exception {
        for (int i = 0; i < 2; i++) {
            span(h, w + 100 + i);
            log(h, w + 200 + i, 9, "GET /api/v1/orderservice/order/" + (2000 + i) + " took " + (40 + i) + " ms");
        }
        for (int i = 0; i < 5; i++) {
            log(h, w + 300 + i, 17, "order " + java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i}) + " not found");
        }
        log(h, w + 400, 17, "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null");
        log(h, w + 401, 17, "java.lang.NullPointerException: Cannot invoke \"String.trim()\" because \"id\" is null");
    }

    @Test
    void templatesAreCountedPerWindowAndANewOneIsFlagged() throws Exception {
        var h = harness(LogTemplateSettings.DEFAULTS);
        quietWindow(h, T0);
        faultyWindow(h, T0 + W);
        h.processWatermark(T0 + 2 * W);
        List<ServiceSignals> out = h.extractOutputValues();
        assertEquals(2, out.size());

        ServiceSignals w0 = out.get(0);
        assertEquals(List.of(count(REQUEST, 3, 0, T0 + 200, true), count(ORDER_NOT_FOUND, 1, 1, T0 + 500, true)),
                w0.getLogTemplates());
        assertEquals(0, w0.getUnlistedLogCount());
        assertEquals(0, w0.getUnlistedErrorLogCount());

        ServiceSignals w1 = out.get(1);
        // by count, then error count: 5 orders not found (seen before), 2 new exceptions, 2 requests
        assertEquals(List.of(count(ORDER_NOT_FOUND, 5, 5, T0 + 500, false), count(NPE, 2, 2, T0 + W + 400, true),
                count(REQUEST, 2, 0, T0 + 200, false)), w1.getLogTemplates());
        // errors only in logs: the spans are fine, error_log_count and the template counts agree
        assertEquals(2, w1.getRequestCount());
        assertEquals(0, w1.getErrorSpanCount());
        assertEquals(7, w1.getErrorLogCount());
        assertEquals(9, w1.getLogCount());
        assertEquals(w1.getErrorLogCount(), w1.getLogTemplates().stream().mapToLong(LogTemplateCount::getErrorCount).sum());
        assertEquals(w1.getLogCount(), w1.getLogTemplates().stream().mapToLong(LogTemplateCount::getCount).sum());
        assertEquals(0, w1.getUnlistedErrorLogCount());
        assertEquals(16, w1.getLogTemplates().get(0).getTemplateId().length());
        // the older, newest-error-templates field is as it was
        assertEquals(List.of("java.lang.NullPointerException: Cannot invoke \"String.trim()\" because \"id\" is null",
                "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null",
                "order <uuid> not found"), w1.getErrorLogTemplates());
        assertEquals(2, h.numKeyedStateEntries(),
                "the window state is gone, the service's miner and its newest window end stay");
        h.close();
    }

    @Test
    void theTemplatesDependOnTheWindowsContentNotOnArrivalOrder() throws Exception {
        List<String> lines = List.of("cache miss for key alpha", "cache miss for key beta", "cache miss for key gamma",
                "cache hit for key alpha");
        List<List<LogTemplateCount>> results = new java.util.ArrayList<>();
        for (List<String> order : List.of(lines, List.of(lines.get(3), lines.get(2), lines.get(0), lines.get(1)))) {
            var h = harness(LogTemplateSettings.DEFAULTS);
            for (int i = 0; i < order.size(); i++) {
                log(h, T0 + 1, 9, order.get(i));
            }
            h.processWatermark(T0 + W);
            results.add(h.extractOutputValues().get(0).getLogTemplates());
            h.close();
        }
        assertEquals(results.get(0), results.get(1));
        // the first text in text order (not gamma, the first to arrive in the second run) starts the template
        // and gives it its id; hit and miss differ in a leading token, so they are two templates
        LogTemplateCount miss = LogTemplateCount.newBuilder(count("cache miss for key <*>", 3, 0, T0 + 1, true))
                .setTemplateId(id("cache miss for key alpha")).build();
        assertEquals(List.of(miss, count("cache hit for key alpha", 1, 0, T0 + 1, true)), results.get(0));
    }

    @Test
    void aWindowWithoutLogsTouchesNoMinerAndMiningCanBeTurnedOff() throws Exception {
        var h = harness(LogTemplateSettings.DEFAULTS);
        span(h, T0 + 1);
        h.processWatermark(T0 + W);
        assertEquals(List.of(), h.extractOutputValues().get(0).getLogTemplates());
        assertEquals(1, h.numKeyedStateEntries(), "no miner: only the service's newest window end");
        h.close();

        var off = harness(new LogTemplateSettings(0, MinerConfig.DEFAULTS));
        quietWindow(off, T0);
        off.processWatermark(T0 + W);
        ServiceSignals s = off.extractOutputValues().get(0);
        assertEquals(List.of(), s.getLogTemplates());
        assertEquals(4, s.getUnlistedLogCount());
        assertEquals(1, s.getUnlistedErrorLogCount());
        assertEquals(1, s.getErrorLogCount());
        assertEquals(1, off.numKeyedStateEntries(), "no miner: only the service's newest window end");
        off.close();
    }

    @Test
    void theMinerSurvivesASnapshotAndRestore() throws Exception {
        var before = harness(LogTemplateSettings.DEFAULTS);
        quietWindow(before, T0);
        before.processWatermark(T0 + W);
        OperatorSubtaskState snapshot = before.snapshot(1L, T0 + W);
        before.close();

        var after = unopened(LogTemplateSettings.DEFAULTS);
        after.setup();
        after.initializeState(snapshot);
        after.open();
        assertEquals(2, after.numKeyedStateEntries(), "the miner and the newest window end");
        faultyWindow(after, T0 + W);
        after.processWatermark(T0 + 2 * W);
        assertEquals(List.of(count(ORDER_NOT_FOUND, 5, 5, T0 + 500, false), count(NPE, 2, 2, T0 + W + 400, true),
                count(REQUEST, 2, 0, T0 + 200, false)), after.extractOutputValues().get(0).getLogTemplates(),
                "the same ids, first-seen times and new flags as without the restore");
        after.close();
    }

    @Test
    void theMinerGoesWithTheTtlAndTemplatesExpireInEventTime() throws Exception {
        var h = harness(LogTemplateSettings.DEFAULTS);
        h.setStateTtlProcessingTime(0);
        quietWindow(h, T0);
        h.processWatermark(T0 + W);
        // 6 h of processing time without a window with logs: the miner state has expired
        h.setStateTtlProcessingTime(SignalsWindowFunction.STATE_TTL.toMillis() + 1);
        quietWindow(h, T0 + W);
        h.processWatermark(T0 + 2 * W);
        assertEquals(List.of(count(REQUEST, 3, 0, T0 + W + 200, true), count(ORDER_NOT_FOUND, 1, 1, T0 + W + 500, true)),
                h.extractOutputValues().get(1).getLogTemplates());

        // a template not seen for 6 h of event time leaves the (live) miner at the next window with logs
        long later = T0 + SignalsWindowFunction.STATE_TTL.toMillis() + 2 * W;
        log(h, later + 1, 9, "GET /api/v1/orderservice/order/7 took 1 ms");
        log(h, later + 2, 17, "order 5ad7750b-a68b-49c0-a8c0-32776b067703 not found");
        h.processWatermark(later + W);
        List<LogTemplateCount> t = h.extractOutputValues().get(2).getLogTemplates();
        assertEquals(List.of(count(ORDER_NOT_FOUND, 1, 1, later + 2, true), count(REQUEST, 1, 0, later + 1, true)), t,
                "equal counts: the one with errors first");
        h.close();
    }

    @Test
    void aFloodOfUniqueLinesStaysBounded() throws Exception {
        LogTemplateSettings s = new LogTemplateSettings(200, MinerConfig.DEFAULTS.withMaxClusters(64));
        var h = harness(s);
        Random rnd = new Random(7);
        for (int w = 0; w < 3; w++) {
            long start = T0 + w * W;
            for (int i = 0; i < 5_000; i++) {
                StringBuilder line = new StringBuilder("event");
                for (int k = rnd.nextInt(8); k >= 0; k--) {
                    line.append(' ').append(Long.toString(rnd.nextLong() >>> 1, 36).replaceAll("[0-9]", "z"));
                }
                log(h, start + i % W, 9, line.toString());
            }
            for (int i = 0; i < 3; i++) {
                log(h, start + 9_000 + i, 17, "order 5ad7750b-a68b-49c0-a8c0-32776b06770" + i + " not found");
            }
        }
        h.processWatermark(T0 + 3 * W);
        List<ServiceSignals> out = h.extractOutputValues();
        assertEquals(3, out.size());
        for (int w = 0; w < 3; w++) {
            ServiceSignals sig = out.get(w);
            assertEquals(5_003, sig.getLogCount());
            assertEquals(3, sig.getErrorLogCount());
            assertEquals(LogTemplateSettings.MAX_LISTED, sig.getLogTemplates().size(), "every template is new: capped");
            long listed = sig.getLogTemplates().stream().mapToLong(LogTemplateCount::getCount).sum();
            assertEquals(5_003, listed + sig.getUnlistedLogCount());
            // the error line has its reserved room in the window and is the most frequent template
            assertEquals(count(ORDER_NOT_FOUND, 3, 3, T0 + 9_000, w == 0), sig.getLogTemplates().get(0));
            assertEquals(0, sig.getUnlistedErrorLogCount());
        }
        // 150 one-off texts per window kept, 3 windows: the miner holds its bound and the recurring template
        KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        backend.setCurrentKey("orders");
        ValueState<TemplateMiner> state = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, SignalsWindowFunction.MINER);
        TemplateMiner miner = state.value();
        assertEquals(64, miner.size());
        assertTrue(miner.templates().stream().anyMatch(t -> t.template().equals(ORDER_NOT_FOUND)));
        assertEquals(2, h.numKeyedStateEntries(), "the miner and the newest window end");
        h.close();
    }
}
