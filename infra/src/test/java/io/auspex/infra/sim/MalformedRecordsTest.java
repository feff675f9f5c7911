package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.MIDNIGHT;
import static io.auspex.infra.sim.SimFixtures.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Malformed records really are undecodable, or decode into records that fail validation. */
class MalformedRecordsTest {

    private static final List<String> SERVICES = Topology.standard().serviceNames();

    @Test
    void fiftyRecordsTenOfEachKindSpreadEvenly() {
        List<MalformedRecord> bad = MalformedRecords.generate(3, 50, MIDNIGHT, MIDNIGHT + 100_000, SERVICES);
        assertEquals(50, bad.size());
        Map<MalformedKind, Integer> perKind = new EnumMap<>(MalformedKind.class);
        bad.forEach(b -> perKind.merge(b.kind(), 1, Integer::sum));
        for (MalformedKind k : MalformedKind.values()) {
            assertEquals(10, perKind.get(k), k.name());
        }
        // record j at start + (2j + 1) * 100000 / 100
        assertEquals(MIDNIGHT + 1_000, bad.get(0).timestampMs());
        assertEquals(MIDNIGHT + 99_000, bad.get(49).timestampMs());
        assertEquals(bad, MalformedRecords.generate(3, 50, MIDNIGHT, MIDNIGHT + 100_000, SERVICES), "deterministic");
        for (TelemetryStream stream : TelemetryStream.values()) {
            assertTrue(bad.stream().anyMatch(b -> b.stream() == stream && b.kind() == MalformedKind.GARBAGE_BYTES),
                    "garbage on " + stream);
            assertTrue(bad.stream().anyMatch(b -> b.stream() == stream && b.kind() == MalformedKind.EMPTY_SERVICE_NAME),
                    "empty service name on " + stream);
        }
    }

    @Test
    void undecodableKindsFailWithTheStrictAndThePlainAvroReader() {
        for (MalformedRecord b : MalformedRecords.generate(8, 200, MIDNIGHT, MIDNIGHT + 1_000_000, SERVICES)) {
            if (b.kind().decodable()) {
                continue;
            }
            Class<? extends SpecificRecord> type = typeOf(b.stream());
            assertThrows(IOException.class, () -> new AvroBinary<>(type).decode(b.value()), b.toString());
            assertThrows(Exception.class, () -> new SpecificDatumReader<>(type)
                    .read(null, DecoderFactory.get().binaryDecoder(b.value(), null)), "plain reader: " + b);
            if (b.kind() == MalformedKind.GARBAGE_BYTES) {
                for (TelemetryStream other : TelemetryStream.values()) {
                    assertThrows(IOException.class, () -> new AvroBinary<>(typeOf(other)).decode(b.value()),
                            "garbage decodes as no schema");
                }
            }
        }
    }

    @Test
    void decodableKindsDecodeIntoInvalidRecords() throws IOException {
        AvroBinary<Span> spans = new AvroBinary<>(Span.class);
        AvroBinary<MetricPoint> metrics = new AvroBinary<>(MetricPoint.class);
        AvroBinary<LogRecord> logs = new AvroBinary<>(LogRecord.class);
        int checked = 0;
        for (MalformedRecord b : MalformedRecords.generate(8, 50, MIDNIGHT, MIDNIGHT + 1_000_000, SERVICES)) {
            switch (b.kind()) {
                case EMPTY_SERVICE_NAME -> {
                    String service = switch (b.stream()) {
                        case SPANS -> spans.decode(b.value()).getServiceName();
                        case METRICS -> metrics.decode(b.value()).getServiceName();
                        case LOGS -> logs.decode(b.value()).getServiceName();
                    };
                    assertEquals("", service);
                    assertEquals(0, b.key().length);
                    checked++;
                }
                case NEGATIVE_DURATION -> {
                    assertEquals(TelemetryStream.SPANS, b.stream());
                    assertTrue(spans.decode(b.value()).getDurationUs() < 0);
                    checked++;
                }
                case NAN_VALUE -> {
                    assertEquals(TelemetryStream.METRICS, b.stream());
                    assertTrue(Double.isNaN(metrics.decode(b.value()).getValue()));
                    assertTrue(SERVICES.contains(new String(b.key(), StandardCharsets.UTF_8)));
                    checked++;
                }
                default -> {
                }
            }
        }
        assertEquals(30, checked);
    }

    @Test
    void theSimulatorDeliversTheConfiguredCountWithoutChangingTraffic() {
        InMemorySink withBad = SimFixtures.run(minutes(5).badRecordCount(25).build());
        InMemorySink clean = SimFixtures.run(minutes(5).build());
        assertEquals(25, withBad.malformed().size());
        assertEquals(MalformedRecords.generate(42, 25, MIDNIGHT, MIDNIGHT + 5 * SimFixtures.MINUTE, SERVICES),
                withBad.malformed());
        assertEquals(clean.spans().size(), withBad.spans().size());
        assertEquals(clean.spans().get(100), withBad.spans().get(100));
    }

    private static Class<? extends SpecificRecord> typeOf(TelemetryStream stream) {
        return switch (stream) {
            case SPANS -> Span.class;
            case METRICS -> MetricPoint.class;
            case LOGS -> LogRecord.class;
        };
    }
}
