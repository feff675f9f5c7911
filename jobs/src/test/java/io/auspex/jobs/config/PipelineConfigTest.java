package io.auspex.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.JobArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

    @Test
    void everyProblemIsNamedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.from(
                Configuration.fromMap(Map.of(
                        "auspex.signals.window", "7 s",
                        "auspex.anomaly.signal-threshold", "1.5",
                        "auspex.slo.file", "/no/such/slos.yaml"))));
        assertEquals("""
                invalid pipeline configuration:
                  auspex.kafka.bootstrap-servers: required, not set
                  auspex.slo.file: file not readable: /no/such/slos.yaml
                  auspex.anomaly.signal-threshold: must be in (0, 1], was 1.5
                  auspex.signals.window: must divide one minute evenly (SLO minute buckets), was PT7S""",
                e.getMessage());
    }

    @Test
    void logTemplateOptionsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.from(
                Configuration.fromMap(Map.of(
                        "auspex.kafka.bootstrap-servers", "kafka:9092",
                        "auspex.slo.file", "/no/such/slos.yaml",
                        "auspex.signals.log-templates.max-lines", "-1",
                        "auspex.signals.log-templates.max-templates", "0",
                        "auspex.signals.log-templates.similarity", "0"))));
        assertEquals("""
                invalid pipeline configuration:
                  auspex.slo.file: file not readable: /no/such/slos.yaml
                  auspex.signals.log-templates.max-lines: must be >= 0
                  auspex.signals.log-templates.max-templates: must be >= 1
                  auspex.signals.log-templates.similarity: must be in (0, 1], was 0.0""", e.getMessage());
    }

    @Test
    void metricEvidenceOptionsAreChecked(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        Map<String, String> m = new HashMap<>(Map.of("auspex.kafka.bootstrap-servers", "k:9092",
                "auspex.slo.file", slo.toString()));
        PipelineConfig defaults = PipelineConfig.from(Configuration.fromMap(m));
        assertEquals(java.util.List.of("*"), defaults.get(AuspexOptions.METRIC_EVIDENCE_INCLUDE));
        assertEquals(java.util.List.of(), defaults.get(AuspexOptions.METRIC_EVIDENCE_EXCLUDE));
        assertEquals(32, defaults.get(AuspexOptions.METRIC_EVIDENCE_MAX_METRICS));
        m.put("auspex.anomaly.metric-evidence.include", "jvm_*;container cpu");
        m.put("auspex.anomaly.metric-evidence.exclude", "*_total;'jvm threads'");
        m.put("auspex.anomaly.metric-evidence.max-metrics", "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.from(Configuration.fromMap(m)));
        assertEquals("""
                invalid pipeline configuration:
                  auspex.anomaly.metric-evidence.include: pattern 'container cpu' has white space or a control character
                  auspex.anomaly.metric-evidence.exclude: pattern 'jvm threads' has white space or a control character
                  auspex.anomaly.metric-evidence.max-metrics: must be in 1..1024, was 0""", e.getMessage());
        m.put("auspex.anomaly.metric-evidence.include", "jvm_*;container_*");
        m.put("auspex.anomaly.metric-evidence.exclude", "*_total");
        m.put("auspex.anomaly.metric-evidence.max-metrics", "8");
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(m));
        assertEquals(java.util.List.of("jvm_*", "container_*"), cfg.get(AuspexOptions.METRIC_EVIDENCE_INCLUDE));
    }

    @Test
    void limitsAndRestartSettingsAreValidated(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.from(
                Configuration.fromMap(Map.of(
                        "auspex.kafka.bootstrap-servers", "k:9092",
                        "auspex.slo.file", slo.toString(),
                        "auspex.limits.max-services", "0",
                        "auspex.limits.max-attributes", "-1",
                        "auspex.limits.max-operations-per-service", "-2",
                        "auspex.limits.max-span-duration", "0 s",
                        "auspex.limits.max-utilization", "0",
                        "auspex.restart.strategy", "forever"))));
        assertEquals("""
                invalid pipeline configuration:
                  auspex.limits.max-services: must be >= 1, was 0
                  auspex.limits.max-attributes: must be >= 0, was -1
                  auspex.limits.max-operations-per-service: must be >= 0, was -2
                  auspex.limits.max-span-duration: must be > 0, was PT0S
                  auspex.limits.max-utilization: must be > 0, was 0.0
                  auspex.restart.strategy: must be exponential-delay, none or cluster, was forever""",
                e.getMessage());
    }

    @Test
    void theJobSetsABoundedRestartStrategyUnlessToldToLeaveItToTheCluster(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        Map<String, String> m = new HashMap<>(Map.of("auspex.kafka.bootstrap-servers", "k:9092",
                "auspex.slo.file", slo.toString()));
        assertEquals(Map.of(
                "restart-strategy.type", "exponential-delay",
                "restart-strategy.exponential-delay.initial-backoff", "1000 ms",
                "restart-strategy.exponential-delay.max-backoff", "60000 ms",
                "restart-strategy.exponential-delay.backoff-multiplier", "2.0",
                "restart-strategy.exponential-delay.reset-backoff-threshold", "3600000 ms",
                "restart-strategy.exponential-delay.jitter-factor", "0.1",
                "restart-strategy.exponential-delay.attempts-before-reset-backoff", "10"),
                PipelineConfig.from(Configuration.fromMap(m)).restartConfiguration().toMap());
        m.put("auspex.restart.strategy", "none");
        assertEquals(Map.of("restart-strategy.type", "none"),
                PipelineConfig.from(Configuration.fromMap(m)).restartConfiguration().toMap());
        m.put("auspex.restart.strategy", "cluster");
        assertEquals(Map.of(), PipelineConfig.from(Configuration.fromMap(m)).restartConfiguration().toMap());
    }

    @Test
    void argumentsAndPropertiesFileCombineWithTheCommandLineWinning(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        Path props = Files.writeString(dir.resolve("job.properties"), """
                auspex.kafka.bootstrap-servers=kafka-a:9092
                auspex.signals.window=20 s
                """);
        PipelineConfig cfg = PipelineConfig.from(JobArgs.parse(new String[] {
            "--config", props.toString(), "--auspex.kafka.bootstrap-servers", "kafka-b:9092",
            "--auspex.slo.file", slo.toString()}));
        assertEquals("kafka-b:9092", cfg.get(AuspexOptions.BOOTSTRAP_SERVERS));
        assertEquals(Duration.ofSeconds(20), cfg.get(AuspexOptions.WINDOW));
        assertEquals("telemetry.alerts", cfg.get(AuspexOptions.ALERTS_TOPIC));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobArgs.parse(new String[] {"--auspex.slo.file"}));
        assertEquals("expected --key value pairs, got '--auspex.slo.file'", e.getMessage());
    }

    static final String SECRET = "hunter2-Q9x7";
    static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
            + "password=\"" + SECRET + "\";";

    @Test
    void kafkaClientPropertiesArePassedThroughFromTheCommandLineAndTheFile(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        Path props = Files.writeString(dir.resolve("job.properties"), """
                auspex.kafka.properties.client.rack=eu-west-1a
                auspex.kafka.properties.sasl.mechanism=SCRAM-SHA-256
                """);
        PipelineConfig cfg = PipelineConfig.from(JobArgs.parse(new String[] {
            "--config", props.toString(), "--auspex.kafka.bootstrap-servers", "kafka:9093",
            "--auspex.slo.file", slo.toString(),
            "--auspex.kafka.properties.security.protocol", "SASL_SSL",
            "--auspex.kafka.properties.sasl.mechanism", "PLAIN",
            "--auspex.kafka.properties.sasl.jaas.config", JAAS}));
        assertEquals(Map.of("client.rack", "eu-west-1a", "sasl.mechanism", "PLAIN", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", JAAS), cfg.kafkaProperties());
        assertEquals(cfg.kafkaProperties(), KafkaClientProperties.of(cfg));
        assertTrue(cfg.toString().contains("auspex.kafka.properties.sasl.jaas.config=(hidden)"), cfg::toString);
        assertTrue(cfg.toString().contains("auspex.kafka.bootstrap-servers=kafka:9093"), cfg::toString);
        assertFalse(cfg.toString().contains(SECRET), cfg::toString);
        assertFalse(cfg.toString().contains("SASL_SSL"), cfg::toString);
    }

    @Test
    void keysTheJobControlsAreRejectedWithTheirReasonAndNoValue(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        Map<String, String> m = new HashMap<>();
        m.put("auspex.kafka.bootstrap-servers", "kafka:9093");
        m.put("auspex.slo.file", slo.toString());
        m.put("auspex.kafka.properties.sasl.jaas.config", JAAS);
        m.put("auspex.kafka.properties.security.protocol", "SASL_SSL");
        m.put("auspex.kafka.properties.key.deserializer", SECRET + ".Deserializer");
        m.put("auspex.kafka.properties.value.serializer", SECRET + ".Serializer");
        m.put("auspex.kafka.properties.isolation.level", "read_uncommitted-" + SECRET);
        m.put("auspex.kafka.properties.transactional.id", SECRET);
        m.put("auspex.kafka.properties.enable.auto.commit", "true-" + SECRET);
        m.put("auspex.kafka.properties.bootstrap.servers", SECRET + ":9092");
        m.put("auspex.kafka.properties.group.id", SECRET);
        m.put("auspex.kafka.properties.ssl.truststore.password", " ");
        m.put("auspex.kafka.properties.", SECRET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.from(Configuration.fromMap(m)));
        assertEquals("""
                invalid pipeline configuration:
                  auspex.kafka.properties.: no Kafka client key after the prefix
                  auspex.kafka.properties.bootstrap.servers: not settable, set by auspex.kafka.bootstrap-servers
                  auspex.kafka.properties.enable.auto.commit: not settable, the sources commit their offsets on checkpoints
                  auspex.kafka.properties.group.id: not settable, set by auspex.kafka.group-id
                  auspex.kafka.properties.isolation.level: not settable, Auspex always reads read_committed
                  auspex.kafka.properties.key.deserializer: not settable, Auspex reads and writes the record \
                bytes itself (docs/topics.md, docs/ingest.md)
                  auspex.kafka.properties.ssl.truststore.password: empty value
                  auspex.kafka.properties.transactional.id: not settable, set per sink subtask from \
                auspex.sink.transactional-id-prefix
                  auspex.kafka.properties.value.serializer: not settable, Auspex reads and writes the record \
                bytes itself (docs/topics.md, docs/ingest.md)""", e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }
}
