package io.auspex.models.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.detector.DetectorConfig;
import io.auspex.models.testutil.ProjectData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The detector over the NAB development set ({@code ../shared/data/nab} relative to the project
 * root, or {@code -Dauspex.nab.dir}: 47 files, about 289,000 rows, 92 windows). Guards against a
 * regression of the scores recorded in docs/benchmarks.md. Fails (does not skip) when the data is
 * missing. Run with {@code mvn -Pslow verify}.
 */
@Tag("slow")
class NabDevelopmentSetTest {

    @Test
    void scoresAtLeastTheRecordedBaseline() throws Exception {
        Path data = ProjectData.requireNabDirectory();
        NabLabels labels = NabLabels.read(data.resolve("combined_windows.json"));
        List<ScoredFile> files = new NabCorpusRunner(DetectorConfig.DEFAULTS).score(data, labels);
        List<ProfileResult> results = NabScorer.evaluateAll(files);

        assertEquals(47, files.size());
        assertEquals(92, results.get(0).files().stream().mapToInt(FileScore::windows).sum());
        assertTrue(results.get(0).normalized() >= MIN_STANDARD, "standard " + results.get(0).normalized());
        assertTrue(results.get(1).normalized() >= MIN_LOW_FP, "low FP " + results.get(1).normalized());
        assertTrue(results.get(2).normalized() >= MIN_LOW_FN, "low FN " + results.get(2).normalized());
    }

    private static final double MIN_STANDARD = 74.0;
    private static final double MIN_LOW_FP = 67.6;
    private static final double MIN_LOW_FN = 78.0;
}
