package io.auspex.jobs.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client settings passed through to every Kafka client the project builds (the job's
 * sources and sinks, the start-up check, the CLI's readers): security (SASL, TLS),
 * {@code client.rack}, tuning. In the job's configuration they are the keys
 * {@code auspex.kafka.properties.<kafka-client-key>}, as Flink SQL's Kafka connector takes
 * {@code properties.<kafka-client-key>}.
 *
 * <p>Keys the job itself controls are rejected ({@link #RESERVED}, each with its reason).
 * Values may be secrets (passwords, JAAS configurations): nothing here puts a value into a
 * message or a string.
 */
public final class KafkaClientProperties {
    /** The prefix of pass-through keys in the job's configuration. */
    public static final String PREFIX = "auspex.kafka.properties.";

    /** Keys that cannot be passed through, and why. */
    public static final Map<String, String> RESERVED;

    static {
        Map<String, String> m = new TreeMap<>();
        String serde = "the job's records are Avro bytes it encodes and decodes itself (docs/topics.md)";
        m.put("key.serializer", serde);
        m.put("value.serializer", serde);
        m.put("key.deserializer", serde);
        m.put("value.deserializer", serde);
        m.put("bootstrap.servers", "set by auspex.kafka.bootstrap-servers");
        m.put("group.id", "set by auspex.kafka.group-id");
        m.put("isolation.level", "the sources always read read_committed");
        m.put("auto.offset.reset", "set by auspex.sources.from-earliest");
        m.put("enable.auto.commit", "the sources commit their offsets on checkpoints");
        m.put("transactional.id", "set per sink subtask from auspex.sink.transactional-id-prefix");
        m.put("enable.idempotence", "the exactly-once alert sink needs the idempotent producer");
        RESERVED = Collections.unmodifiableMap(m);
    }

    private KafkaClientProperties() {}

    /** The pass-through settings of {@code cfg}, as properties for a Kafka client or a connector builder. */
    public static Properties of(PipelineConfig cfg) {
        return asProperties(cfg.kafkaProperties());
    }

    /** {@code props} as {@link Properties}. */
    public static Properties asProperties(Map<String, String> props) {
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
     * Problems of pass-through settings, one line each, naming the key as the user wrote it
     * ({@code keyPrefix} + the Kafka key) and the reason; never the value.
     */
    public static List<String> problems(Map<String, String> props, String keyPrefix) {
        List<String> problems = new ArrayList<>();
        props.forEach((k, v) -> {
            if (k.isBlank()) {
                problems.add(keyPrefix + k + ": no Kafka client key after the prefix");
            } else if (RESERVED.containsKey(k)) {
                problems.add(keyPrefix + k + ": not settable, " + RESERVED.get(k));
            } else if (v == null || v.isBlank()) {
                problems.add(keyPrefix + k + ": empty value");
            }
        });
        return problems;
    }

    /**
     * Reads Kafka client settings from a properties file (the CLI's {@code --kafka-config}).
     * Plain Kafka keys are taken as they are; {@code auspex.kafka.properties.*} keys are taken
     * with the prefix removed and other {@code auspex.*} keys are skipped, so the job's own
     * configuration file works too.
     *
     * @throws IllegalArgumentException naming every bad key (never a value)
     */
    public static Map<String, String> fromFile(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kafka client settings from " + file, e);
        }
        Map<String, String> out = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(PREFIX)) {
                out.put(k.substring(PREFIX.length()), p.getProperty(k));
            } else if (!k.startsWith("auspex.")) {
                out.put(k, p.getProperty(k));
            }
        }
        List<String> problems = problems(out, "");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid Kafka client settings in " + file + ":\n  "
                    + String.join("\n  ", problems));
        }
        return out;
    }

    /** The keys only, for logs and messages: {@code [sasl.jaas.config, security.protocol]}. */
    public static String describeKeys(Map<String, String> props) {
        return new TreeMap<>(props).keySet().toString();
    }
}
