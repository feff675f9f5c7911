package io.auspex.infra.sim;

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
 * Writes telemetry to Kafka in the format of docs/topics.md: key = service name (UTF-8), value =
 * plain Avro binary encoding of the record ({@link AvroBinary}), record timestamp = event time.
 * Tuned for throughput: lz4 compression, 512 KB batches, 20 ms linger; acks=all with idempotence.
 *
 * <p>Sends are asynchronous; the first send failure is rethrown by the next
 * {@code span/metric/log}, {@link #flush()} or {@link #close()}. Not thread-safe: use from the
 * simulator's thread.
 */
public final class KafkaTelemetryProducer implements TelemetrySink, AutoCloseable {

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

    /** A producer to the default topics ({@link TelemetryTopics#DEFAULTS}). */
    public KafkaTelemetryProducer(String bootstrapServers) {
        this(bootstrapServers, TelemetryTopics.DEFAULTS, Map.of());
    }

    /**
     * A producer to the given topics.
     *
     * @param overrides producer settings that win over the defaults here (e.g. {@code acks},
     *     {@code compression.type}, security settings)
     */
    public KafkaTelemetryProducer(String bootstrapServers, TelemetryTopics topics, Map<String, Object> overrides) {
        this.topics = Objects.requireNonNull(topics, "topics");
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
        send(topics.spans(), span.getServiceName(), span.getStartTimeMs(), spanCodec.encode(span));
    }

    @Override
    public void metric(MetricPoint metric) {
        send(topics.metrics(), metric.getServiceName(), metric.getTimeMs(), metricCodec.encode(metric));
    }

    @Override
    public void log(LogRecord log) {
        send(topics.logs(), log.getServiceName(), log.getTimeMs(), logCodec.encode(log));
    }

    @Override
    public void malformed(MalformedRecord record) {
        checkFailure();
        producer.send(new ProducerRecord<>(topics.topicFor(record.stream()), null, record.timestampMs(), record.key(),
                record.value()), callback);
        sent++;
    }

    private void send(String topic, String service, long timestampMs, byte[] value) {
        checkFailure();
        byte[] key = keys.computeIfAbsent(service, s -> s.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, null, timestampMs, key, value), callback);
        sent++;
    }

    /**
     * Runs {@code simulator} into the default topics of the broker at {@code bootstrapServers}
     * and returns once every record is acknowledged.
     */
    public static SimulationResult produce(TelemetrySimulator simulator, String bootstrapServers) {
        try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(bootstrapServers)) {
            SimulationResult result = simulator.run(producer);
            producer.flush();
            return result;
        }
    }

    /** Records handed to the Kafka client so far. */
    public long sent() {
        return sent;
    }

    /** Records the broker has acknowledged so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Blocks until every record sent so far is acknowledged; throws if any send failed. */
    public void flush() {
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
