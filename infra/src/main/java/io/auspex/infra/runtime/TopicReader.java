package io.auspex.infra.runtime;

import io.auspex.jobs.config.KafkaClientProperties;
import io.auspex.schemas.AvroBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an Auspex output topic from the beginning with {@code read_committed} isolation and
 * decodes each value (Avro binary, see docs/topics.md). Not thread-safe; one reader per thread.
 */
public final class TopicReader<T extends SpecificRecord> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroBinary<T> codec;

    public TopicReader(String bootstrapServers, String topic, Class<T> type) {
        this(bootstrapServers, Map.of(), topic, type);
    }

    /**
     * A reader whose consumer also gets {@code clientProperties} (security settings and the like,
     * see {@link KafkaClientProperties#CLI_RESERVED}); the settings this reader relies on (deserializers,
     * read_committed, no auto commit, from the beginning) win over them.
     */
    public TopicReader(String bootstrapServers, Map<String, ?> clientProperties, String topic, Class<T> type) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        codec = new AvroBinary<>(type);
    }

    /** Polls once and hands every decoded record to {@code sink}; returns how many. */
    public int poll(Duration timeout, Consumer<T> sink) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            sink.accept(decode(r.value()));
            n++;
        }
        return n;
    }

    /**
     * Reads every record committed before this call: up to the end offsets seen now (the last
     * stable offsets, under read_committed), then stops.
     */
    public long readToEnd(Duration pollTimeout, Consumer<T> sink) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long n = 0;
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            n += poll(pollTimeout, sink);
        }
        return n;
    }

    /** Reads until {@code quietPolls} consecutive empty polls; returns everything read. */
    public List<T> drain(Duration pollTimeout, int quietPolls) {
        List<T> out = new ArrayList<>();
        int quiet = 0;
        while (quiet < quietPolls) {
            quiet = poll(pollTimeout, out::add) == 0 ? quiet + 1 : 0;
        }
        return out;
    }

    private T decode(byte[] value) {
        try {
            return codec.decode(value);
        } catch (IOException e) {
            throw new UncheckedIOException("undecodable record on an Auspex output topic", e);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
