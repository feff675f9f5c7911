package io.auspex.models.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.detector.DetectorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The detector over the NAB development set (34 files, about 228,000 rows). Guards against a
 * regression of the scores recorded in docs/benchmarks.md. Run with {@code mvn -Pslow verify}.
 */
@Tag("slow")
class NabDevelopmentSetTest {

    private static final Path DATA = Path.of(System.getProperty("auspex.nab.dir", "/work/shared/data/nab"));

    @Test
    void scoresAtLeastTheRecordedBaseline() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DATA), "NAB development set not found at " + DATA);
        NabLabels labels = NabLabels.read(DATA.resolve("combined_windows.json"));
        List<ScoredFile> files = new NabCorpusRunner(DetectorConfig.DEFAULTS).score(DATA, labels);
        List<ProfileResult> results = NabScorer.evaluateAll(files);

        assertEquals(34, files.size());
        assertEquals(67, results.get(0).files().stream().mapToInt(FileScore::windows).sum());
        assertTrue(results.get(0).normalized() >= MIN_STANDARD, "standard " + results.get(0).normalized());
        assertTrue(results.get(1).normalized() >= MIN_LOW_FP, "low FP " + results.get(1).normalized());
        assertTrue(results.get(2).normalized() >= MIN_LOW_FN, "low FN " + results.get(2).normalized());
    }

    private static final double MIN_STANDARD = 75.5;
    private static final double MIN_LOW_FP = 66.5;
    private static final double MIN_LOW_FN = 80.0;
}
