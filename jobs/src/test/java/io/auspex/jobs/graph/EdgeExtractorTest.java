package io.auspex.jobs.graph;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgeExtractorTest {
    static final long TTL = 60_000;
    static final int MAX_PARALLELISM = 128;
    EdgeExtractor op;
    GraphHarness h;

    @BeforeEach
    void setUp() throws Exception {
        op = new EdgeExtractor(TTL, 1000);
        h = harness(op, 1, 0, null);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    static GraphHarness harness(EdgeExtractor op, int parallelism,
            int subtask, OperatorSubtaskState restore) throws Exception {
        var harness = new GraphHarness(op, MAX_PARALLELISM, parallelism, subtask);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    static Telemetry span(String service, String id, String parent, SpanKind kind, boolean error) {
        return span(Fixtures.TRACE, service, id, parent, kind, error, 7000);
    }

    static Telemetry span(String trace, String service, String id, String parent, SpanKind kind, boolean error,
            long durationUs) {
        return Telemetry.of(Fixtures.span(service, id, parent, kind, T0).setTraceId(trace)
                .setStatusCode(error ? StatusCode.ERROR : StatusCode.OK).setDurationUs(durationUs).build());
    }

    static String trace(int i) {
        return String.format("%032x", i + 1);
    }

    @Test
    void parentFirst() throws Exception {
        h.processElement(span("frontend", "0000000000000001", null, SpanKind.SERVER, false), T0);
        h.processElement(span("frontend", "0000000000000002", "0000000000000001", SpanKind.CLIENT, false), T0);
        h.processElement(span("checkout", "0000000000000003", "0000000000000002", SpanKind.SERVER, true), T0);
        List<ServiceCall> out = h.extractOutputValues();
        assertEquals(1, out.size(), "frontend SERVER -> frontend CLIENT is not an edge");
        assertEquals("frontend->checkout", out.get(0).edge());
        assertTrue(out.get(0).error);
        assertEquals(7000, out.get(0).durationUs);
        assertEquals(0, op.pendingSpans(), "a paired CLIENT span leaves the buffer; the root SERVER span never enters it");
    }

    @Test
    void childBeforeParentWaitsThenJoins() throws Exception {
        h.processElement(span(Fixtures.TRACE, "payment", "0000000000000003", "0000000000000002", SpanKind.SERVER, false,
                7000), T0 + 5);
        assertEquals(0, h.extractOutputValues().size());
        assertEquals(1, op.pendingSpans());
        h.processElement(span(Fixtures.TRACE, "checkout", "0000000000000002", "0000000000000001", SpanKind.CLIENT, false,
                9500), T0 + 7);
        List<ServiceCall> out = h.extractOutputValues();
        assertEquals(List.of("checkout->payment"), out.stream().map(ServiceCall::edge).toList());
        assertEquals(2500, out.get(0).gapUs, "the client span's 9.5 ms minus the server span's 7 ms");
        assertEquals(T0, out.get(0).timeMs, "the callee span's start");
        assertEquals(T0 + 7, h.extractOutputStreamRecords().get(0).getTimestamp(), "the timestamp of the span that paired");
        assertEquals(0, op.pendingSpans());
    }

    @Test
    void stateIsClearedAfterTheTraceTtl() throws Exception {
        h.processElement(span("payment", "0000000000000003", "0000000000000002", SpanKind.SERVER, false), T0);
        h.processElement(span("checkout", "0000000000000009", "0000000000000008", SpanKind.CLIENT, false), T0);
        assertEquals(2, op.pendingSpans());
        assertEquals(0, h.numKeyedStateEntries(), "the buffer is on the heap, not in keyed state");
        assertEquals(0, h.numEventTimeTimers());
        h.processWatermark(Long.MIN_VALUE);
        h.processWatermark(T0 + TTL - 1);
        assertEquals(2, op.pendingSpans(), "not yet");
        h.processWatermark(T0 + TTL + 1000);
        assertEquals(0, op.pendingSpans());
        assertEquals(2, op.unpairedSpans(), "a child whose parent never came, a client call with no callee span");
        h.processElement(span("checkout", "0000000000000002", "0000000000000001", SpanKind.CLIENT, false), T0 + TTL + 1000);
        assertEquals(0, h.extractOutputValues().size(), "the child was dropped: no pair after the TTL");
    }

    @Test
    void onlySpansThatCrossServicesAreBuffered() throws Exception {
        h.processElement(span("frontend", "0000000000000001", null, SpanKind.SERVER, false), T0);
        h.processElement(span("frontend", "0000000000000002", "0000000000000001", SpanKind.INTERNAL, false), T0);
        h.processElement(span("frontend", "0000000000000004", null, SpanKind.CLIENT, false), T0);
        assertEquals(1, op.pendingSpans(), "only the CLIENT span waits (a root CLIENT span can still have a callee)");
        // a SERVER span whose parent is another service's SERVER span: no CLIENT span in between, no call
        h.processElement(span("checkout", "0000000000000003", "0000000000000001", SpanKind.SERVER, false), T0);
        assertEquals(0, h.extractOutputValues().size());
    }

    @Test
    void producerPairsWithEveryConsumer() throws Exception {
        h.processElement(span("orders", "0000000000000002", "0000000000000001", SpanKind.PRODUCER, false), T0);
        h.processElement(span("billing", "0000000000000003", "0000000000000002", SpanKind.CONSUMER, false), T0);
        h.processElement(span("shipping", "0000000000000004", "0000000000000002", SpanKind.CONSUMER, true), T0);
        assertEquals(List.of("orders->billing", "orders->shipping"),
                h.extractOutputValues().stream().map(ServiceCall::edge).toList());
        assertEquals(1, op.pendingSpans(), "the producer span stays for further consumers until the TTL");
        h.processWatermark(T0 + TTL);
        assertEquals(0, op.pendingSpans());
        assertEquals(0, op.unpairedSpans(), "the producer span had paired");
    }

    @Test
    void childrenWaitingForOneParentAllJoin() throws Exception {
        h.processElement(span("payment", "0000000000000003", "0000000000000002", SpanKind.CONSUMER, false), T0);
        h.processElement(span("fraud", "0000000000000004", "0000000000000002", SpanKind.CONSUMER, false), T0);
        assertEquals(2, op.pendingSpans());
        h.processElement(span("checkout", "0000000000000002", "0000000000000001", SpanKind.PRODUCER, false), T0);
        assertEquals(List.of("checkout->payment", "checkout->fraud"),
                h.extractOutputValues().stream().map(ServiceCall::edge).toList());
        assertEquals(1, op.pendingSpans(), "the producer span, for later consumers");
    }

    @Test
    void aTraceIdFloodIsBounded() throws Exception {
        for (int i = 0; i < 100_000; i++) {
            h.processElement(span(trace(i), "frontend", "0000000000000002", "0000000000000001", SpanKind.CLIENT, false,
                    7000), T0);
        }
        assertEquals(1000, op.pendingSpans());
        assertEquals(99_000, op.evictedSpans(), "the oldest client spans make way");
        // the newest spans still pair
        h.processElement(span(trace(99_999), "checkout", "0000000000000003", "0000000000000002", SpanKind.SERVER, false,
                7000), T0);
        assertEquals(List.of("frontend->checkout"), h.extractOutputValues().stream().map(ServiceCall::edge).toList());
        // children waiting for one flooded parent id count too: the first 1,000 push out the 999 client spans
        // left, then the entry itself goes whenever it holds 1,001 children (children 1,001, 2,002, 3,003, 4,004)
        for (int i = 0; i < 5000; i++) {
            h.processElement(span(Fixtures.TRACE, "checkout", String.format("%016x", i + 10), "00000000000000ff",
                    SpanKind.SERVER, false, 7000), T0);
        }
        assertEquals(996, op.pendingSpans());
        assertEquals(99_000 + 999 + 4 * 1001, op.evictedSpans());
        assertEquals(0, h.numKeyedStateEntries());
    }

    @Test
    void aWaitingPairCompletesAfterARestore() throws Exception {
        h.processElement(span("payment", "0000000000000003", "0000000000000002", SpanKind.SERVER, false), T0);
        h.processElement(span("orders", "0000000000000005", "0000000000000004", SpanKind.PRODUCER, false), T0);
        h.processElement(span("billing", "0000000000000006", "0000000000000005", SpanKind.CONSUMER, false), T0);
        OperatorSubtaskState snapshot = h.snapshot(1, T0);
        h.close();
        op = new EdgeExtractor(TTL, 1000);
        h = harness(op, 1, 0, snapshot);
        assertEquals(2, op.pendingSpans(), "the waiting SERVER span and the paired PRODUCER span");
        h.processElement(span(Fixtures.TRACE, "checkout", "0000000000000002", "0000000000000001", SpanKind.CLIENT, false,
                9000), T0);
        h.processElement(span("shipping", "0000000000000007", "0000000000000005", SpanKind.CONSUMER, false), T0);
        List<ServiceCall> out = h.extractOutputValues();
        assertEquals(List.of("checkout->payment", "orders->shipping"), out.stream().map(ServiceCall::edge).toList());
        assertEquals(2000, out.get(0).gapUs);
        h.processWatermark(T0 + TTL);
        assertEquals(0, op.unpairedSpans(), "the restored producer span kept its paired flag");
    }

    @Test
    void aRescaleKeepsEachTraceOnTheSubtaskOfItsKeyGroup() throws Exception {
        int traces = 50;
        for (int i = 0; i < traces; i++) {
            h.processElement(span(trace(i), "payment", "0000000000000003", "0000000000000002", SpanKind.SERVER, false,
                    7000), T0);
        }
        OperatorSubtaskState snapshot = h.snapshot(1, T0);
        h.close();
        List<EdgeExtractor> ops = new ArrayList<>();
        List<GraphHarness> hs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            EdgeExtractor o = new EdgeExtractor(TTL, 1000);
            ops.add(o);
            hs.add(harness(o, 2, i,
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, MAX_PARALLELISM, 1, 2, i)));
        }
        int[] owned = new int[2];
        for (int i = 0; i < traces; i++) {
            owned[KeyGroupRangeAssignment.assignKeyToParallelOperator(trace(i), MAX_PARALLELISM, 2)]++;
        }
        assertEquals(owned[0], ops.get(0).pendingSpans());
        assertEquals(owned[1], ops.get(1).pendingSpans());
        assertTrue(owned[0] > 0 && owned[1] > 0, "both subtasks own traces");
        int calls = 0;
        for (int i = 0; i < traces; i++) {
            int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(trace(i), MAX_PARALLELISM, 2);
            hs.get(subtask).processElement(span(trace(i), "checkout", "0000000000000002", "0000000000000001",
                    SpanKind.CLIENT, false, 9000), T0);
        }
        for (var x : hs) {
            calls += x.extractOutputValues().size();
            x.close();
        }
        assertEquals(traces, calls);
        h = harness(new EdgeExtractor(TTL, 1000), 1, 0, null);
    }
}
