package io.auspex.jobs.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A decoder that throws (a bug) costs one dead letter, not the job. */
class TelemetryDeserializerTest {
    /** Throws on every message, as a decoder bug would on some. */
    static final class Broken implements MessageDecoder {
        @Override
        public void decode(String topic, int partition, long offset, long kafkaTimestamp, byte[] key, byte[] value,
                long nowMs, java.util.function.Consumer<Telemetry> out, LimitCounter counter) {
            throw new IllegalStateException("bug " + value.length);
        }
    }

    static List<Telemetry> deserialize(TelemetryDeserializer d, ConsumerRecord<byte[], byte[]> r) {
        List<Telemetry> out = new ArrayList<>();
        d.deserialize(r, new Collector<>() {
            @Override
            public void collect(Telemetry t) {
                out.add(t);
            }

            @Override
            public void close() {
                // nothing to release
            }
        });
        return out;
    }

    @Test
    void aDecoderThatThrowsGivesADeadLetterWithTheRawBytesTheDecoderAndTheException() {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("otlp_spans", 3, 42L, "k".getBytes(), new byte[] {1, 2});
        List<Telemetry> out = deserialize(new TelemetryDeserializer(new Broken()), r);
        assertEquals(1, out.size());
        var d = out.get(0).deadLetter;
        assertEquals("operator_error", d.getReason());
        assertEquals("otlp_spans", d.getSourceTopic());
        assertEquals(3, d.getPartition());
        assertEquals(42L, d.getOffset());
        byte[] value = new byte[d.getValue().remaining()];
        d.getValue().duplicate().get(value);
        assertArrayEquals(new byte[] {1, 2}, value);
        assertTrue(d.getDetail().startsWith("otlp_spans source (Broken): java.lang.IllegalStateException: bug 2 at "
                + "io.auspex.jobs.decode.TelemetryDeserializerTest$Broken.decode("), d::getDetail);
    }

    @Test
    void withContainmentOffTheExceptionFailsTheSourceAsBefore() {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("otlp_spans", 0, 0L, null, new byte[] {1});
        assertThrows(IllegalStateException.class, () -> deserialize(new TelemetryDeserializer(new Broken(), false), r));
    }
}
