package io.auspex.cli;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static io.auspex.models.training.SignalsFixtures.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.artifact.ModelArtifact;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.features.FeatureVector;
import io.auspex.models.scoring.AnomalyScorer;
import io.auspex.models.training.SignalsFile;
import io.auspex.models.training.SignalsFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.auspex.schemas.ServiceSignals;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {

    @TempDir Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int train(String... args) {
        TrainCommand cmd = new TrainCommand();
        cmd.clock = Clock.fixed(Instant.parse("2026-11-24T22:00:00Z"), ZoneOffset.UTC);
        return new CommandLine(cmd).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
    }

    Path signals(int windows) throws IOException {
        Path file = dir.resolve("signals.avro");
        SignalsFile.write(file, SignalsFixtures.normal(SERVICES, BEGINNING, windows, 41L));
        return file;
    }

    @Test
    void trainsALoadableArtifactFromASignalsFile() throws IOException {
        Path model = dir.resolve("models/default.model");
        int code = train("--signals", signals(300).toString(), "--out", model.toString(),
                "--version", "v7", "--trees", "20", "--seed", "3");
        assertEquals(0, code, err.toString());
        ModelArtifact artifact = ModelArtifactIO.read(model);
        assertEquals("default", artifact.metadata().modelName());
        assertEquals("v7", artifact.metadata().modelVersion());
        assertEquals(20, artifact.metadata().trainer().trees());
        assertEquals(3L, artifact.metadata().trainer().seed());
        assertEquals(1_500L, artifact.metadata().trainingData().rows());
        assertEquals(FeatureVector.names(), artifact.metadata().featureNames());
        AnomalyScorer.load(model);
        String summary = out.toString();
        assertTrue(summary.contains("model:     default v7"), summary);
        assertTrue(summary.contains("rows:      1500 used, 0 skipped"), summary);
        assertTrue(summary.contains("services:  5 (5 with their own normalization)"), summary);
        assertTrue(summary.contains("artifact:  " + model + " (" + Files.size(model) + " bytes)"),
                summary);
    }

    /** A dump of the at-least-once topic with windows repeated (as after a restore) trains the model of the clean one. */
    @Test
    void duplicatedWindowsTrainTheSameModel() throws IOException {
        List<ServiceSignals> clean = SignalsFixtures.normal(SERVICES, BEGINNING, 200, 41L);
        List<ServiceSignals> repeated = new java.util.ArrayList<>();
        for (int i = 0; i < clean.size(); i++) {
            repeated.add(clean.get(i));
            if (i % 50 == 49) {
                repeated.addAll(clean.subList(i - 20, i + 1));
            }
        }
        Path cleanFile = dir.resolve("clean.avro");
        Path repeatedFile = dir.resolve("repeated.avro");
        SignalsFile.write(cleanFile, clean);
        SignalsFile.write(repeatedFile, repeated);
        Path a = dir.resolve("clean.model");
        Path b = dir.resolve("repeated.model");
        assertEquals(0, train("--signals", cleanFile.toString(), "--out", a.toString(), "--version", "v1",
                "--trees", "10"), err.toString());
        assertEquals(0, train("--signals", repeatedFile.toString(), "--out", b.toString(), "--version", "v1",
                "--trees", "10"), err.toString());
        assertTrue(err.toString().contains("read " + repeated.size() + " records (" + (repeated.size() - clean.size())
                + " duplicates left out), 1000 usable"), err.toString());
        ModelArtifact fromClean = ModelArtifactIO.read(a);
        ModelArtifact fromRepeated = ModelArtifactIO.read(b);
        assertEquals(fromClean.metadata(), fromRepeated.metadata());
        assertEquals(1_000L, fromRepeated.metadata().trainingData().rows());
    }

    @Test
    void versionDefaultsToTheTrainingTime() throws IOException {
        Path model = dir.resolve("m.model");
        assertEquals(0, train("--signals", signals(100).toString(), "--out", model.toString(),
                "--trees", "5", "--name", "canary"), err.toString());
        assertEquals("20261124T220000Z", ModelArtifactIO.read(model).metadata().modelVersion());
        assertEquals("canary", ModelArtifactIO.read(model).metadata().modelName());
    }

    @Test
    void missingSignalsFileIsBadInput() {
        Path missing = dir.resolve("missing.avro");
        assertEquals(1, train("--signals", missing.toString(), "--out", "x.model"));
        assertEquals("error: signals file not found: " + missing, lastLine(err));
    }

    @Test
    void nonAvroSignalsFileIsBadInput() throws IOException {
        Path csv = Files.writeString(dir.resolve("s.csv"), "a,b\n");
        assertEquals(1, train("--signals", csv.toString(), "--out",
                dir.resolve("m.model").toString()));
        assertEquals("error: " + csv + " is not an Avro data file", lastLine(err));
    }

    @Test
    void invalidParameterIsBadInput() throws IOException {
        assertEquals(1, train("--signals", signals(50).toString(), "--out",
                dir.resolve("m.model").toString(), "--threshold-quantile", "1.5"));
        assertEquals("error: threshold quantile must be in (0, 1], got 1.5", lastLine(err));
    }

    @Test
    void tooFewRowsIsBadInput() throws IOException {
        Path file = dir.resolve("few.avro");
        SignalsFile.write(file, SignalsFixtures.normal(SERVICES, BEGINNING, 1, 1L));
        assertEquals(1, train("--signals", file.toString(), "--out",
                dir.resolve("m.model").toString()));
        assertEquals("error: need at least 10 usable training rows, got 5", lastLine(err));
    }

    @Test
    void unwritableOutputIsAFailure() throws IOException {
        Path occupied = Files.createDirectories(dir.resolve("occupied.model"));
        Files.writeString(occupied.resolve("keep"), "x");
        assertEquals(2, train("--signals", signals(50).toString(), "--out",
                occupied.toString(), "--trees", "5"));
        assertTrue(lastLine(err).startsWith("error: cannot write " + occupied + ": "),
                err.toString());
    }

    @Test
    void helpListsTheOptions() {
        assertEquals(0, new CommandLine(new TrainCommand()).setOut(new PrintWriter(out))
                .execute("--help"));
        for (String option : new String[] {"--signals", "--out", "--name", "--version",
                "--trees", "--subsample", "--threshold-quantile", "--seed"}) {
            assertTrue(out.toString().contains(option), option);
        }
    }

    static String lastLine(StringWriter w) {
        String[] lines = w.toString().strip().split("\\R");
        return lines[lines.length - 1];
    }
}
