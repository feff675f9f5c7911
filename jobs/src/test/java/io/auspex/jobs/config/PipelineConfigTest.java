package io.auspex.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auspex.jobs.JobArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    void argumentsAndPropertiesFileCombineWithTheCommandLineWinning(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        Path props = Files.writeString(dir.resolve("job.properties"), """
                auspex.kafka.bootstrap-servers=kafka-a:9092
                auspex.signals.window=20 s
                """);
        PipelineConfig cfg = PipelineConfig.from(JobArgs.parse(new String[] {
            "--config", props.toString(), "--auspex.kafka.bootstrap-servers", "kafka-b:9092",
            "--auspex.slo.file", slo.toString()}));
        assertEquals("kafka-b:9092", cfg.get(PipelineOptions.BOOTSTRAP_SERVERS));
        assertEquals(Duration.ofSeconds(20), cfg.get(PipelineOptions.WINDOW));
        assertEquals("telemetry.alerts", cfg.get(PipelineOptions.ALERTS_TOPIC));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobArgs.parse(new String[] {"--auspex.slo.file"}));
        assertEquals("expected --key value pairs, got '--auspex.slo.file'", e.getMessage());
    }
}
