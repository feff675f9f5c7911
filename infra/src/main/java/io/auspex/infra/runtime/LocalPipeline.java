package io.auspex.infra.runtime;

import io.auspex.jobs.PipelineJob;
import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.io.KafkaStartupCheck;
import io.auspex.jobs.slo.SloSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the pipeline job on a local Flink MiniCluster in this JVM, with the production settings
 * (RocksDB, incremental exactly-once checkpoints, no Kryo) and bounded Kafka sources, so the job
 * finishes once it has read what the topics held when it started.
 */
public final class LocalPipeline {
    public static final int PARALLELISM = 2;
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    /** The SLO file the demo uses, bundled in the jobs jar. */
    public static final String DEFAULT_SLO_RESOURCE = "/slo/default-slos.yaml";

    private LocalPipeline() {}

    /** Copies the bundled default SLO file into {@code dir} and returns its path. */
    public static Path defaultSloFile(Path dir) {
        try (InputStream in = LocalPipeline.class.getResourceAsStream(DEFAULT_SLO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled SLO file " + DEFAULT_SLO_RESOURCE + " is missing");
            }
            Path file = dir.resolve("slos.yaml");
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks that Kafka accepts the job's client settings ({@link KafkaStartupCheck}), then builds
     * and starts the job; returns at once.
     *
     * @param overrides extra {@link AuspexOptions} keys (e.g. topic names, window length) and
     *     {@code auspex.kafka.properties.*} client settings
     * @throws KafkaStartupCheck.Failure when Kafka refuses the credentials or does not answer
     */
    public static JobClient start(String bootstrapServers, Path sloFile, Path workDir, Map<String, String> overrides)
            throws Exception {
        return start(bootstrapServers, sloFile, workDir, overrides, CHECKPOINT_INTERVAL);
    }

    /** As {@link #start(String, Path, Path, Map)}, checkpointing every {@code checkpointInterval}. */
    public static JobClient start(String bootstrapServers, Path sloFile, Path workDir, Map<String, String> overrides,
            Duration checkpointInterval) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put(AuspexOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        m.put(AuspexOptions.SLO_FILE.key(), sloFile.toString());
        m.put(AuspexOptions.BOUNDED.key(), "true");
        m.put(AuspexOptions.FROM_EARLIEST.key(), "true");
        String run = UUID.randomUUID().toString().substring(0, 8);
        m.put(AuspexOptions.GROUP_ID.key(), "auspex-local-" + run);
        m.put(AuspexOptions.TRANSACTIONAL_ID_PREFIX.key(), "auspex-local-" + run);
        m.putAll(overrides);
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(m));
        KafkaStartupCheck.verify(cfg);
        SloSet slos = SloSet.load(sloFile);

        Configuration flink = PipelineJob.flinkConfiguration(
                workDir.resolve("checkpoints").toUri().toString(), checkpointInterval);
        flink.setString("parallelism.default", Integer.toString(PARALLELISM));
        flink.setString("taskmanager.memory.managed.size", "256m");
        flink.setString("rest.bind-port", "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(PARALLELISM);
        PipelineJob.define(env, cfg, slos, ModelWindowScorer.fromConfig(cfg), KafkaIo.pipelineIo(cfg));
        return env.executeAsync("auspex-pipeline");
    }
}
