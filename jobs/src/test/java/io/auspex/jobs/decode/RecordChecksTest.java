package io.auspex.jobs.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import org.junit.jupiter.api.Test;

class RecordChecksTest {

    @Test
    void idsAreLowercaseHexOfTheirLengthAndNotAllZero() {
        assertTrue(RecordChecks.validId("0af7651916cd43dd8448eb211c80319c", RecordChecks.TRACE_ID));
        assertTrue(RecordChecks.validId("b7ad6b7169203331", RecordChecks.SPAN_ID));
        assertTrue(RecordChecks.validId("0000000000000001", RecordChecks.SPAN_ID));
        assertTrue(RecordChecks.validId("f000000000000000", RecordChecks.SPAN_ID));

        assertFalse(RecordChecks.validId(null, RecordChecks.SPAN_ID));
        assertFalse(RecordChecks.validId("", RecordChecks.SPAN_ID));
        assertFalse(RecordChecks.validId("0000000000000000", RecordChecks.SPAN_ID), "all zero is W3C's invalid id");
        assertFalse(RecordChecks.validId("B7AD6B7169203331", RecordChecks.SPAN_ID), "uppercase");
        assertFalse(RecordChecks.validId("b7ad6b716920333g", RecordChecks.SPAN_ID), "not hex");
        assertFalse(RecordChecks.validId("b7ad6b716920333", RecordChecks.SPAN_ID), "15 chars");
        assertFalse(RecordChecks.validId("b7ad6b71692033310", RecordChecks.SPAN_ID), "17 chars");
        assertFalse(RecordChecks.validId("b7ad6b7169203331", RecordChecks.TRACE_ID), "a span id is no trace id");
        assertFalse(RecordChecks.validId("b7ad6b71-9203331", RecordChecks.SPAN_ID), "punctuation");
        assertFalse(RecordChecks.validId("b7ad6b7169203331b7ad6b716920333 ", RecordChecks.TRACE_ID), "a space");
    }

    @Test
    void aSpanWithABadIdIsInvalidIdAndAGoodOneIsUsable() {
        Span good = span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", null);
        assertNull(RecordChecks.span(good));
        assertNull(RecordChecks.span(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "00f067aa0ba902b7")));
        assertEquals("invalid_id", RecordChecks.span(span("0af7651916cd43dd8448eb211c80319C", "b7ad6b7169203331", null)).reason());
        assertEquals("invalid_id", RecordChecks.span(span("0af7651916cd43dd8448eb211c80319c", "0000000000000000", null)).reason());
        assertEquals("invalid_id", RecordChecks.span(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "xx")).reason());
    }

    private static Span span(String traceId, String spanId, String parent) {
        return Span.newBuilder().setTraceId(traceId).setSpanId(spanId).setParentSpanId(parent)
                .setServiceName("checkout").setName("GET /cart").setKind(SpanKind.SERVER)
                .setStartTimeMs(1_000L).setDurationUs(1_500).setStatusCode(StatusCode.UNSET).build();
    }
}
