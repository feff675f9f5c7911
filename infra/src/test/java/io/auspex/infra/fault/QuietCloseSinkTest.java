package io.auspex.infra.fault;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.io.QuietCloseSink;
import io.auspex.schemas.DeadLetter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink's writer on Flink's sink-writer operator, with a real broker reached through a
 * proxy that goes down: a send expires, and closing the operator (as Flink does when it cancels a
 * failing job's task) throws from the connector's writer, which Flink treats as fatal to the
 * TaskManager. The pipeline's sink ({@link QuietCloseSink}) closes without throwing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuietCloseSinkTest {
    static final String TOPIC = "quiet-close.dlq";
    private KafkaProxy proxy;
    private EmbeddedKafka kafka;

    @BeforeAll
    void start() throws Exception {
        proxy = KafkaProxy.open();
        Map<String, String> listeners = new HashMap<>();
        listeners.put("listeners", "EXTERNAL://localhost:0,PROXIED://localhost:0,CONTROLLER://localhost:0");
        listeners.put("listener.security.protocol.map", "EXTERNAL:PLAINTEXT,PROXIED:PLAINTEXT,CONTROLLER:PLAINTEXT");
        listeners.put("advertised.listeners", "EXTERNAL://localhost:0,PROXIED://" + proxy.address());
        kafka = EmbeddedKafka.start(EmbeddedKafka.DEFAULT_PARTITIONS, listeners);
        proxy.forwardTo(kafka.boundPort("PROXIED"));
        kafka.createTopics(TOPIC);
    }

    @AfterAll
    void stop() throws Exception {
        kafka.close();
        proxy.close();
    }

    static DeadLetter letter(int i) {
        return DeadLetter.newBuilder().setSourceTopic("otlp_spans").setPartition(0).setOffset(i).setTimestampMs(1_000L + i)
                .setReason("test").setDetail("record " + i).build();
    }

    /**
     * Writes one record with the broker up, then one while it is down, and waits until it has
     * expired; returns the operator, to be closed.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    OneInputStreamOperatorTestHarness<DeadLetter, Object> afterAnExpiredSend(Sink<DeadLetter> sink) throws Exception {
        OneInputStreamOperatorTestHarness<DeadLetter, Object> h = new OneInputStreamOperatorTestHarness(
                new SinkWriterOperatorFactory<>(sink));
        h.open();
        h.processElement(letter(0), 1_000L);
        h.prepareSnapshotPreBarrier(1L);
        proxy.down();
        try {
            h.processElement(letter(1), 1_001L);
            // delivery.timeout.ms is 3 s: the second send has expired after this
            Thread.sleep(6_000);
        } finally {
            proxy.up();
        }
        return h;
    }

    PipelineConfig config(Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("slos.yaml"), "slos: []\n");
        return PipelineConfig.from(Configuration.fromMap(Map.of(
                AuspexOptions.BOOTSTRAP_SERVERS.key(), proxy.address(),
                AuspexOptions.SLO_FILE.key(), slo.toString(),
                "auspex.kafka.properties.delivery.timeout.ms", "3000",
                "auspex.kafka.properties.request.timeout.ms", "2000",
                "auspex.kafka.properties.max.block.ms", "2000")));
    }

    @Test
    void theConnectorsWriterThrowsOnCloseAfterAnExpiredSendThePipelinesDoesNot(@TempDir Path dir) throws Exception {
        PipelineConfig cfg = config(dir);
        QuietCloseSink<DeadLetter> quiet = KafkaIo.sink(cfg, TOPIC, DeadLetter.class, d -> "k", null);
        var plain = afterAnExpiredSend(quiet.kafkaSink());
        Exception e = assertThrows(Exception.class, plain::close);
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t).append(" / ");
        }
        // the send failed (it expired, or its metadata could not be fetched while the broker was away)
        assertTrue(chain.toString().contains("Failed to send data to Kafka"), () -> "the connector's failure: " + chain);
        var ours = afterAnExpiredSend(quiet);
        assertDoesNotThrow(ours::close);
    }
}
