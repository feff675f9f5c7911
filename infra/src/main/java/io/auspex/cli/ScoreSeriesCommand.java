package io.auspex.cli;

import io.auspex.models.detector.DetectorConfig;
import io.auspex.models.nab.NabCorpusRunner;
import io.auspex.models.nab.Series;
import io.auspex.models.nab.SeriesCsv;
import io.auspex.models.nab.SeriesFormatException;
import io.auspex.models.nab.TimeDisorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code score-series FILE.csv}: one anomaly score per data row on stdout, nothing else. */
@Command(name = "score-series", mixinStandardHelpOptions = true,
        description = {
            "Scores a univariate series with the streaming anomaly detector.",
            "Reads FILE, a CSV with header 'timestamp,value' (timestamps yyyy-MM-dd HH:mm:ss, oldest first), "
                + "and prints exactly one score in [0,1] per data row, one per line, in row order. "
                + "Each score is computed only from that row and the rows before it. "
                + "Rows stamped earlier than (or equal to) a row before them are scored in file order, "
                + "with time held at the latest timestamp, and counted in one warning on stderr. "
                + "Only scores go to stdout; progress and errors go to stderr."},
        exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 2,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:scores written", "1:bad input (the message names the line and the problem) or bad arguments",
            "2:runtime failure"})
public final class ScoreSeriesCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Standalone entry point; the auspex CLI registers this class as a subcommand instead. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ScoreSeriesCommand()).execute(args));
    }

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV file with header 'timestamp,value'.")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Series series;
        try {
            series = SeriesCsv.read(file);
        } catch (SeriesFormatException e) {
            err.println("score-series: " + file + ": " + e.getMessage());
            err.flush();
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (NoSuchFileException e) {
            err.println("score-series: " + file + ": no such file");
            err.flush();
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println("score-series: cannot read " + file + ": " + e);
            err.flush();
            return AuspexCli.EXIT_BAD_INPUT;
        }
        TimeDisorder disorder = series.disorder();
        if (!disorder.inOrder()) {
            err.println("score-series: warning: " + file + ": " + disorder.warning());
            err.flush();
        }
        try {
            long start = System.nanoTime();
            double[] scores = NabCorpusRunner.scoreSeries(series, DetectorConfig.DEFAULTS);
            PrintWriter out = spec.commandLine().getOut();
            StringBuilder line = new StringBuilder(32);
            for (double score : scores) {
                line.setLength(0);
                line.append(score).append('\n');
                out.append(line);
            }
            out.flush();
            if (out.checkError()) {
                err.println("score-series: failed to write the scores to stdout");
                err.flush();
                return AuspexCli.EXIT_FAILURE;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf("score-series: %d rows scored in %.3f s%n", scores.length, seconds);
            err.flush();
            return AuspexCli.EXIT_OK;
        } catch (RuntimeException e) {
            err.println("score-series: failed: " + e);
            err.flush();
            return AuspexCli.EXIT_FAILURE;
        }
    }
}
