package io.auspex.jobs.graph;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgeExtractorTest {
    static final long TTL = 60_000;
    KeyedOneInputStreamOperatorTestHarness<String, Span, ServiceCall> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new EdgeExtractor(TTL), Span::getTraceId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    static Span span(String service, String id, String parent, SpanKind kind, boolean error) {
        return Fixtures.span(service, id, parent, kind, T0).setStatusCode(error ? StatusCode.ERROR : StatusCode.OK)
                .setDurationUs(7000).build();
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
    }

    @Test
    void childBeforeParentWaitsThenJoins() throws Exception {
        h.processElement(span("payment", "0000000000000003", "0000000000000002", SpanKind.SERVER, false), T0);
        assertEquals(0, h.extractOutputValues().size());
        h.processElement(span("checkout", "0000000000000002", "0000000000000001", SpanKind.CLIENT, false), T0);
        assertEquals(List.of("checkout->payment"), h.extractOutputValues().stream().map(ServiceCall::edge).toList());
    }

    @Test
    void stateIsClearedAfterTheTraceTtl() throws Exception {
        h.processElement(span("payment", "0000000000000003", "0000000000000002", SpanKind.SERVER, false), T0);
        assertEquals(1, h.numEventTimeTimers());
        assertTrue(h.numKeyedStateEntries() >= 2);
        h.processWatermark(T0 + TTL - 1);
        assertTrue(h.numKeyedStateEntries() >= 2, "not yet");
        h.processWatermark(T0 + TTL + 1000);
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numEventTimeTimers());
    }
}
