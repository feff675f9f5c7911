package io.auspex.infra.replay;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of some topics from the beginning up to the end offsets they had when it
 * was opened (read_committed), merged into one sequence in record-timestamp order (ties: in topic
 * order given, then partition). One consumer per partition, so memory stays at one poll per
 * partition whatever the topics hold.
 */
public final class MergedTopicReader implements AutoCloseable {
    private final List<Head> heads = new ArrayList<>();
    private final PriorityQueue<Head> queue = new PriorityQueue<>(
            Comparator.comparingLong((Head h) -> h.peek().timestamp()).thenComparingInt(h -> h.order));

    private static final class Head {
        final KafkaConsumer<byte[], byte[]> consumer;
        final TopicPartition tp;
        final long end;
        final int order;
        final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
        boolean done;

        Head(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long end, int order) {
            this.consumer = consumer;
            this.tp = tp;
            this.end = end;
            this.order = order;
        }

        ConsumerRecord<byte[], byte[]> peek() {
            return buffer.peekFirst();
        }

        /** Fills the buffer if empty; false when the partition is read to its end offset. */
        boolean fill() {
            while (buffer.isEmpty() && !done) {
                if (consumer.position(tp) >= end) {
                    done = true;
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end) {
                        buffer.add(r);
                    }
                }
            }
            return !buffer.isEmpty();
        }
    }

    public MergedTopicReader(String bootstrapServers, List<String> topics, Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        int order = 0;
        for (String topic : topics) {
            List<PartitionInfo> partitions;
            try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(props)) {
                partitions = probe.partitionsFor(topic, Duration.ofSeconds(30));
            }
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            for (PartitionInfo p : partitions) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long end = c.endOffsets(List.of(tp)).get(tp);
                Head h = new Head(c, tp, end, order++);
                heads.add(h);
                if (h.fill()) {
                    queue.add(h);
                }
            }
        }
    }

    /** The next record in timestamp order, or null when every partition is read to its end. */
    public ConsumerRecord<byte[], byte[]> next() {
        Head h = queue.poll();
        if (h == null) {
            return null;
        }
        ConsumerRecord<byte[], byte[]> r = h.buffer.pollFirst();
        if (h.fill()) {
            queue.add(h);
        }
        return r;
    }

    @Override
    public void close() {
        for (Head h : heads) {
            h.consumer.close(Duration.ofSeconds(5));
        }
    }
}
