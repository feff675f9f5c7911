package io.auspex.models.nab;

import io.auspex.models.detector.DetectorConfig;
import io.auspex.models.detector.StreamingDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs a fresh {@link StreamingDetector} over every labelled series of a NAB-style folder and
 * hands the scores to {@link NabScorer}.
 *
 * <p>Every file named in the labels must exist under the data folder (a relative path such as
 * {@code realTweets/Twitter_volume_AAPL.csv}); the corpus is exactly the labelled files, as in NAB.
 */
public final class NabCorpusRunner {

    private final DetectorConfig config;

    public NabCorpusRunner(DetectorConfig config) {
        this.config = config;
    }

    /** Scores every labelled file, in the labels' (sorted) order. */
    public List<ScoredFile> score(Path dataDir, NabLabels labels) throws IOException, SeriesFormatException {
        return score(dataDir, labels, (name, disorder) -> { });
    }

    /**
     * Scores every labelled file, in the labels' (sorted) order, telling {@code onDisorder} about
     * each file whose rows are not in strict time order (they are scored in file order anyway).
     */
    public List<ScoredFile> score(Path dataDir, NabLabels labels, BiConsumer<String, TimeDisorder> onDisorder)
            throws IOException, SeriesFormatException {
        List<ScoredFile> files = new ArrayList<>();
        for (Map.Entry<String, List<NabWindow>> entry : labels.windowsByFile().entrySet()) {
            Path file = dataDir.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException("labelled file " + entry.getKey() + " not found under " + dataDir);
            }
            Series series;
            try {
                series = SeriesCsv.read(file);
            } catch (SeriesFormatException e) {
                throw new SeriesFormatException(e.line(), e.problem() + " (in " + entry.getKey() + ")");
            }
            TimeDisorder disorder = series.disorder();
            if (!disorder.inOrder()) {
                onDisorder.accept(entry.getKey(), disorder);
            }
            files.add(new ScoredFile(entry.getKey(), series.timestampsMicros(), scoreSeries(series, config),
                    entry.getValue()));
        }
        return files;
    }

    /** Scores one series from its first row with a fresh detector. */
    public static double[] scoreSeries(Series series, DetectorConfig config) {
        StreamingDetector detector = new StreamingDetector(config);
        double[] scores = new double[series.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = detector.score(series.epochSecond(i), series.values()[i]);
        }
        return scores;
    }
}
