package io.auspex.infra.sim;

import io.auspex.infra.otlp.OtlpBatcher;
import io.auspex.infra.otlp.OtlpMalformed;
import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes telemetry to Kafka in one of two formats (docs/topics.md, docs/ingest.md):
 *
 * <ul>
 *   <li>{@link Format#OTLP} (the default): as the OpenTelemetry Collector's Kafka exporter writes
 *       it: one Kafka record per batch ({@code TracesData} / {@code MetricsData} /
 *       {@code LogsData} protobuf), one resource per service, no key, record timestamp = the
 *       batch's newest event time. A batch is sent when it holds {@link OtlpBatcher#BATCH_RECORDS} records or
 *       spans more than {@link OtlpBatcher#BATCH_SPAN_MS} ms of event time, as the Collector's batch processor
 *       sends on size or timeout.
 *   <li>{@link Format#AVRO}: key = service name (UTF-8), value = plain Avro binary encoding of the
 *       record ({@link AvroBinary}), record timestamp = event time.
 * </ul>
 *
 * <p>Tuned for throughput: lz4 compression, 512 KB batches, 20 ms linger; acks=all with idempotence.
 *
 * <p>Sends are asynchronous; the first send failure is rethrown by the next
 * {@code span/metric/log}, {@link #flush()} or {@link #close()}. Not thread-safe: use from the
 * simulator's thread.
 */
public final class KafkaTelemetryProducer implements TelemetrySink, AutoCloseable {
    /** The encodings the producer writes. */
    public enum Format { OTLP, AVRO }

    private final Format format;
    private final OtlpBatcher batcher = new OtlpBatcher(this::sendBatch);
    private boolean flushEverySecond;

    private final KafkaProducer<byte[], byte[]> producer;
    private final TelemetryTopics topics;
    private final AvroBinary<Span> spanCodec = new AvroBinary<>(Span.class);
    private final AvroBinary<MetricPoint> metricCodec = new AvroBinary<>(MetricPoint.class);
    private final AvroBinary<LogRecord> logCodec = new AvroBinary<>(LogRecord.class);
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final Callback callback = (metadata, exception) -> {
        if (exception != null) {
            failure.compareAndSet(null, exception);
        } else {
            acknowledged.incrementAndGet();
        }
    };
    private long sent;
    private boolean closed;

    /** An OTLP producer to the default topics ({@link TelemetryTopics#DEFAULTS}). */
    public KafkaTelemetryProducer(String bootstrapServers) {
        this(bootstrapServers, TelemetryTopics.DEFAULTS, Map.of());
    }

    /** An OTLP producer to the given topics. */
    public KafkaTelemetryProducer(String bootstrapServers, TelemetryTopics topics, Map<String, Object> overrides) {
        this(bootstrapServers, topics, overrides, Format.OTLP);
    }

    /**
     * A producer to the given topics.
     *
     * @param overrides producer settings that win over the defaults here (e.g. {@code acks},
     *     {@code compression.type}, security settings)
     */
    public KafkaTelemetryProducer(String bootstrapServers, TelemetryTopics topics, Map<String, Object> overrides,
            Format format) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.format = Objects.requireNonNull(format, "format");
        this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, overrides));
    }

    /** The settings this producer uses, overrides applied. */
    public static Map<String, Object> producerConfig(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "auspex-simulator");
        props.putAll(overrides);
        return props;
    }

    @Override
    public void span(Span span) {
        if (format == Format.AVRO) {
            send(topics.spans(), span.getServiceName(), span.getStartTimeMs(), spanCodec.encode(span));
        } else {
            batcher.span(span);
        }
    }

    @Override
    public void metric(MetricPoint metric) {
        if (format == Format.AVRO) {
            send(topics.metrics(), metric.getServiceName(), metric.getTimeMs(), metricCodec.encode(metric));
        } else {
            batcher.metric(metric);
        }
    }

    @Override
    public void log(LogRecord log) {
        if (format == Format.AVRO) {
            send(topics.logs(), log.getServiceName(), log.getTimeMs(), logCodec.encode(log));
        } else {
            batcher.log(log);
        }
    }

    @Override
    public void malformed(MalformedRecord record) {
        checkFailure();
        byte[] key = format == Format.AVRO ? record.key() : null;
        byte[] value = format == Format.AVRO ? record.value() : OtlpMalformed.of(record);
        producer.send(new ProducerRecord<>(topics.topicFor(record.stream()), null, record.timestampMs(), key, value),
                callback);
        sent++;
    }

    private void sendBatch(TelemetryStream stream, long newestEventMs, com.google.protobuf.Message batch) {
        checkFailure();
        producer.send(new ProducerRecord<>(topics.topicFor(stream), null, newestEventMs, null, batch.toByteArray()),
                callback);
        sent++;
    }

    private void send(String topic, String service, long timestampMs, byte[] value) {
        checkFailure();
        byte[] key = keys.computeIfAbsent(service, s -> s.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, null, timestampMs, key, value), callback);
        sent++;
    }

    /**
     * Runs {@code simulator} into the default OTLP topics of the broker at {@code bootstrapServers}
     * and returns once every record is acknowledged.
     */
    public static SimulationResult produce(TelemetrySimulator simulator, String bootstrapServers) {
        return produce(simulator, bootstrapServers, Format.OTLP);
    }

    /** As {@link #produce(TelemetrySimulator, String)}, in {@code format} to its default topics. */
    public static SimulationResult produce(TelemetrySimulator simulator, String bootstrapServers, Format format) {
        try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(bootstrapServers,
                format == Format.OTLP ? TelemetryTopics.DEFAULTS : TelemetryTopics.AVRO, Map.of(), format)) {
            SimulationResult result = simulator.run(producer);
            producer.flush();
            return result;
        }
    }

    /**
     * This producer sending its open OTLP batches after every simulated second (for a simulator paced
     * in real time: a batch then waits at most a second, as the Collector's batch timeout bounds it).
     */
    public KafkaTelemetryProducer flushingEverySecond() {
        flushEverySecond = true;
        return this;
    }

    @Override
    public void secondDone(long eventMs) {
        if (flushEverySecond) {
            batcher.flushAll();
        }
    }

    /** Kafka records handed to the Kafka client so far (an OTLP batch is one). */
    public long sent() {
        return sent;
    }

    /** Records the broker has acknowledged so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Blocks until every record sent so far is acknowledged; throws if any send failed. */
    public void flush() {
        batcher.flushAll();
        producer.flush();
        checkFailure();
    }

    /** Flushes, then closes the Kafka client. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            batcher.flushAll();
            producer.flush();
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
        checkFailure();
    }

    private void checkFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("sending telemetry to Kafka failed", e);
        }
    }
}
