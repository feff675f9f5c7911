package io.auspex.models.training;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static io.auspex.models.training.SignalsFixtures.SERVICES;
import static io.auspex.models.training.SignalsFixtures.WINDOW_MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.artifact.ModelArtifact;
import io.auspex.models.artifact.ModelMetadata;
import io.auspex.models.features.FeatureVector;
import io.auspex.models.scoring.AnomalyScorer;
import io.auspex.schemas.ServiceSignals;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IsolationForestTrainerTest {

    static final int TRAIN_WINDOWS = 2_000;
    static final Instant CREATED = Instant.parse("2026-11-24T22:00:00Z");

    static List<ServiceSignals> training;
    static List<ServiceSignals> heldOut;
    static ModelArtifact artifact;
    static AnomalyScorer scorer;

    @BeforeAll
    static void train() {
        training = SignalsFixtures.normal(SERVICES, BEGINNING, TRAIN_WINDOWS, 1L);
        heldOut = SignalsFixtures.normal(SERVICES, BEGINNING + TRAIN_WINDOWS * WINDOW_MS,
                1_000, 2L);
        artifact = new IsolationForestTrainer(TrainerConfig.defaults(),
                Clock.fixed(CREATED, ZoneOffset.UTC)).train("default", "v1", training);
        scorer = AnomalyScorer.of(artifact);
    }

    @Test
    void heldOutNormalWindowsRarelyCrossTheThreshold() {
        int above = 0;
        for (ServiceSignals s : heldOut) {
            if (scorer.isAnomalous(scorer.score(s))) {
                above++;
            }
        }
        double fpr = above / (double) heldOut.size();
        assertTrue(fpr < 0.01, "false positive rate " + fpr + " (" + above + " of "
                + heldOut.size() + ")");
    }

    @Test
    void tenfoldErrorRatioIsAnomalousInEveryServiceThatHasErrors() {
        for (ServiceSignals s : heldOut.subList(0, 200)) {
            if (s.getErrorRatio() > 0) {
                double score = scorer.score(SignalsFixtures.withErrorRatioTimes(s, 10));
                assertTrue(scorer.isAnomalous(score), s.getServiceName() + " error ratio "
                        + s.getErrorRatio() + " x10 scored " + score + " < threshold "
                        + scorer.threshold());
            }
        }
    }

    @Test
    void fivePercentErrorsInAServiceWithoutErrorsIsAnomalous() {
        for (ServiceSignals s : heldOut.subList(0, 200)) {
            if (s.getServiceName().toString().equals("reports")) {
                double score = scorer.score(SignalsFixtures.withErrorRatio(s, 0.05));
                assertTrue(scorer.isAnomalous(score), "scored " + score);
            }
        }
    }

    @Test
    void fivefoldLatencyIsAnomalousInEveryService() {
        for (ServiceSignals s : heldOut.subList(0, 200)) {
            double score = scorer.score(SignalsFixtures.withLatencyTimes(s, 5));
            assertTrue(scorer.isAnomalous(score), s.getServiceName() + " latency x5 scored "
                    + score + " < threshold " + scorer.threshold());
        }
    }

    @Test
    void heavyTailsInNormalDataDoNotHideRealIncidents() {
        // Normal tail-latency spikes (3 % of windows) and stray errors: scaled by MAD alone
        // they become z-scores of 15-25, set the threshold, and a 5x slowdown of the whole
        // latency distribution scores below it. The tail-aware scale keeps them near 2.6.
        List<ServiceSignals> tailed = SignalsFixtures.normalWithTails(SERVICES, BEGINNING,
                TRAIN_WINDOWS, 3L);
        List<ServiceSignals> tailedHeldOut = SignalsFixtures.normalWithTails(SERVICES,
                BEGINNING + TRAIN_WINDOWS * WINDOW_MS, 1_000, 4L);
        AnomalyScorer s = AnomalyScorer.of(new IsolationForestTrainer(TrainerConfig.defaults())
                .train("m", "1", tailed));
        int falsePositives = 0;
        int missedSlow = 0;
        for (ServiceSignals w : tailedHeldOut) {
            if (s.isAnomalous(s.score(w))) {
                falsePositives++;
            }
            if (!s.isAnomalous(s.score(SignalsFixtures.withLatencyTimes(w, 5)))) {
                missedSlow++;
            }
        }
        assertTrue(falsePositives < tailedHeldOut.size() / 100,
                falsePositives + " false positives of " + tailedHeldOut.size());
        assertTrue(missedSlow < tailedHeldOut.size() / 100,
                "missed " + missedSlow + " of " + tailedHeldOut.size() + " 5x slowdowns");
    }

    @Test
    void metadataRecordsTheTrainingRunExactly() {
        ModelMetadata m = artifact.metadata();
        assertEquals(1, m.formatVersion());
        assertEquals("default", m.modelName());
        assertEquals("v1", m.modelVersion());
        assertEquals("smile.anomaly.IsolationForest", m.algorithm());
        assertEquals(FeatureVector.names(), m.featureNames());
        assertEquals(CREATED, m.createdAt());
        assertEquals(5L * TRAIN_WINDOWS, m.trainingData().rows());
        assertEquals(0L, m.trainingData().skippedRows());
        assertEquals(BEGINNING, m.trainingData().minWindowStartMs());
        assertEquals(BEGINNING + TRAIN_WINDOWS * WINDOW_MS, m.trainingData().maxWindowEndMs());
        assertEquals(List.of("checkout", "frontend", "payments", "reports", "search"),
                m.trainingData().services());
        assertEquals(100, m.trainer().trees());
        assertEquals(256, m.trainer().subsampleUsed());
        assertEquals(8, m.trainer().maxDepth());
        assertEquals(FeatureVector.SIZE - 1, m.trainer().extensionLevel());
        assertEquals(30, m.trainer().minServiceRows());
        assertEquals(0.999, m.trainer().thresholdQuantile());
        assertEquals(42L, m.trainer().seed());
        assertEquals(m.threshold(), m.trainingScoreQuantiles().get("p99.9"));
        assertTrue(m.trainingScoreQuantiles().get("p50") < m.threshold());
        assertEquals(5, artifact.normalization().perService().size());
    }

    @Test
    void sameSeedGivesTheSameModelAndAnotherSeedAnother() {
        List<ServiceSignals> small = training.subList(0, 2_000);
        TrainerConfig config = TrainerConfig.defaults().withTrees(20);
        AnomalyScorer a = AnomalyScorer.of(
                new IsolationForestTrainer(config).train("m", "1", small));
        AnomalyScorer b = AnomalyScorer.of(
                new IsolationForestTrainer(config).train("m", "1", small));
        AnomalyScorer c = AnomalyScorer.of(
                new IsolationForestTrainer(config.withSeed(7)).train("m", "1", small));
        double[] sa = scores(a, heldOut.subList(0, 100));
        assertArrayEquals(sa, scores(b, heldOut.subList(0, 100)));
        assertFalse(java.util.Arrays.equals(sa, scores(c, heldOut.subList(0, 100))));
        assertEquals(a.threshold(), b.threshold());
    }

    @Test
    void subsampleIsCappedAtTheNumberOfRows() {
        ModelArtifact tiny = new IsolationForestTrainer(TrainerConfig.defaults())
                .train("m", "1", training.subList(0, 50));
        assertEquals(50, tiny.metadata().trainer().subsampleUsed());
        assertEquals(256, tiny.metadata().trainer().subsampleRequested());
        assertEquals(6, tiny.metadata().trainer().maxDepth());
    }

    @Test
    void invalidRowsAreSkippedAndCounted() {
        List<ServiceSignals> rows = new ArrayList<>(training.subList(0, 100));
        rows.add(SignalsFixtures.window("bad", BEGINNING, Double.NaN, 0, 1, 1, 1, 1, 0, 0));
        rows.add(SignalsFixtures.window("bad", BEGINNING, -5.0, 0, 1, 1, 1, 1, 0, 0));
        ModelArtifact m = new IsolationForestTrainer(TrainerConfig.defaults())
                .train("m", "1", rows);
        assertEquals(100L, m.metadata().trainingData().rows());
        assertEquals(2L, m.metadata().trainingData().skippedRows());
        assertFalse(m.metadata().trainingData().services().contains("bad"));
    }

    @Test
    void tooFewRowsIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new IsolationForestTrainer(TrainerConfig.defaults())
                        .train("m", "1", training.subList(0, 9)));
        assertEquals("need at least 10 usable training rows, got 9", e.getMessage());
    }

    @Test
    void axisParallelForestMissesSingleFeatureOutliersWhichIsWhyTheDefaultIsExtended() {
        AnomalyScorer classic = AnomalyScorer.of(new IsolationForestTrainer(
                TrainerConfig.defaults().withExtensionLevel(0)).train("m", "1", training));
        int caught = 0;
        int total = 0;
        for (ServiceSignals s : heldOut.subList(0, 200)) {
            if (s.getErrorRatio() > 0) {
                total++;
                if (classic.isAnomalous(classic.score(
                        SignalsFixtures.withErrorRatioTimes(s, 10)))) {
                    caught++;
                }
            }
        }
        assertTrue(caught < total / 2, "level 0 caught " + caught + " of " + total);
    }

    @Test
    void invalidConfigIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.defaults().withThresholdQuantile(1.5));
        assertEquals("threshold quantile must be in (0, 1], got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainerConfig.defaults().withTrees(0));
        assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.defaults().withSubsample(1));
        var level = assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.defaults().withExtensionLevel(8));
        assertEquals("extension level must be in [0, 7], got 8", level.getMessage());
    }

    @Test
    void nearestRankQuantile() {
        double[] sorted = new double[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(999.0, IsolationForestTrainer.quantile(sorted, 0.999));
        assertEquals(500.0, IsolationForestTrainer.quantile(sorted, 0.5));
        assertEquals(1000.0, IsolationForestTrainer.quantile(sorted, 1.0));
        assertEquals(1.0, IsolationForestTrainer.quantile(sorted, 0.0001));
        assertEquals(3.0, IsolationForestTrainer.quantile(new double[] {1, 2, 3}, 0.9));
    }

    @Test
    void ceilLog2() {
        assertEquals(1, IsolationForestTrainer.ceilLog2(2));
        assertEquals(2, IsolationForestTrainer.ceilLog2(3));
        assertEquals(8, IsolationForestTrainer.ceilLog2(256));
        assertEquals(9, IsolationForestTrainer.ceilLog2(257));
    }

    static double[] scores(AnomalyScorer s, List<ServiceSignals> rows) {
        return rows.stream().mapToDouble(s::score).toArray();
    }

}
