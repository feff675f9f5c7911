package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.models.training.SignalsFile;
import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.ServiceSignals;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export-signals turns the signals topic into a time-ordered Avro data file for train and slo-backtest. */
class ExportSignalsCommandTest {
    static final long T = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();

    static ServiceSignals window(String service, long end) {
        return ServiceSignals.newBuilder().setServiceName(service).setWindowStartMs(end - 10_000).setWindowEndMs(end)
                .setRequestCount(10).setTrafficRps(1).setErrorSpanCount(0).setHttp5xxCount(0).setErrorLogCount(0)
                .setLogCount(0).setErrorRatio(0).setLatencyP50Ms(1).setLatencyP90Ms(2).setLatencyP99Ms(3)
                .setLatencyMaxMs(4).setSaturation(0).build();
    }

    /** The topic is at-least-once: payment@10 and checkout@30 written again (as after a restore) are exported once. */
    @Test
    void exportsTheTopicSortedFilteredAndWithoutDuplicates(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics("telemetry.signals");
            AvroBinary<ServiceSignals> codec = new AvroBinary<>(ServiceSignals.class);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
                for (ServiceSignals s : List.of(window("payment", T + 20_000), window("checkout", T + 30_000),
                        window("checkout", T + 10_000), window("payment", T + 10_000), window("auth", T + 40_000), window("payment", T + 10_000),
                        window("checkout", T + 30_000))) {
                    p.send(new ProducerRecord<>("telemetry.signals",
                            s.getServiceName().getBytes(StandardCharsets.UTF_8), codec.encode(s)));
                }
            }
            Path out = dir.resolve("signals.avro");
            int rc = AuspexCli.commandLine().execute("export-signals", "--bootstrap-servers", kafka.bootstrapServers(),
                    "--out", out.toString(), "--to", Instant.ofEpochMilli(T + 40_000).toString());
            assertEquals(0, rc);
            List<String> got = SignalsFile.read(out).stream()
                    .map(s -> s.getServiceName() + "@" + (s.getWindowEndMs() - T) / 1000).toList();
            assertEquals(List.of("checkout@10", "payment@10", "payment@20", "checkout@30"), got);

            assertEquals(AuspexCli.EXIT_BAD_INPUT, AuspexCli.commandLine().execute("export-signals",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--out", out.toString(), "--from", "yesterday"));
        }
    }
}
