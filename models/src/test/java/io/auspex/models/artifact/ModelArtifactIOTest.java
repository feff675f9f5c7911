package io.auspex.models.artifact;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static io.auspex.models.training.SignalsFixtures.SERVICES;
import static io.auspex.models.training.SignalsFixtures.WINDOW_MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.auspex.models.features.FeatureVector;
import io.auspex.models.scoring.AnomalyScorer;
import io.auspex.models.training.IsolationForestTrainer;
import io.auspex.models.training.SignalsFixtures;
import io.auspex.models.training.TrainerConfig;
import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactIOTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T22:00:00Z"), ZoneOffset.UTC);

    static ModelArtifact artifact;
    static byte[] bytes;
    static List<ServiceSignals> probe;

    @TempDir Path dir;

    @BeforeAll
    static void train() throws IOException {
        List<ServiceSignals> training = SignalsFixtures.normal(SERVICES, BEGINNING, 2_000, 11L);
        artifact = new IsolationForestTrainer(TrainerConfig.defaults(), CLOCK)
                .train("default", "2026.11.24-1", training);
        bytes = ModelArtifactIO.toBytes(artifact);
        probe = new ArrayList<>(SignalsFixtures.normal(SERVICES,
                BEGINNING + 2_000 * WINDOW_MS, 100, 12L));
        probe.add(SignalsFixtures.withLatencyTimes(probe.get(0), 5));
        probe.add(SignalsFixtures.window("unknown-service", BEGINNING, 3, 0, 5, 9, 20, 30, 0.2, 0));
    }

    @Test
    void roundTripScoresIdenticallyAndKeepsMetadata() throws IOException {
        Path file = dir.resolve("default.model");
        ModelArtifactIO.write(artifact, file);
        ModelArtifact read = ModelArtifactIO.read(file);

        assertEquals(artifact.metadata(), read.metadata());
        assertEquals(artifact.normalization(), read.normalization());
        AnomalyScorer before = AnomalyScorer.of(artifact);
        AnomalyScorer after = AnomalyScorer.of(read);
        for (ServiceSignals s : probe) {
            assertEquals(before.score(s), after.score(s), 0.0, s.getServiceName().toString());
        }
        // Saving what was read gives the same bytes: nothing is lost or reordered.
        assertArrayEquals(bytes, ModelArtifactIO.toBytes(read));
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void defaultArtifactIsSmallEnoughToCommit() {
        assertTrue(bytes.length < 2_000_000, "artifact is " + bytes.length + " bytes");
    }

    @Test
    void metadataJsonHasTheDocumentedFields() throws IOException {
        JsonNode m = ArtifactZip.JSON.readTree(ArtifactZip.entries(bytes).get("metadata.json"));
        assertEquals(1, m.get("format_version").asInt());
        assertEquals("default", m.get("model_name").asText());
        assertEquals("2026.11.24-1", m.get("model_version").asText());
        assertEquals("2026-11-24T22:00:00Z", m.get("created_at").asText());
        assertEquals(FeatureVector.names().get(1), m.get("feature_names").get(1).asText());
        assertEquals("2026-11-01T00:00:00Z", m.get("training_data").get("min_window_start").asText());
        assertEquals(10_000, m.get("training_data").get("rows").asInt());
        assertEquals(42, m.get("trainer").get("seed").asInt());
        assertEquals("median_mad_tail", m.get("normalization").get("method").asText());
        assertEquals(0.995, m.get("normalization").get("tail_quantile").asDouble());
        assertEquals(5, m.get("normalization").get("services").size());
        assertEquals("java-serialization", m.get("model").get("encoding").asText());
        assertEquals(List.of("metadata.json", "model.ser"),
                List.copyOf(ArtifactZip.entries(bytes).keySet()));
    }

    @Test
    void wrongFeatureNamesFailNamingTheMismatch() throws IOException {
        byte[] edited = ArtifactZip.editMetadata(bytes,
                m -> ((ArrayNode) m.get("feature_names")).set(1, "error_ratio"));
        var e = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(edited));
        assertTrue(e.getMessage().startsWith("artifact bytes: feature names differ from this "
                + "build's FeatureVector (at index 1 the artifact has 'error_ratio' where this "
                + "build has 'log_error_ratio'); artifact: [log1p_traffic_rps, error_ratio, "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("Retrain the model with this build."));
        // The metadata alone can still be read, e.g. by model-info.
        Path file = Files.write(dir.resolve("old.model"), edited);
        assertEquals("error_ratio", ModelArtifactIO.readMetadata(file).featureNames().get(1));
    }

    @Test
    void missingFeatureFailsWithTheCounts() throws IOException {
        byte[] edited = ArtifactZip.editMetadata(bytes,
                m -> ((ArrayNode) m.get("feature_names")).remove(7));
        var e = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(edited));
        assertTrue(e.getMessage().contains("(the artifact has 7 features, this build 8)"),
                e.getMessage());
    }

    @Test
    void unknownFormatVersionFails() throws IOException {
        byte[] edited = ArtifactZip.editMetadata(bytes, m -> m.put("format_version", 2));
        var e = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(edited));
        assertEquals("artifact bytes: unsupported artifact format version 2 "
                + "(this build reads versions [1])", e.getMessage());
        Path file = Files.write(dir.resolve("future.model"), edited);
        var onFile = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.readMetadata(file));
        assertEquals(file + ": unsupported artifact format version 2 "
                + "(this build reads versions [1])", onFile.getMessage());
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        byte[] edited = ArtifactZip.editMetadata(bytes, m -> m.remove("threshold"));
        var e = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(edited));
        assertEquals("artifact bytes: metadata.json lacks field 'threshold'", e.getMessage());
    }

    @Test
    void corruptModelIsDetectedByItsChecksum() throws IOException {
        byte[] edited = ArtifactZip.replaceModel(bytes, m -> {
            byte[] c = m.clone();
            c[c.length / 2] ^= 1;
            return c;
        }, false);
        var e = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(edited));
        assertTrue(e.getMessage().startsWith("artifact bytes: model.ser is corrupt: sha256 "),
                e.getMessage());
    }

    @Test
    void modelEntryCannotInstantiateOtherClasses() throws IOException {
        byte[] edited = ArtifactZip.replaceModel(bytes,
                m -> ArtifactZip.javaSerialize(new ArrayList<>(List.of("x"))), true);
        var e = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(edited));
        assertTrue(e.getMessage().startsWith("artifact bytes: model.ser was rejected (only "
                + "smile.anomaly classes of this build's Smile version are accepted): "),
                e.getMessage());
    }

    @Test
    void notAnArtifact() throws IOException {
        var garbage = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes("hello".getBytes()));
        assertEquals("artifact bytes: not a model artifact (no metadata.json entry; entries: [])",
                garbage.getMessage());
        byte[] onlyModel = ArtifactZip.zip(Map.of("model.ser", new byte[] {1}));
        var noMeta = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(onlyModel));
        assertEquals("artifact bytes: not a model artifact (no metadata.json entry; entries: "
                + "[model.ser])", noMeta.getMessage());
        byte[] badJson = ArtifactZip.zip(Map.of("metadata.json", "{not json".getBytes()));
        var json = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(badJson));
        assertTrue(json.getMessage().startsWith("artifact bytes: metadata.json is not valid JSON"),
                json.getMessage());
    }

    @Test
    void normalizationOfTheWrongWidthFails() throws IOException {
        byte[] edited = ArtifactZip.editMetadata(bytes, m -> ((ArrayNode) m.get("normalization")
                .get("global").get("scale")).remove(0));
        var e = assertThrows(InvalidArtifactException.class,
                () -> ModelArtifactIO.fromBytes(edited));
        assertEquals("artifact bytes: normalization of global has 7 values, expected 8",
                e.getMessage());
    }
}
