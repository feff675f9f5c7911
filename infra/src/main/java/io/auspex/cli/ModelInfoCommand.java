package io.auspex.cli;

import io.auspex.models.artifact.InvalidArtifactException;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.artifact.ModelMetadata;
import io.auspex.models.artifact.TrainingDataRange;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code model-info FILE.model}: prints an artifact's metadata and whether this build can load
 * it.
 *
 * <p>Exit codes: 0 the artifact loads in this build, 1 it does not (missing file, not an
 * artifact, unknown format version, feature names of another build, corrupt model; whatever
 * metadata is readable is still printed), 2 runtime failure.
 */
@Command(name = "model-info",
        description = "Print the metadata of a model artifact and check that it loads.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:artifact loads", "1:missing or invalid artifact", "2:runtime failure"})
public final class ModelInfoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--json", description = "Print metadata.json as stored.")
    boolean json;

    @Parameters(index = "0", paramLabel = "FILE.model", description = "Model artifact.")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            if (json) {
                out.println(ModelArtifactIO.readMetadataJson(file));
            } else {
                print(out, ModelArtifactIO.readMetadata(file), Files.size(file));
            }
            out.flush();
            ModelArtifactIO.read(file);
            out.println("loads:     yes");
            return AuspexCli.EXIT_OK;
        } catch (NoSuchFileException e) {
            err.println("error: no such file: " + e.getFile());
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (InvalidArtifactException e) {
            err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (IOException | RuntimeException e) {
            err.println("error: cannot read " + file + ": " + e);
            return AuspexCli.EXIT_FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static void print(PrintWriter w, ModelMetadata m, long size) {
        TrainingDataRange r = m.trainingData();
        w.printf(Locale.ROOT, "model:     %s %s%n", m.modelName(), m.modelVersion());
        w.printf(Locale.ROOT, "format:    %d, %s, %d bytes%n", m.formatVersion(), m.algorithm(),
                size);
        w.printf(Locale.ROOT, "created:   %s%n", m.createdAt());
        w.printf(Locale.ROOT, "features:  %s%n", String.join(", ", m.featureNames()));
        w.printf(Locale.ROOT, "threshold: %.6f (quantile %s of training scores)%n",
                m.threshold(), m.trainer().thresholdQuantile());
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, Double> e : new TreeMap<>(m.trainingScoreQuantiles()).entrySet()) {
            q.append(q.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.4f", e.getKey(), e.getValue()));
        }
        w.printf(Locale.ROOT, "scores:    %s%n", q);
        w.printf(Locale.ROOT, "training:  %d rows (%d skipped), %s .. %s%n", r.rows(),
                r.skippedRows(), Instant.ofEpochMilli(r.minWindowStartMs()),
                Instant.ofEpochMilli(r.maxWindowEndMs()));
        w.printf(Locale.ROOT, "services:  %d: %s%n", r.services().size(),
                String.join(", ", r.services()));
        w.printf(Locale.ROOT, "trainer:   %d trees, subsample %d (asked %d), max depth %d, "
                        + "extension level %d, min service rows %d, seed %d%n",
                m.trainer().trees(), m.trainer().subsampleUsed(),
                m.trainer().subsampleRequested(), m.trainer().maxDepth(),
                m.trainer().extensionLevel(), m.trainer().minServiceRows(), m.trainer().seed());
    }
}
