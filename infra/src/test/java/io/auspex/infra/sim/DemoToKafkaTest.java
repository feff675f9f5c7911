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
 * The whole three-hour demo, generated and written to the in-JVM broker: every record arrives.
 * Its speed is measured by {@link SimulatorBenchmark}, not asserted here. Slow (about 10-20 s),
 * so not in the default build: {@code mvn -Pslow -pl infra test}.
 */
@Tag("slow")
class DemoToKafkaTest {

    @Test
    void everyDemoRecordReachesTheBroker() throws Exception {
        SimulatorConfig demo = Scenarios.demo();
        SimulationResult generated = new TelemetrySimulator(demo).run(TelemetrySink.discard());
        assertTrue(generated.records() > 1_000_000, "three hours of nine services: " + generated);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            // one Kafka record per telemetry record (the Avro format); OTLP batches are checked record by
            // record in KafkaTelemetryProducerTest
            kafka.createTopics(TelemetryTopics.AVRO.all());
            SimulationResult sent = KafkaTelemetryProducer.produce(new TelemetrySimulator(demo),
                    kafka.bootstrapServers(), KafkaTelemetryProducer.Format.AVRO);
            assertEquals(generated.records(), sent.records(), "same records as the generation-only run");
            long onBroker = 0;
            try (Admin admin = kafka.admin()) {
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (String topic : TelemetryTopics.AVRO.all()) {
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
