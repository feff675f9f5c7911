package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.detector.DetectorConfig;
import io.auspex.models.nab.NabCorpusRunner;
import io.auspex.models.testutil.SyntheticSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreSeriesCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsOneScorePerRowAndNothingElse() throws Exception {
        SyntheticSeries series = SyntheticSeries.of(1000).constant(10).gaussianNoise(1, 4).spike(700, 30);
        Path csv = Files.writeString(dir.resolve("s.csv"), series.toCsv());

        CommandRun run = CommandRun.of(new ScoreSeriesCommand(), csv.toString());

        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().split("\n", -1);
        assertEquals(1001, lines.length, "1000 lines and the final newline");
        assertEquals("", lines[1000]);
        double[] printed = Arrays.stream(lines, 0, 1000).mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(NabCorpusRunner.scoreSeries(series.toSeries(), DetectorConfig.DEFAULTS), printed);
        assertTrue(Arrays.stream(printed).allMatch(s -> s >= 0 && s <= 1));
        assertTrue(run.err().contains("1000 rows scored"), run.err());
    }

    @Test
    void prefixOfAFileScoresTheSame() throws Exception {
        String csv = SyntheticSeries.of(600).constant(10).dailySine(2).gaussianNoise(1, 6).toCsv();
        String[] rows = csv.split("\n");
        String head = String.join("\n", Arrays.copyOf(rows, 401));
        CommandRun whole = CommandRun.of(new ScoreSeriesCommand(), Files.writeString(dir.resolve("a.csv"), csv).toString());
        CommandRun prefix = CommandRun.of(new ScoreSeriesCommand(), Files.writeString(dir.resolve("b.csv"), head).toString());
        assertEquals(0, prefix.exitCode());
        assertTrue(whole.out().startsWith(prefix.out()));
        assertEquals(400, prefix.out().lines().count());
    }

    /**
     * A clock step back of one hour after 5-minute rows (11 rows stamped before the latest, then
     * one at it) and two repeated stamps: every row is scored in file order, one warning line on
     * stderr counts them, exit 0.
     */
    @Test
    void rowsOutOfTimeOrderAreScoredRowByRowWithOneWarning() throws Exception {
        SyntheticSeries series = SyntheticSeries.of(1000).constant(10).gaussianNoise(1, 4).spike(700, 30);
        String[] lines = series.toCsv().split("\n");
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        long[] stamps = new long[1000];
        StringBuilder csv = new StringBuilder(lines[0]).append('\n');
        for (int i = 0; i < 1000; i++) {
            stamps[i] = SyntheticSeries.timestamp(i) - (i >= 500 ? 3600 : 0);
            if (i == 300 || i == 301) {
                stamps[i] = stamps[299];
            }
            String value = lines[i + 1].substring(lines[i + 1].indexOf(',') + 1);
            csv.append(java.time.LocalDateTime.ofEpochSecond(stamps[i], 0, java.time.ZoneOffset.UTC).format(format))
                    .append(',').append(value).append('\n');
        }
        Path file = Files.writeString(dir.resolve("stepped.csv"), csv);

        CommandRun run = CommandRun.of(new ScoreSeriesCommand(), file.toString());

        assertEquals(0, run.exitCode(), run.err());
        double[] printed = run.out().lines().mapToDouble(Double::parseDouble).toArray();
        assertEquals(1000, printed.length);
        io.auspex.models.detector.StreamingDetector detector = new io.auspex.models.detector.StreamingDetector();
        double[] values = series.values();
        for (int i = 0; i < 1000; i++) {
            assertEquals(detector.score(stamps[i], values[i]), printed[i], "row " + i);
        }
        List<String> warnings = run.err().lines().filter(l -> l.contains("warning")).toList();
        assertEquals(List.of("score-series: warning: " + file + ": 11 rows stamped earlier than a row before them"
                + " and 3 rows repeating the latest timestamp; scored in file order, with the detector's time held"
                + " at the latest timestamp"), warnings);
        assertTrue(printed[700] >= 0.5, "the spike still scores: " + printed[700]);
    }

    @Test
    void badRowExitsOneNamingTheLineWithNothingOnStdout() throws Exception {
        Path csv = Files.writeString(dir.resolve("bad.csv"),
                "timestamp,value\n2015-08-31 18:22:00,1\n2015-08-31 18:27:00,oops\n");
        CommandRun run = CommandRun.of(new ScoreSeriesCommand(), csv.toString());
        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("line 3: value 'oops' is not a number"), run.err());
    }

    @Test
    void missingFileExitsOne() {
        CommandRun run = CommandRun.of(new ScoreSeriesCommand(), dir.resolve("nope.csv").toString());
        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("no such file"), run.err());
    }

    @Test
    void missingArgumentIsBadInput() {
        CommandRun run = CommandRun.of(new ScoreSeriesCommand());
        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("Missing required parameter"), run.err());
    }

    @Test
    void headerOnlyFileScoresNothing() throws Exception {
        Path csv = Files.writeString(dir.resolve("empty.csv"), "timestamp,value\n");
        CommandRun run = CommandRun.of(new ScoreSeriesCommand(), csv.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
    }

    @Test
    void helpDescribesTheCommand() {
        CommandRun run = CommandRun.of(new ScoreSeriesCommand(), "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("timestamp,value"), run.out());
        assertTrue(run.out().contains("Exit codes"), run.out());
    }
}
