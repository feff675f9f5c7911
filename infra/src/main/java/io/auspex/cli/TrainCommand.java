package io.auspex.cli;

import io.auspex.models.artifact.ModelArtifact;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.artifact.ModelMetadata;
import io.auspex.models.artifact.TrainingDataRange;
import io.auspex.models.training.InvalidSignalsFileException;
import io.auspex.models.training.IsolationForestTrainer;
import io.auspex.models.training.SignalsFile;
import io.auspex.models.training.TrainerConfig;
import io.auspex.models.training.TrainingSet;
import io.auspex.schemas.FirstOfEachId;
import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train}: trains the multivariate Isolation Forest from an Avro dump of the signals
 * topic and writes a model artifact.
 *
 * <p>Exit codes: 0 ok, 1 bad input (missing or unreadable signals file, too few usable rows,
 * invalid parameter), 2 runtime failure (e.g. the artifact cannot be written).
 */
@Command(name = "train", sortOptions = false,
        description = {
            "Train the multivariate anomaly model (Smile IsolationForest) from a signals file.",
            "Input: an Avro data file of ServiceSignals (an export of telemetry.signals); a window",
            "(service and window end) that is there more than once counts once, its first record.",
            "Output: one model artifact (zip with metadata.json and the model)."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ok", "1:bad input or parameter", "2:runtime failure"})
public final class TrainCommand implements Callable<Integer> {


    private static final DateTimeFormatter VERSION_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    @Spec CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--signals", required = true, paramLabel = "FILE.avro",
            description = "Avro data file of ServiceSignals records.")
    Path signals;

    @Option(names = "--out", required = true, paramLabel = "FILE.model",
            description = "Artifact to write (replaced atomically if it exists).")
    Path out;

    @Option(names = "--name", defaultValue = "default", paramLabel = "NAME",
            description = "Model name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = {"--version", "--model-version"}, paramLabel = "VERSION",
            description = "Model version (default: training time, e.g. 20261124T220000Z).")
    String version;

    @Option(names = "--trees", defaultValue = "" + TrainerConfig.DEFAULT_TREES, paramLabel = "N",
            description = "Number of trees (default: ${DEFAULT-VALUE}).")
    int trees;

    @Option(names = "--subsample", defaultValue = "" + TrainerConfig.DEFAULT_SUBSAMPLE,
            paramLabel = "N", description = "Rows per tree (default: ${DEFAULT-VALUE}).")
    int subsample;

    @Option(names = "--threshold-quantile", paramLabel = "Q",
            defaultValue = "" + TrainerConfig.DEFAULT_THRESHOLD_QUANTILE,
            description = "Quantile of training scores used as threshold, in (0, 1] "
                    + "(default: ${DEFAULT-VALUE}).")
    double thresholdQuantile;

    @Option(names = "--seed", defaultValue = "" + TrainerConfig.DEFAULT_SEED, paramLabel = "S",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--min-service-rows", paramLabel = "N",
            defaultValue = "" + TrainerConfig.DEFAULT_MIN_SERVICE_ROWS,
            description = "Windows a service needs for its own normalization "
                    + "(default: ${DEFAULT-VALUE}).")
    int minServiceRows;

    @Option(names = "--extension-level", paramLabel = "L",
            description = "Extended isolation forest level, 0 (axis-parallel cuts) to "
                    + "features - 1 (default: features - 1, fully extended).")
    Integer extensionLevel;

    /** Clock for created-at and the default version; tests replace it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        try {
            TrainerConfig config = new TrainerConfig(trees, subsample, thresholdQuantile, seed,
                    minServiceRows, extensionLevel != null
                            ? extensionLevel : TrainerConfig.DEFAULT_EXTENSION_LEVEL);
            if (signals.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--out must not be the signals file");
            }
            long started = System.nanoTime();
            err.println("reading " + signals + " ...");
            err.flush();
            TrainingSet.Builder rows = TrainingSet.builder();
            // an export of an at-least-once topic: a window that is there twice is one row
            FirstOfEachId<ServiceSignals> distinct = FirstOfEachId.signals(rows::add);
            long read = SignalsFile.forEach(signals, distinct);
            TrainingSet data = rows.build();
            err.printf("read %d records (%d duplicates left out), %d usable; training %d trees ...%n",
                    read, distinct.duplicates(), data.size(), config.trees());
            err.flush();

            Instant now = clock.instant();
            String modelVersion = version != null ? version : VERSION_FORMAT.format(now);
            ModelArtifact artifact = new IsolationForestTrainer(config, Clock.fixed(now,
                    ZoneOffset.UTC)).train(name, modelVersion, data);
            try {
                ModelArtifactIO.write(artifact, out);
            } catch (IOException e) {
                err.println("error: cannot write " + out + ": " + e);
                return AuspexCli.EXIT_FAILURE;
            }
            printSummary(outWriter, artifact, Files.size(out),
                    (System.nanoTime() - started) / 1e9);
            return AuspexCli.EXIT_OK;
        } catch (NoSuchFileException e) {
            err.println("error: signals file not found: " + e.getFile());
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (InvalidSignalsFileException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (IOException | RuntimeException e) {
            err.println("error: training failed: " + e);
            return AuspexCli.EXIT_FAILURE;
        } finally {
            err.flush();
        }
    }

    private void printSummary(PrintWriter w, ModelArtifact artifact, long size, double seconds) {
        ModelMetadata m = artifact.metadata();
        TrainingDataRange r = m.trainingData();
        w.printf(Locale.ROOT, "model:     %s %s%n", m.modelName(), m.modelVersion());
        w.printf(Locale.ROOT, "rows:      %d used, %d skipped%n", r.rows(), r.skippedRows());
        w.printf(Locale.ROOT, "services:  %d (%d with their own normalization)%n",
                r.services().size(), artifact.normalization().perService().size());
        w.printf(Locale.ROOT, "data:      %s .. %s%n", Instant.ofEpochMilli(r.minWindowStartMs()),
                Instant.ofEpochMilli(r.maxWindowEndMs()));
        w.printf(Locale.ROOT, "threshold: %.6f (quantile %s of training scores)%n",
                m.threshold(), m.trainer().thresholdQuantile());
        w.printf(Locale.ROOT, "trees:     %d x %d rows, max depth %d, extension level %d, "
                        + "seed %d%n", m.trainer().trees(), m.trainer().subsampleUsed(),
                m.trainer().maxDepth(), m.trainer().extensionLevel(), m.trainer().seed());
        w.printf(Locale.ROOT, "artifact:  %s (%d bytes)%n", out, size);
        w.printf(Locale.ROOT, "took:      %.1f s%n", seconds);
        w.flush();
    }
}
