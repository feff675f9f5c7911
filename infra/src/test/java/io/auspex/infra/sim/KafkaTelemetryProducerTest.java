package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.replay.MergedTopicReader;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.decode.otlp.OtlpDecoder;
import io.auspex.jobs.decode.otlp.OtlpSettings;
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
    void avroRecordsRoundTripThroughTheEmbeddedBroker() throws IOException {
        SimulatorConfig config = minutes(3).seed(21).badRecordCount(15).baselineErrorRate(0.01).build();
        InMemorySink expected = SimFixtures.run(config);
        TelemetryTopics topics = new TelemetryTopics("rt.spans", "rt.metrics", "rt.logs");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(topics.all());
            SimulationResult result;
            try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers(), topics, Map.of(),
                    KafkaTelemetryProducer.Format.AVRO)) {
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

    /**
     * OTLP batches as the Collector sends them, decoded by the job's own OTLP decoder: the good
     * records are exactly the simulated ones (ids, services, kinds, times, statuses, values) and
     * every malformed record is exactly one dead letter.
     */
    @Test
    void otlpBatchesDecodeIntoTheSimulatedRecords() throws Exception {
        SimulatorConfig config = minutes(3).seed(22).badRecordCount(15).baselineErrorRate(0.01).build();
        InMemorySink expected = SimFixtures.run(config);
        TelemetryTopics topics = new TelemetryTopics("o.spans", "o.metrics", "o.logs");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(topics.all());
            SimulationResult result;
            long sent;
            try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers(), topics,
                    Map.of())) {
                result = new TelemetrySimulator(config).run(producer);
                producer.flush();
                sent = producer.sent();
                assertEquals(sent, producer.acknowledged());
            }
            // batches: far fewer Kafka records than telemetry records
            assertTrue(sent < result.records() / 50, sent + " Kafka records for " + result.records());
            List<Span> spans = new ArrayList<>();
            List<MetricPoint> metrics = new ArrayList<>();
            List<LogRecord> logs = new ArrayList<>();
            List<io.auspex.schemas.DeadLetter> dead = new ArrayList<>();
            long day = Duration.ofDays(1).toMillis();
            Map<String, OtlpDecoder> decoders = Map.of(
                    topics.spans(), decoder(TelemetryDecoder.Kind.SPAN, day),
                    topics.metrics(), decoder(TelemetryDecoder.Kind.METRIC, day),
                    topics.logs(), decoder(TelemetryDecoder.Kind.LOG, day));
            long read = 0;
            try (MergedTopicReader reader = new MergedTopicReader(kafka.bootstrapServers(), List.of(topics.all()),
                    Map.of())) {
                ConsumerRecord<byte[], byte[]> r;
                while ((r = reader.next()) != null) {
                    read++;
                    decoders.get(r.topic()).decode(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(),
                            r.value(), config.startMs(), t -> {
                                if (t.isDeadLetter()) {
                                    dead.add(t.deadLetter);
                                } else if (t.span != null) {
                                    spans.add(t.span);
                                } else if (t.metric != null) {
                                    metrics.add(t.metric);
                                } else {
                                    logs.add(t.log);
                                }
                            });
                }
            }
            assertEquals(sent, read);
            assertEquals(expected.malformed().size(), dead.size(), () -> "dead letters: " + dead);
            Comparator<Span> bySpanId = Comparator.comparing(Span::getSpanId);
            List<String> want = expected.spans().stream().sorted(bySpanId).map(KafkaTelemetryProducerTest::essence)
                    .toList();
            List<String> got = spans.stream().sorted(bySpanId).map(KafkaTelemetryProducerTest::essence).toList();
            assertEquals(want.size(), got.size());
            assertTrue(want.equals(got), "decoded spans differ from the simulated ones");
            assertEquals(expected.metrics().stream().map(m -> m.getServiceName() + m.getName() + m.getTimeMs()
                    + m.getValue()).sorted().toList(), metrics.stream().map(m -> m.getServiceName() + m.getName()
                    + m.getTimeMs() + m.getValue()).sorted().toList());
            assertEquals(expected.logs().stream().map(l -> l.getServiceName() + l.getTimeMs() + l.getSeverityNumber()
                    + l.getBody() + l.getTraceId()).sorted().toList(), logs.stream().map(l -> l.getServiceName()
                    + l.getTimeMs() + l.getSeverityNumber() + l.getBody() + l.getTraceId()).sorted().toList());
        }
    }

    private static OtlpDecoder decoder(TelemetryDecoder.Kind kind, long dayMs) {
        return new OtlpDecoder(kind, InputFormat.OTLP_PROTO, dayMs, dayMs, OtlpSettings.DEFAULTS);
    }

    /** What the pipeline reads of a span. */
    private static String essence(Span s) {
        return String.join("|", s.getTraceId(), s.getSpanId(), String.valueOf(s.getParentSpanId()), s.getServiceName(),
                s.getName(), s.getKind().name(), Long.toString(s.getStartTimeMs()), Long.toString(s.getDurationUs()),
                s.getStatusCode().name(), String.valueOf(s.getHttpStatusCode()),
                String.valueOf(s.getAttributes().get("peer.service")));
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
