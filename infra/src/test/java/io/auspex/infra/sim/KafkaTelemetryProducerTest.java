package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.AvroBinary;
import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** A small scenario through Kafka and back: every record arrives, decodes and matches. */
class KafkaTelemetryProducerTest {

    @Test
    void roundTripThroughTheEmbeddedBroker() throws IOException {
        SimulatorConfig config = minutes(3).seed(21).badRecordCount(15).baselineErrorRate(0.01).build();
        InMemorySink expected = SimFixtures.run(config);
        TelemetryTopics topics = new TelemetryTopics("rt.spans", "rt.metrics", "rt.logs");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(topics.all());
            SimulationResult result;
            try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers(), topics, Map.of())) {
                result = new TelemetrySimulator(config).run(producer);
                producer.flush();
                assertEquals(result.records(), producer.sent());
                assertEquals(result.records(), producer.acknowledged());
            }
            Map<TelemetryStream, Long> badPerStream = new HashMap<>();
            Map<TelemetryStream, Long> undecodablePerStream = new HashMap<>();
            for (MalformedRecord b : expected.malformed()) {
                badPerStream.merge(b.stream(), 1L, Long::sum);
                if (!b.kind().decodable()) {
                    undecodablePerStream.merge(b.stream(), 1L, Long::sum);
                }
            }

            List<ConsumerRecord<byte[], byte[]>> spanRecords = consume(kafka, topics.spans(),
                    result.spans() + badPerStream.getOrDefault(TelemetryStream.SPANS, 0L));
            List<ConsumerRecord<byte[], byte[]>> metricRecords = consume(kafka, topics.metrics(),
                    result.metrics() + badPerStream.getOrDefault(TelemetryStream.METRICS, 0L));
            List<ConsumerRecord<byte[], byte[]>> logRecords = consume(kafka, topics.logs(),
                    result.logs() + badPerStream.getOrDefault(TelemetryStream.LOGS, 0L));

            List<Span> spans = new ArrayList<>();
            long undecodable = decode(spanRecords, new AvroBinary<>(Span.class), spans, Span::getServiceName,
                    Span::getStartTimeMs);
            assertEquals(undecodablePerStream.getOrDefault(TelemetryStream.SPANS, 0L), undecodable);
            List<MetricPoint> metrics = new ArrayList<>();
            undecodable = decode(metricRecords, new AvroBinary<>(MetricPoint.class), metrics, MetricPoint::getServiceName,
                    MetricPoint::getTimeMs);
            assertEquals(undecodablePerStream.getOrDefault(TelemetryStream.METRICS, 0L), undecodable);
            List<LogRecord> logs = new ArrayList<>();
            undecodable = decode(logRecords, new AvroBinary<>(LogRecord.class), logs, LogRecord::getServiceName,
                    LogRecord::getTimeMs);
            assertEquals(undecodablePerStream.getOrDefault(TelemetryStream.LOGS, 0L), undecodable);

            // the valid records are exactly what an in-memory run produces (order differs across partitions)
            Comparator<Span> bySpanId = Comparator.comparing(Span::getSpanId);
            List<Span> valid = spans.stream().filter(s -> !s.getServiceName().isEmpty() && s.getDurationUs() >= 0)
                    .sorted(bySpanId).toList();
            assertEquals(expected.spans().stream().sorted(bySpanId).toList(), valid);
            assertEquals(expected.metrics().size(), metrics.stream()
                    .filter(m -> !m.getServiceName().isEmpty() && !Double.isNaN(m.getValue())).count());
            assertEquals(expected.logs().size(), logs.stream().filter(l -> !l.getServiceName().isEmpty()).count());
            assertTrue(result.spans() > 10_000, "spans: " + result.spans());
        }
    }

    private static <T> long decode(List<ConsumerRecord<byte[], byte[]>> records, AvroBinary<?> codec, List<T> out,
            java.util.function.Function<T, String> service, java.util.function.ToLongFunction<T> time) {
        long undecodable = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            T value;
            try {
                @SuppressWarnings("unchecked")
                T decoded = (T) codec.decode(r.value());
                value = decoded;
            } catch (IOException e) {
                undecodable++;
                continue;
            }
            out.add(value);
            assertEquals(service.apply(value), new String(r.key(), StandardCharsets.UTF_8), "key = service name");
            assertEquals(time.applyAsLong(value), r.timestamp(), "record timestamp = event time");
        }
        return undecodable;
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(EmbeddedKafka kafka, String topic, long expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "rt-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // one more poll to catch duplicates beyond the expected count
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        assertEquals(expected, out.size(), "records on " + topic);
        return out;
    }
}
