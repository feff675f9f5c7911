package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.testutil.SyntheticSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabEvaluateCommandTest {

    @TempDir
    Path dir;

    /** Two files: a level shift at row 3000 with a window around it, and plain noise. */
    private void writeCorpus() throws Exception {
        Files.createDirectories(dir.resolve("synthetic"));
        Files.writeString(dir.resolve("synthetic/shift.csv"),
                SyntheticSeries.of(4000).constant(100).gaussianNoise(1, 7).levelShift(3000, 10).toCsv());
        Files.writeString(dir.resolve("synthetic/noise.csv"),
                SyntheticSeries.of(4000).constant(100).gaussianNoise(1, 8).toCsv());
        // rows 2800..3199: 2024-01-10 17:20:00 .. 2024-01-12 02:35:00 (row = 5 minutes from 2024-01-01)
        Files.writeString(dir.resolve("labels.json"), "{\"synthetic/shift.csv\": [[\"2024-01-10 17:20:00.000000\", "
                + "\"2024-01-12 02:35:00.000000\"]], \"synthetic/noise.csv\": []}");
    }

    @Test
    void printsTheThreeProfilesAndABreakdown() throws Exception {
        writeCorpus();
        CommandRun run = CommandRun.of(new NabEvaluateCommand(), dir.toString(), "--labels",
                dir.resolve("labels.json").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("NAB scores (2 files, 8000 rows, 1 windows)"), run.out());
        for (String line : new String[] {"standard", "reward_low_FP_rate", "reward_low_FN_rate",
            "synthetic/shift.csv", "synthetic/noise.csv"}) {
            assertTrue(run.out().contains(line), line + " missing from\n" + run.out());
        }
        // the shift is detected in the middle of its window: y = -(3199 - 3000 + 1) / 400 = -0.5,
        // S(-0.5) / S(-1) = 0.8597925669097837, normalized 100 * (0.85979 + 1) / 2 = 92.99
        assertTrue(run.out().matches("(?s).*standard\\s+92\\.99 .*"), run.out());
    }

    @Test
    void malformedSeriesExitsOneNamingFileAndLine() throws Exception {
        writeCorpus();
        Files.writeString(dir.resolve("synthetic/noise.csv"), "timestamp,value\n2024-01-01 00:00:00,x\n");
        CommandRun run = CommandRun.of(new NabEvaluateCommand(), dir.toString(), "--labels",
                dir.resolve("labels.json").toString());
        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("line 2: value 'x' is not a number (in synthetic/noise.csv)"), run.err());
    }

    @Test
    void missingLabelledFileExitsOne() throws Exception {
        writeCorpus();
        Files.delete(dir.resolve("synthetic/noise.csv"));
        CommandRun run = CommandRun.of(new NabEvaluateCommand(), dir.toString(), "--labels",
                dir.resolve("labels.json").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("synthetic/noise.csv not found"), run.err());
    }
}
