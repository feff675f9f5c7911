package io.auspex.models.scoring;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static io.auspex.models.training.SignalsFixtures.SERVICES;

import io.auspex.models.artifact.ModelArtifact;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.training.IsolationForestTrainer;
import io.auspex.models.training.SignalsFixtures;
import io.auspex.models.training.TrainerConfig;
import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.util.List;

/**
 * Benchmark (a main class, not a test): training time, artifact size, load time and
 * single-thread scoring throughput of the default configuration; prints the figures quoted in
 * docs/models.md, where the command is.
 */
public final class ScoringBenchmark {
    private ScoringBenchmark() {}

    public static void main(String[] args) throws IOException {
        List<ServiceSignals> training = SignalsFixtures.normal(SERVICES, BEGINNING, 20_000, 31L);
        long t0 = System.nanoTime();
        ModelArtifact artifact = new IsolationForestTrainer(TrainerConfig.defaults())
                .train("default", "bench", training);
        double trainS = (System.nanoTime() - t0) / 1e9;
        byte[] bytes = ModelArtifactIO.toBytes(artifact);
        long t1 = System.nanoTime();
        AnomalyScorer scorer = AnomalyScorer.fromBytes(bytes);
        double loadMs = (System.nanoTime() - t1) / 1e6;

        List<ServiceSignals> probe = training.subList(0, 50_000);
        double sink = 0;
        for (int warm = 0; warm < 2; warm++) {
            for (ServiceSignals s : probe) {
                sink += scorer.score(s);
            }
        }
        int rounds = 4;
        long t2 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (ServiceSignals s : probe) {
                sink += scorer.score(s);
            }
        }
        double perSecond = rounds * probe.size() / ((System.nanoTime() - t2) / 1e9);
        System.out.printf("train %d rows: %.2f s; artifact %d bytes; load %.1f ms; "
                        + "score %.0f windows/s on one thread (checksum %.3f)%n",
                training.size(), trainS, bytes.length, loadMs, perSecond, sink);
    }
}
