package io.auspex.infra.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.kafka.EmbeddedKafka;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole three-hour demo, generated and written to the in-JVM broker, in well under a minute.
 * Slow (about 10-20 s), so not in the default build: {@code mvn -Pslow -pl infra test}.
 */
@Tag("slow")
class DemoThroughputTest {

    @Test
    void demoGoesToKafkaInWellUnderAMinute() throws Exception {
        SimulatorConfig demo = Scenarios.demo();
        SimulationResult generated = new TelemetrySimulator(demo).run(TelemetrySink.discard());
        assertTrue(generated.wallNanos() < 10_000_000_000L, "generation alone: " + generated);
        assertTrue(generated.records() > 1_000_000, "three hours of nine services: " + generated);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(TelemetryTopics.DEFAULTS.all());
            long t0 = System.nanoTime();
            SimulationResult sent;
            try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers())) {
                sent = new TelemetrySimulator(demo).run(producer);
            }
            long nanos = System.nanoTime() - t0;
            assertEquals(generated.records(), sent.records(), "same records as the generation-only run");
            assertTrue(nanos < 60_000_000_000L, "demo to Kafka took " + nanos / 1e9 + " s");
            long onBroker = 0;
            try (Admin admin = kafka.admin()) {
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (String topic : TelemetryTopics.DEFAULTS.all()) {
                    for (int p = 0; p < kafka.defaultPartitions(); p++) {
                        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                    }
                }
                for (var info : admin.listOffsets(latest).all().get().values()) {
                    onBroker += info.offset();
                }
            }
            assertEquals(sent.records(), onBroker, "every record is on the broker");
        }
    }
}
