package io.auspex.models.scoring;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static io.auspex.models.training.SignalsFixtures.SERVICES;
import static io.auspex.models.training.SignalsFixtures.WINDOW_MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.artifact.ModelArtifact;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.training.IsolationForestTrainer;
import io.auspex.models.training.SignalsFixtures;
import io.auspex.models.training.TrainerConfig;
import io.auspex.schemas.ServiceSignals;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnomalyScorerTest {

    static ModelArtifact artifact;
    static AnomalyScorer scorer;
    static List<ServiceSignals> probe;

    @BeforeAll
    static void train() {
        artifact = new IsolationForestTrainer(TrainerConfig.defaults().withTrees(30))
                .train("default", "t1", SignalsFixtures.normal(SERVICES, BEGINNING, 1_000, 21L));
        scorer = AnomalyScorer.of(artifact);
        probe = SignalsFixtures.normal(SERVICES, BEGINNING + 1_000 * WINDOW_MS, 40, 22L);
    }

    @Test
    void fromArtifactBytesScoresLikeTheTrainedModel() throws IOException {
        AnomalyScorer loaded = AnomalyScorer.fromBytes(ModelArtifactIO.toBytes(artifact));
        assertEquals("default", loaded.modelName());
        assertEquals("t1", loaded.modelVersion());
        assertEquals(scorer.threshold(), loaded.threshold());
        for (ServiceSignals s : probe) {
            assertEquals(scorer.score(s), loaded.score(s), 0.0);
        }
    }

    @Test
    void javaSerializationRoundTripScoresIdentically() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(scorer);
        }
        AnomalyScorer copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (AnomalyScorer) in.readObject();
        }
        for (ServiceSignals s : probe) {
            assertEquals(scorer.score(s), copy.score(s), 0.0);
        }
        assertEquals(scorer.threshold(), copy.threshold());
    }

    @Test
    void scoresAreInTheIsolationForestRange() {
        for (ServiceSignals s : probe) {
            double score = scorer.score(s);
            assertTrue(score > 0.0 && score <= 1.0, "score " + score);
        }
    }

    @Test
    void thresholdIsInclusive() {
        assertTrue(scorer.isAnomalous(scorer.threshold()));
        assertFalse(scorer.isAnomalous(Math.nextDown(scorer.threshold())));
        assertFalse(scorer.isAnomalous(Double.NaN));
    }

    @Test
    void badRecordScoresNaNAndIsNotAnomalous() {
        ServiceSignals bad = SignalsFixtures.window("search", BEGINNING, Double.NaN, 0,
                1, 1, 1, 1, 0, 0);
        assertTrue(Double.isNaN(scorer.score(bad)));
        assertFalse(scorer.isAnomalous(scorer.score(bad)));
    }

    @Test
    void unknownServicesUseTheGlobalScale() {
        assertTrue(scorer.knowsService("search"));
        assertFalse(scorer.knowsService("new-service"));
        ServiceSignals s = SignalsFixtures.window("new-service", BEGINNING, 10, 0.01,
                20, 40, 80, 100, 0.3, 1);
        assertArrayEquals(artifact.normalization().global().apply(
                io.auspex.models.features.FeatureVector.extract(s)), scorer.zScores(s));
        assertTrue(Double.isFinite(scorer.score(s)));
    }

    @Test
    void zScoresShowWhichSignalMoved() {
        ServiceSignals slow = SignalsFixtures.withLatencyTimes(probe.get(0), 5);
        double[] before = scorer.zScores(probe.get(0));
        double[] after = scorer.zScores(slow);
        assertEquals(before[0], after[0], 0.0); // traffic unchanged
        assertEquals(before[1], after[1], 0.0); // errors unchanged
        assertTrue(after[2] - before[2] > 5, "p50 z moved by " + (after[2] - before[2]));
    }
}
