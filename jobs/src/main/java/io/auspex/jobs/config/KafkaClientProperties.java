package io.auspex.jobs.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client settings passed through to every Kafka client the project builds (the job's
 * sources and sinks, the start-up check; the CLI's readers and writers take the same keys with
 * {@code --kafka-property}): security (SASL, TLS),
 * {@code client.rack}, tuning. In the job's configuration they are the keys
 * {@code auspex.kafka.properties.<kafka-client-key>}, as Flink SQL's Kafka connector takes
 * {@code properties.<kafka-client-key>}.
 *
 * <p>Keys the job itself controls are rejected ({@link #RESERVED}, each with its reason); the CLI's
 * Kafka clients reject fewer ({@link #CLI_RESERVED}).
 * Values may be secrets (passwords, JAAS configurations): nothing here puts a value into a
 * message or a string.
 */
public final class KafkaClientProperties {
    /** The prefix of pass-through keys in the job's configuration. */
    public static final String PREFIX = "auspex.kafka.properties.";

    /** Keys that cannot be passed through to the job's clients, and why. */
    public static final Map<String, String> RESERVED;

    /** Keys the CLI's Kafka clients ({@code --kafka-property}) set themselves, and why. */
    public static final Map<String, String> CLI_RESERVED;

    static {
        String serde = "Auspex reads and writes the record bytes itself (docs/topics.md, docs/ingest.md)";
        Map<String, String> m = new TreeMap<>();
        m.put("key.serializer", serde);
        m.put("value.serializer", serde);
        m.put("key.deserializer", serde);
        m.put("value.deserializer", serde);
        m.put("isolation.level", "Auspex always reads read_committed");
        Map<String, String> cli = new TreeMap<>(m);
        cli.put("bootstrap.servers", "set by --bootstrap-servers");
        cli.put("enable.auto.commit", "the commands commit no offsets");
        m.put("bootstrap.servers", "set by auspex.kafka.bootstrap-servers");
        m.put("group.id", "set by auspex.kafka.group-id");
        m.put("auto.offset.reset", "set by auspex.sources.from-earliest");
        m.put("enable.auto.commit", "the sources commit their offsets on checkpoints");
        m.put("transactional.id", "set per sink subtask from auspex.sink.transactional-id-prefix");
        m.put("enable.idempotence", "the exactly-once alert sink needs the idempotent producer");
        RESERVED = Collections.unmodifiableMap(m);
        CLI_RESERVED = Collections.unmodifiableMap(cli);
    }

    private KafkaClientProperties() {}

    /** The pass-through settings of {@code cfg}, as properties for a Kafka client or a connector builder. */
    public static Properties of(PipelineConfig cfg) {
        return asProperties(cfg.kafkaProperties());
    }

    /** {@code props} as {@link Properties}. */
    public static Properties asProperties(Map<String, ?> props) {
        Properties p = new Properties();
        p.putAll(props);
        return p;
    }

    /** The {@code auspex.kafka.properties.*} entries of a job configuration, prefix removed, sorted by key. */
    public static Map<String, String> extract(Map<String, String> conf) {
        Map<String, String> out = new TreeMap<>();
        conf.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                out.put(k.substring(PREFIX.length()), v);
            }
        });
        return out;
    }

    /**
     * Problems of pass-through settings for the job's clients, one line each, naming the key as
     * the user wrote it ({@code keyPrefix} + the Kafka key) and the reason; never the value.
     */
    public static List<String> problems(Map<String, ?> props, String keyPrefix) {
        return problems(props, keyPrefix, RESERVED);
    }

    /** As {@link #problems(Map, String)}, against the keys {@code reserved} names. */
    public static List<String> problems(Map<String, ?> props, String keyPrefix, Map<String, String> reserved) {
        List<String> problems = new ArrayList<>();
        new TreeMap<String, Object>(props).forEach((k, v) -> {
            if (k.isBlank()) {
                problems.add(keyPrefix + k + ": no Kafka client key after the prefix");
            } else if (reserved.containsKey(k)) {
                problems.add(keyPrefix + k + ": not settable, " + reserved.get(k));
            } else if (v == null || v.toString().isBlank()) {
                problems.add(keyPrefix + k + ": empty value");
            }
        });
        return problems;
    }

    /** The keys only, for logs and messages: {@code [sasl.jaas.config, security.protocol]}. */
    public static String describeKeys(Map<String, ?> props) {
        return new TreeMap<>(props).keySet().toString();
    }
}
