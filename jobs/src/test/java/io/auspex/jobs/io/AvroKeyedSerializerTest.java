package io.auspex.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.RecordIds;
import io.auspex.schemas.ServiceSignals;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The at-least-once sinks' records carry their stable id as a header; the alert sink's do not need one. */
class AvroKeyedSerializerTest {

    @Test
    void writesTheKeyTheValueAndTheIdHeader() throws Exception {
        ServiceSignals s = Fixtures.signals("payment", 1_764_000_000_000L).build();
        ProducerRecord<byte[], byte[]> r = new AvroKeyedSerializer<>("telemetry.signals", ServiceSignals.class,
                ServiceSignals::getServiceName, RecordIds::of).serialize(s, null, 7L);
        assertEquals("telemetry.signals", r.topic());
        assertEquals(7L, r.timestamp());
        assertEquals("payment", new String(r.key(), StandardCharsets.UTF_8));
        assertEquals(s, new AvroBinary<>(ServiceSignals.class).decode(r.value()));
        assertEquals(1, r.headers().toArray().length);
        assertEquals("payment@" + s.getWindowEndMs(),
                new String(r.headers().lastHeader(RecordIds.HEADER).value(), StandardCharsets.UTF_8));

        ProducerRecord<byte[], byte[]> plain = new AvroKeyedSerializer<>("t", ServiceSignals.class,
                ServiceSignals::getServiceName).serialize(s, null, 7L);
        assertNull(plain.headers().lastHeader(RecordIds.HEADER));
    }
}
