package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.schemas.ServiceSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed default artifact loads and separates a normal payment window from an outage. */
class ModelWindowScorerTest {

    @Test
    void defaultArtifactLoadsAndScores(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(Map.of(
                AuspexOptions.BOOTSTRAP_SERVERS.key(), "localhost:9092",
                AuspexOptions.SLO_FILE.key(), slo.toString())));
        ModelWindowScorer model = ModelWindowScorer.fromConfig(cfg);
        assertNotNull(model, "default model bundled in the models jar");
        assertEquals("default:1", model.modelVersion());
        // a payment window as the simulator makes it in normal traffic, and the same with 30 % errors
        ServiceSignals normal = Fixtures.signals("payment", T0).setTrafficRps(1.5).setRequestCount(15)
                .setLatencyP50Ms(45).setLatencyP90Ms(90).setLatencyP99Ms(150).setLatencyMaxMs(160)
                .setSaturation(0.2).setLogCount(1).build();
        ServiceSignals outage = ServiceSignals.newBuilder(normal).setErrorRatio(0.3).setErrorSpanCount(5)
                .setErrorLogCount(5).build();
        double quiet = model.score(normal);
        double loud = model.score(outage);
        assertTrue(loud > quiet, quiet + " vs " + loud);
        assertTrue(model.isAnomalous(loud), "outage score " + loud);
        assertFalse(Double.isNaN(quiet));
    }

    @Test
    void noneRunsWithoutAModel(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(Map.of(
                AuspexOptions.BOOTSTRAP_SERVERS.key(), "localhost:9092",
                AuspexOptions.SLO_FILE.key(), slo.toString(),
                AuspexOptions.MODEL_FILE.key(), ModelWindowScorer.NONE)));
        assertEquals(null, ModelWindowScorer.fromConfig(cfg));
    }

    @Test
    void missingModelFileFailsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        Path slo = Files.writeString(dir.resolve("s.yaml"), "slos: []\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.from(Configuration.fromMap(Map.of(
                        AuspexOptions.BOOTSTRAP_SERVERS.key(), "localhost:9092",
                        AuspexOptions.SLO_FILE.key(), slo.toString(),
                        AuspexOptions.MODEL_FILE.key(), dir.resolve("nope.model").toString()))));
        assertTrue(e.getMessage().contains("auspex.model.file: file not readable"), e.getMessage());
    }
}
