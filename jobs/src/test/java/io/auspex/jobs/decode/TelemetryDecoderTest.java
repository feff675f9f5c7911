package io.auspex.jobs.decode;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TelemetryDecoderTest {
    static final long HOUR = Duration.ofHours(1).toMillis();
    final TelemetryDecoder spans = new TelemetryDecoder(TelemetryDecoder.Kind.SPAN, HOUR, 7 * 24 * HOUR);
    final TelemetryDecoder metrics = new TelemetryDecoder(TelemetryDecoder.Kind.METRIC, HOUR, 7 * 24 * HOUR);

    static byte[] bytes(Span s) {
        return new AvroBinary<>(Span.class).encode(s);
    }

    Telemetry decodeSpan(byte[] value) {
        return spans.decode("telemetry.spans", 1, 42, T0, "k".getBytes(StandardCharsets.UTF_8), value, T0);
    }

    @Test
    void validSpanDecodesWithItsOrigin() {
        Span s = Fixtures.server("checkout", T0 - 1000, 5000, false);
        Telemetry t = decodeSpan(bytes(s));
        assertFalse(t.isDeadLetter());
        assertEquals(s, t.span);
        assertEquals("telemetry.spans", t.topic);
        assertEquals(42, t.offset);
        assertEquals(T0 - 1000, t.eventTimeMs());
    }

    @Test
    void garbageBytesAreDeadLetteredWithTheRawBytes() {
        byte[] junk = {(byte) 0xff, 0x13, 0x07, 0x00, 0x42};
        Telemetry t = decodeSpan(junk);
        assertTrue(t.isDeadLetter());
        assertEquals("undecodable", t.deadLetter.getReason());
        assertEquals(java.nio.ByteBuffer.wrap(junk), t.deadLetter.getValue());
        assertEquals(1, t.deadLetter.getPartition());
        assertEquals(42, t.deadLetter.getOffset());
        assertEquals(Long.MIN_VALUE, t.eventTimeMs());
    }

    @Test
    void trailingBytesAreUndecodable() {
        byte[] ok = bytes(Fixtures.server("checkout", T0, 5000, false));
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 3);
        Telemetry t = decodeSpan(longer);
        assertEquals("undecodable", t.deadLetter.getReason());
        assertTrue(t.deadLetter.getDetail().contains("trailing bytes"));
    }

    @Test
    void validationReasons() {
        assertEquals("missing_service", decodeSpan(bytes(Fixtures.server("", T0, 5000, false))).deadLetter.getReason());
        assertEquals("negative_duration",
                decodeSpan(bytes(Fixtures.server("a", T0, -1, false))).deadLetter.getReason());
        assertEquals("invalid_id", decodeSpan(bytes(Fixtures.span("a", "xyz", null, SpanKind.SERVER, T0).build()))
                .deadLetter.getReason());
        assertEquals("bad_timestamp",
                decodeSpan(bytes(Fixtures.server("a", T0 + 2 * HOUR, 5, false))).deadLetter.getReason());
        assertEquals("bad_timestamp",
                decodeSpan(bytes(Fixtures.server("a", T0 - 8 * 24 * HOUR, 5, false))).deadLetter.getReason());
        MetricPoint nan = Fixtures.gauge("db", "process.cpu.utilization", T0, Double.NaN);
        Telemetry t = metrics.decode("telemetry.metrics", 0, 1, T0, null,
                new AvroBinary<>(MetricPoint.class).encode(nan), T0);
        assertEquals("non_finite_value", t.deadLetter.getReason());
        assertTrue(t.deadLetter.getDetail().contains("process.cpu.utilization"));
    }

    @Test
    void tombstoneIsDeadLettered() {
        assertEquals("undecodable", decodeSpan(null).deadLetter.getReason());
    }
}
