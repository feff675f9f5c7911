package io.auspex.jobs.graph;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A caller's ERROR line that follows a call its span made says the call failed, when nothing else did. */
class CallErrorLogsTest {
    static final long TTL = 60_000;
    static final long WINDOW = 100;
    static final String T = Fixtures.TRACE;
    EdgeExtractor op;
    GraphHarness h;

    @BeforeEach
    void setUp() throws Exception {
        op = new EdgeExtractor(TTL, 1000, WINDOW);
        h = EdgeExtractorTest.harness(op, 1, 0, null);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /** A span without status or HTTP code, as an uninstrumented failure leaves it. */
    static Telemetry span(String trace, String service, String id, String parent, SpanKind kind, long startMs,
            long durationUs, boolean error) {
        return Telemetry.of(Fixtures.span(service, id, parent, kind, startMs).setTraceId(trace)
                .setStatusCode(error ? StatusCode.ERROR : StatusCode.UNSET).setHttpStatusCode(null)
                .setDurationUs(durationUs).build());
    }

    /** A line about a failed call, naming every callee of these tests. */
    static Telemetry line(String trace, String service, String spanId, long t, int severity) {
        return line(trace, service, spanId, t, severity,
                "request failed: call to Payment / inventory / checkout returned 500", Map.of());
    }

    static Telemetry line(String trace, String service, String spanId, long t, int severity, String body,
            Map<String, String> attributes) {
        LogRecord l = LogRecord.newBuilder(Fixtures.log(service, t, severity, body))
                .setTraceId(trace).setSpanId(spanId).setAttributes(attributes).build();
        return Telemetry.of(l);
    }

    void in(Telemetry t) throws Exception {
        h.processElement(t, t.eventTimeMs());
    }

    /** checkout's server span s1 calls payment: CLIENT c1 from T0+10 to T0+22, payment's SERVER p1 inside it. */
    void checkoutCallsPayment(String trace, boolean error) throws Exception {
        in(span(trace, "checkout", "00000000000000s1", null, SpanKind.SERVER, T0, 40_000, false));
        in(span(trace, "checkout", "00000000000000c1", "00000000000000s1", SpanKind.CLIENT, T0 + 10, 12_000, error));
        in(span(trace, "payment", "00000000000000p1", "00000000000000c1", SpanKind.SERVER, T0 + 11, 10_000, error));
    }

    List<ServiceCall> failures() {
        return h.extractOutputValues().stream().filter(c -> c.failureOnly).toList();
    }

    @Test
    void aCallersErrorLineAfterASilentCallIsThatCallFailing() throws Exception {
        checkoutCallsPayment(T, false);
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17));
        h.processWatermark(T0 + 24);
        assertEquals(List.of(), failures(), "not decided before the watermark passes the line");
        h.processWatermark(T0 + 25);
        List<StreamRecord<? extends ServiceCall>> out = h.extractOutputStreamRecords();
        assertEquals(2, out.size());
        assertFalse(out.get(0).getValue().failureOnly, "the call itself, counted when its spans paired");
        assertFalse(out.get(0).getValue().error);
        ServiceCall f = out.get(1).getValue();
        assertTrue(f.failureOnly && f.error);
        assertEquals("checkout->payment", f.edge());
        assertEquals(T0 + 25, out.get(1).getTimestamp(), "the call ended at T0+22; the watermark T0+24 had gone on");
        assertEquals(1, op.callLogs().attributed);
        assertEquals(0, op.callLogs().notAttributed);
    }

    @Test
    void aLineThatComesBeforeTheSpansWaitsForThem() throws Exception {
        h.processWatermark(T0);
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 21));
        checkoutCallsPayment(T, false);
        h.processWatermark(T0 + 30);
        List<StreamRecord<? extends ServiceCall>> out = h.extractOutputStreamRecords();
        assertEquals("checkout->payment", failures().get(0).edge(), "a FATAL line counts as an error line");
        assertEquals(T0 + 22, out.get(1).getTimestamp(), "stamped with the call's end, past the watermark T0");
    }

    @Test
    void theLastCallBeforeTheLineIsBlamedOnce() throws Exception {
        checkoutCallsPayment(T, false);
        in(span(T, "checkout", "00000000000000c2", "00000000000000s1", SpanKind.CLIENT, T0 + 23, 5_000, false));
        in(span(T, "inventory", "00000000000000i2", "00000000000000c2", SpanKind.SERVER, T0 + 24, 3_000, false));
        in(line(T, "checkout", "00000000000000s1", T0 + 30, 17));
        in(line(T, "checkout", "00000000000000s1", T0 + 31, 17));
        h.processWatermark(T0 + 40);
        assertEquals(List.of("checkout->inventory"), failures().stream().map(ServiceCall::edge).toList(),
                "the call that ended last (T0+28) before the line; the second line is about the same failure");
        assertEquals(1, op.callLogs().attributed);
        assertEquals(1, op.callLogs().notAttributed);
    }

    @Test
    void noBlameWhenTheCalleeLoggedItOrTheSpansSaidSo() throws Exception {
        checkoutCallsPayment(T, false);
        in(line(T, "payment", "00000000000000p1", T0 + 20, 17));
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17));
        String other = String.format("%032x", 7);
        checkoutCallsPayment(other, true);
        in(line(other, "checkout", "00000000000000s1", T0 + 25, 17));
        h.processWatermark(T0 + 40);
        assertEquals(List.of(), failures(), "payment logged the failure itself; the other call had an error status");
        assertTrue(h.extractOutputValues().get(1).error, "the failed call is counted from its status");
        assertEquals(0, op.callLogs().attributed);
        assertEquals(3, op.callLogs().notAttributed, "payment's own line has no call under it either");
    }

    @Test
    void inAChainOnlyTheDeepestSilentLinkIsBlamed() throws Exception {
        // gateway -> checkout -> payment; payment fails silently, checkout and gateway both log it
        in(span(T, "gateway", "00000000000000g1", null, SpanKind.SERVER, T0, 60_000, false));
        in(span(T, "gateway", "00000000000000g2", "00000000000000g1", SpanKind.CLIENT, T0 + 2, 45_000, false));
        in(span(T, "checkout", "00000000000000s1", "00000000000000g2", SpanKind.SERVER, T0 + 3, 40_000, false));
        in(span(T, "checkout", "00000000000000c1", "00000000000000s1", SpanKind.CLIENT, T0 + 10, 12_000, false));
        in(span(T, "payment", "00000000000000p1", "00000000000000c1", SpanKind.SERVER, T0 + 11, 10_000, false));
        in(line(T, "checkout", "00000000000000s1", T0 + 24, 17));
        in(line(T, "gateway", "00000000000000g1", T0 + 48, 17));
        h.processWatermark(T0 + 50);
        assertEquals(List.of("checkout->payment"), failures().stream().map(ServiceCall::edge).toList());
    }

    @Test
    void aLineThatNamesNoPeerIsTheCallersOwnFailure() throws Exception {
        checkoutCallsPayment(T, false);
        // a wrong result checkout found itself after payment answered well: payment is not to blame
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17,
                "inconsistent result in POST /checkout of checkout: expected checksum 1f2e, got 99ab", Map.of()));
        h.processWatermark(T0 + 40);
        assertEquals(List.of(), failures());
        assertEquals(1, op.callLogs().notAttributed);
    }

    @Test
    void theClientSpansPeerAddressInTheExceptionNamesTheCallee() throws Exception {
        String[] traces = {String.format("%032x", 11), String.format("%032x", 12), String.format("%032x", 13)};
        for (String trace : traces) {
            in(span(trace, "ts-preserve-service", "00000000000000s1", null, SpanKind.SERVER, T0, 40_000, false));
            Telemetry client = span(trace, "ts-preserve-service", "00000000000000c1", "00000000000000s1",
                    SpanKind.CLIENT, T0 + 10, 12_000, false);
            client.span.setAttributes(Map.of("server.address", "ts-order-svc", "url.path", "/api/v1/orders"));
            in(client);
            in(span(trace, "ts-order-service", "00000000000000p1", "00000000000000c1", SpanKind.SERVER, T0 + 11,
                    10_000, false));
        }
        in(line(traces[0], "ts-preserve-service", "00000000000000s1", T0 + 23, 17, "Servlet.service() threw exception",
                Map.of("exception.type", "org.springframework.web.client.HttpServerErrorException",
                        "exception.message", "500 on POST request for \"http://TS-ORDER-SVC:12031/api/v1/orders\"")));
        // a word inside another word is no name: "ts-order-svcs" is not "ts-order-svc"
        in(line(traces[1], "ts-preserve-service", "00000000000000s1", T0 + 23, 17,
                "lookup of ts-order-svcs failed", Map.of()));
        in(line(traces[2], "ts-preserve-service", "00000000000000s1", T0 + 23, 17,
                "GET /api/v1/orders answered nothing", Map.of()));
        h.processWatermark(T0 + 40);
        assertEquals(List.of("ts-preserve-service->ts-order-service", "ts-preserve-service->ts-order-service"),
                failures().stream().map(ServiceCall::edge).toList(), "the host in the exception, the path in the body");
        assertEquals(1, op.callLogs().notAttributed);
    }

    @Test
    void aUrlGivesItsHostAndItsPath() {
        java.util.List<String> names = new java.util.ArrayList<>();
        CallErrorLogs.peerNames("url.full", "http://user@ts-order-service:12031/api/v1/orderservice/order?id=7", names);
        CallErrorLogs.peerNames("http.target", "/api/v1/orderservice/order?id=7#x", names);
        CallErrorLogs.peerNames("http.url", "https://[::1]:8443/", names);
        CallErrorLogs.peerNames("peer.service", "db", names);
        assertEquals(List.of("ts-order-service", "/api/v1/orderservice/order", "[::1]"), names,
                "the host, the path without its query (once), an IPv6 host; the root path and short names left out");
    }

    @Test
    void namesAreWholeWords() {
        assertTrue(CallErrorLogs.namesWord("post http://ts-order-service:8080/x", "TS-ORDER-SERVICE"));
        assertTrue(CallErrorLogs.namesWord("payment", "payment"));
        assertFalse(CallErrorLogs.namesWord("author not found", "auth"));
        assertFalse(CallErrorLogs.namesWord("auth2 failed", "auth"));
        assertTrue(CallErrorLogs.namesWord("auth2 failed; auth failed", "auth"), "a later occurrence");
        assertFalse(CallErrorLogs.namesWord("db down", "db"), "names shorter than 3 are not looked for");
        assertTrue(CallErrorLogs.namesWord("post http://host:8080/api/v1/orders/17", "/api/v1/orders"), "a path");
        assertFalse(CallErrorLogs.namesWord("inconsistent result in get /search of gateway", "search"),
                "a segment of the caller's own route");
        assertTrue(CallErrorLogs.namesWord("get http://search/items failed", "search"), "a host");
    }

    @Test
    void aLineLongAfterTheCallOrWithoutOneIsNotAttributed() throws Exception {
        checkoutCallsPayment(T, false);
        in(line(T, "checkout", "00000000000000s1", T0 + 22 + WINDOW + 1, 17));
        in(line(T, "checkout", "00000000000000s9", T0 + 30, 17));
        in(line(T, "checkout", "00000000000000s1", T0 + 20, 17));
        h.processWatermark(T0 + 1_000);
        assertEquals(List.of(), failures(), "101 ms after the call; in a span without calls; before the call ended");
        assertEquals(3, op.callLogs().notAttributed);
    }

    @Test
    void onlyErrorLinesWrittenInASpanComeIn() {
        assertEquals(GraphEvent.Kind.LINE, GraphEvent.from(line(T, "checkout", "00000000000000s1", T0, 17), true).kind);
        assertNull(GraphEvent.from(line(T, "checkout", "00000000000000s1", T0, 13), true), "WARN");
        assertNull(GraphEvent.from(line(null, "checkout", "00000000000000s1", T0, 17), true));
        assertNull(GraphEvent.from(line(T, "checkout", "0000000000000000", T0, 17), true), "an all-zero span id is no span");
        assertNull(GraphEvent.from(line(T, "checkout", "00000000000000s1", T0, 17), false), "the attribution is off");
    }

    @Test
    void onlySpansThatCanCrossServicesComeIn() {
        for (boolean lines : new boolean[] {true, false}) {
            assertNull(GraphEvent.from(span(T, "checkout", "00000000000000s1", null, SpanKind.SERVER, T0, 1, false), lines),
                    "a root span is nobody's callee");
            assertNull(GraphEvent.from(span(T, "checkout", "00000000000000i1", "00000000000000s1", SpanKind.INTERNAL, T0, 1,
                    false), lines));
            assertNull(GraphEvent.from(span(T, "checkout", "00000000000000u1", "00000000000000s1", SpanKind.UNSPECIFIED, T0,
                    1, false), lines));
            assertEquals(GraphEvent.Kind.SERVER, GraphEvent.from(span(T, "payment", "00000000000000p1",
                    "00000000000000c1", SpanKind.SERVER, T0, 1, false), lines).kind);
            assertEquals(GraphEvent.Kind.SERVER, GraphEvent.from(span(T, "payment", "00000000000000p1",
                    "00000000000000c1", SpanKind.CONSUMER, T0, 1, false), lines).kind);
            assertEquals(GraphEvent.Kind.CLIENT, GraphEvent.from(span(T, "checkout", "00000000000000c1", null,
                    SpanKind.CLIENT, T0, 1, false), lines).kind);
            assertEquals(GraphEvent.Kind.PRODUCER, GraphEvent.from(span(T, "checkout", "00000000000000c1",
                    "00000000000000s1", SpanKind.PRODUCER, T0, 1, false), lines).kind);
        }
    }

    @Test
    void offByDefaultConstructorNothingIsIndexed() throws Exception {
        h.close();
        op = new EdgeExtractor(TTL, 1000);
        h = EdgeExtractorTest.harness(op, 1, 0, null);
        checkoutCallsPayment(T, false);
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17));
        h.processWatermark(T0 + 40);
        assertEquals(List.of(), failures());
        assertEquals(0, op.callLogs().size());
    }

    @Test
    void stateIsClearedOnceTheWatermarkHasPassed() throws Exception {
        checkoutCallsPayment(T, false);
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17));
        assertEquals(3, op.callLogs().size(), "the call, the waiting line, the span it was written in");
        h.processWatermark(T0 + 25);
        assertEquals(2, op.callLogs().size(), "the line was decided");
        h.processWatermark(T0 + 22 + WINDOW + CallErrorLogs.SKEW_MS);
        assertEquals(2, op.callLogs().size(), "a line at the window's edge may still need the call");
        h.processWatermark(T0 + 22 + WINDOW + CallErrorLogs.SKEW_MS + 1);
        assertEquals(1, op.callLogs().size(), "the span with an error line stays for the trace TTL");
        h.processWatermark(T0 + 25 + TTL + 1);
        assertEquals(0, op.callLogs().size());
        assertEquals(0, h.numKeyedStateEntries());
    }

    @Test
    void aWaitingLineAndItsCallSurviveARestore() throws Exception {
        checkoutCallsPayment(T, false);
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17));
        OperatorSubtaskState snapshot = h.snapshot(1, T0);
        h.close();
        op = new EdgeExtractor(TTL, 1000, WINDOW);
        h = EdgeExtractorTest.harness(op, 1, 0, snapshot);
        assertEquals(3, op.callLogs().size());
        in(line(T, "checkout", "00000000000000s1", T0 + 26, 17));
        h.processWatermark(T0 + 30);
        assertEquals(List.of("checkout->payment"), failures().stream().map(ServiceCall::edge).toList(),
                "once: the restored call remembers it was blamed by the first line");
    }

    @Test
    void aClientSpanWaitingForItsCalleeAcrossARestoreKeepsWhatTheLineNeeds() throws Exception {
        in(span(T, "checkout", "00000000000000s1", null, SpanKind.SERVER, T0, 40_000, false));
        Telemetry client = span(T, "checkout", "00000000000000c1", "00000000000000s1", SpanKind.CLIENT, T0 + 10,
                12_000, false);
        client.span.setAttributes(Map.of("server.address", "pay-svc.prod"));
        in(client);
        OperatorSubtaskState snapshot = h.snapshot(1, T0);
        h.close();
        op = new EdgeExtractor(TTL, 1000, WINDOW);
        h = EdgeExtractorTest.harness(op, 1, 0, snapshot);
        in(span(T, "payment", "00000000000000p1", "00000000000000c1", SpanKind.SERVER, T0 + 11, 10_000, false));
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17, "POST https://pay-svc.prod/charge: 502", Map.of()));
        h.processWatermark(T0 + 30);
        List<StreamRecord<? extends ServiceCall>> out = h.extractOutputStreamRecords();
        assertEquals(List.of("checkout->payment"), failures().stream().map(ServiceCall::edge).toList(),
                "the restored client span kept its caller span, its end and its peer address");
        assertEquals(T0 + 22, out.get(1).getTimestamp());
    }

    @Test
    void aLateLineIsDecidedAtOnceJustPastTheWatermark() throws Exception {
        h.processWatermark(T0 + 1_000);
        checkoutCallsPayment(T, false);
        in(line(T, "checkout", "00000000000000s1", T0 + 25, 17));
        List<StreamRecord<? extends ServiceCall>> out = h.extractOutputStreamRecords();
        assertEquals(2, out.size());
        assertTrue(out.get(1).getValue().failureOnly);
        assertEquals(T0 + 1_001, out.get(1).getTimestamp(), "in a window still open");
    }

    @Test
    void aFloodOfErrorLinesIsBounded() throws Exception {
        h.close();
        op = new EdgeExtractor(TTL, 10, WINDOW);
        h = EdgeExtractorTest.harness(op, 1, 0, null);
        for (int i = 0; i < 100; i++) {
            in(line(String.format("%032x", i + 1), "checkout", "00000000000000s1", T0 + 25, 17));
        }
        assertEquals(20, op.callLogs().size(), "10 waiting lines and the spans of the last 10");
        assertEquals(90 + 90, op.callLogs().evicted);
    }

    @Test
    void aFailureCountsAsAFailedCallNotAsACall() {
        EdgeWindowAggregate agg = new EdgeWindowAggregate();
        EdgeStats acc = agg.createAccumulator();
        agg.add(new ServiceCall("checkout", "payment", false, 10_000, T0, 2_000), acc);
        agg.add(ServiceCall.failure("checkout", "payment", T0 + 22), acc);
        assertEquals(1, acc.calls);
        assertEquals(1, acc.errors);
        assertEquals(10_000, acc.sumDurationUs);
        assertEquals(1, acc.gapCount);
    }
}
