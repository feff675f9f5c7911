package io.auspex.infra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void createsTopicsWithTheDefaultPartitionCountAndToleratesExistingOnes() throws Exception {
        kafka.createTopics("t.created.a", "t.created.b");
        kafka.createTopics("t.created.a");
        kafka.createTopics(3, "t.created.c");
        assertTrue(kafka.topics().containsAll(List.of("t.created.a", "t.created.b", "t.created.c")));
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> d = admin.describeTopics(List.of("t.created.a", "t.created.c"))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertEquals(EmbeddedKafka.DEFAULT_PARTITIONS, d.get("t.created.a").partitions().size());
            assertEquals(3, d.get("t.created.c").partitions().size());
        }
    }

    @Test
    void producedRecordsAreConsumed() {
        kafka.createTopics("t.plain");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(null))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("t.plain", "k" + (i % 7), "v" + i));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> got = consumeAll("t.plain", "read_uncommitted", 100);
        assertEquals(100, got.size());
        assertEquals(100, got.stream().map(ConsumerRecord::value).distinct().count());
    }

    @Test
    void readCommittedConsumerSeesOnlyCommittedTransactions() {
        kafka.createTopics("t.tx");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("auspex-test-tx"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("t.tx", "k", "committed-1-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("t.tx", "k", "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("t.tx", "k", "committed-2-" + i));
            }
            producer.commitTransaction();
        }
        List<ConsumerRecord<String, String>> committed = consumeAll("t.tx", "read_committed", 20);
        assertEquals(20, committed.size());
        assertTrue(committed.stream().allMatch(r -> r.value().startsWith("committed-")));
        List<ConsumerRecord<String, String>> everything = consumeAll("t.tx", "read_uncommitted", 25);
        assertEquals(25, everything.size());
        assertEquals(5, everything.stream().filter(r -> r.value().startsWith("aborted-")).count());
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsDirectory() {
        EmbeddedKafka own = EmbeddedKafka.start(1, Map.of());
        Path dir = own.baseDirectory();
        own.createTopics("t.own");
        assertTrue(Files.isDirectory(dir));
        own.close();
        assertFalse(Files.exists(dir), "broker directory must be deleted: " + dir);
        own.close();
    }

    private static Properties producerProps(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return p;
    }

    /** Reads the topic from the beginning until {@code expected} records arrived and 1 s passed with no more. */
    private static List<ConsumerRecord<String, String>> consumeAll(String topic, String isolation, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + topic + "-" + isolation);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < deadline && System.nanoTime() < quietUntil) {
                int before = out.size();
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= expected && out.size() == before && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
        return out;
    }
}
