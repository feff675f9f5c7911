package io.auspex.cli;

import io.auspex.models.detector.DetectorConfig;
import io.auspex.models.nab.FileScore;
import io.auspex.models.nab.NabCorpusRunner;
import io.auspex.models.nab.NabLabels;
import io.auspex.models.nab.NabScorer;
import io.auspex.models.nab.ProfileResult;
import io.auspex.models.nab.ScoredFile;
import io.auspex.models.nab.SeriesFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nab-evaluate DATA_DIR}: NAB scores of the streaming detector over a labelled corpus. */
@Command(name = "nab-evaluate", header = "Scores the streaming detector on a labelled corpus by NAB v1.1 rules.", mixinStandardHelpOptions = true,
        description = {
            "Runs the streaming anomaly detector over every labelled series of a NAB-style folder and "
                + "scores it by NAB v1.1's rules: probation, labelled windows, scaled sigmoid, first detection "
                + "only, one corpus-wide threshold per profile found by sweeping all distinct scores, and "
                + "normalization against the null and the perfect detector.",
            "Prints the normalized scores of the three profiles (standard, reward_low_FP_rate, "
                + "reward_low_FN_rate), then a breakdown per category and per file."},
        exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 2,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:evaluated", "1:bad input (missing file, malformed CSV or labels, bad arguments)",
            "2:runtime failure"})
public final class NabEvaluateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Standalone entry point; the auspex CLI registers this class as a subcommand instead. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new NabEvaluateCommand()).execute(args));
    }

    @Parameters(index = "0", paramLabel = "DATA_DIR",
            description = "Folder holding category/file.csv series (e.g. ../shared/data/nab).")
    private Path dataDir;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Labels in NAB's combined_windows.json format (default: DATA_DIR/combined_windows.json).")
    private Path labelsFile;

    @Option(names = "--no-files", description = "Leave out the per-file breakdown.")
    private boolean noFiles;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path labelsPath = labelsFile != null ? labelsFile : dataDir.resolve("combined_windows.json");
        List<ScoredFile> files;
        long start = System.nanoTime();
        try {
            if (!Files.isDirectory(dataDir)) {
                err.println("nab-evaluate: " + dataDir + " is not a folder");
                err.flush();
                return AuspexCli.EXIT_BAD_INPUT;
            }
            NabLabels labels = NabLabels.read(labelsPath);
            files = new NabCorpusRunner(DetectorConfig.DEFAULTS).score(dataDir, labels,
                    (name, disorder) -> err.println("nab-evaluate: warning: " + name + ": " + disorder.warning()));
            err.flush();
        } catch (SeriesFormatException | IOException e) {
            err.println("nab-evaluate: " + e.getMessage());
            err.flush();
            return AuspexCli.EXIT_BAD_INPUT;
        }
        try {
            long scored = System.nanoTime();
            List<ProfileResult> results = NabScorer.evaluateAll(files);
            long rows = files.stream().mapToLong(f -> f.scores().length).sum();
            print(out, results, files.size(), rows);
            out.flush();
            err.printf(Locale.ROOT, "nab-evaluate: %d files, %d rows; detector %.2f s, scoring %.2f s%n",
                    files.size(), rows, (scored - start) / 1e9, (System.nanoTime() - scored) / 1e9);
            err.flush();
            return AuspexCli.EXIT_OK;
        } catch (IllegalArgumentException e) {
            err.println("nab-evaluate: " + e.getMessage());
            err.flush();
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (RuntimeException e) {
            err.println("nab-evaluate: failed: " + e);
            err.flush();
            return AuspexCli.EXIT_FAILURE;
        }
    }

    private void print(PrintWriter out, List<ProfileResult> results, int fileCount, long rows) {
        int windows = results.get(0).files().stream().mapToInt(FileScore::windows).sum();
        out.printf(Locale.ROOT, "NAB scores (%d files, %d rows, %d windows)%n", fileCount, rows, windows);
        out.printf(Locale.ROOT, "%-20s %10s %10s %12s %8s %8s%n", "profile", "score", "threshold", "raw", "TP", "FP");
        for (ProfileResult r : results) {
            int tp = r.files().stream().mapToInt(FileScore::detectedWindows).sum();
            int fp = r.files().stream().mapToInt(FileScore::falsePositives).sum();
            out.printf(Locale.ROOT, "%-20s %10.2f %10.6f %12.4f %8d %8d%n", r.profile().nabName(), r.normalized(),
                    r.threshold(), r.raw(), tp, fp);
        }
        out.println();
        out.printf(Locale.ROOT, "%-24s %6s %8s %10s %10s %10s %8s%n", "category", "files", "windows",
                "standard", "low_FP", "low_FN", "FP(std)");
        for (String category : results.get(0).byCategory().keySet()) {
            ProfileResult.CategoryScore std = results.get(0).byCategory().get(category);
            out.printf(Locale.ROOT, "%-24s %6d %8d %10s %10s %10s %8d%n", category, std.files(), std.windows(),
                    format(std.normalized()), format(results.get(1).byCategory().get(category).normalized()),
                    format(results.get(2).byCategory().get(category).normalized()), std.falsePositives());
        }
        if (noFiles) {
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "%-52s %8s %9s %5s %10s%n", "file (standard profile)", "windows", "detected",
                "FP", "raw");
        for (FileScore f : results.get(0).files()) {
            out.printf(Locale.ROOT, "%-52s %8d %9d %5d %10.4f%n", f.name(), f.windows(), f.detectedWindows(),
                    f.falsePositives(), f.raw());
        }
    }

    private static String format(double normalized) {
        return Double.isNaN(normalized) ? "n/a" : String.format(Locale.ROOT, "%.2f", normalized);
    }
}
