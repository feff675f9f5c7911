package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.eval.IncidentCase;
import io.auspex.infra.replay.Replayer;
import io.auspex.infra.sim.Scenarios;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultSuiteCommandTest {
    static final long MIN = 60_000L;

    @Test
    void writesARecordingAndTheCasesEvaluateIncidentsReads(@TempDir Path dir) throws Exception {
        int code = AuspexCli.commandLine().execute("fault-suite", "--out", dir.toString(), "--faults", "2",
                "--start", "2026-11-24T00:00:00Z");
        assertEquals(0, code);
        List<IncidentCase> cases = IncidentCase.read(dir.resolve("cases.json"));
        long t0 = 1_795_478_400_000L;
        assertEquals(new IncidentCase("f01", "frontend", "cpu", t0 + 30 * MIN, t0 + 33 * MIN), cases.get(0));
        assertEquals(new IncidentCase("f02", "auth", "network-delay", t0 + 43 * MIN, t0 + 46 * MIN), cases.get(1));
        long[] scan = Replayer.scan(List.of(dir.resolve("recording.jsonl.gz")));
        assertTrue(scan[2] > 100, "batches: " + scan[2]);
        long length = Scenarios.FAULT_WARMUP.plus(Scenarios.FAULT_SPACING.multipliedBy(2)).toMillis();
        assertTrue(scan[0] / 1_000_000L >= t0 && scan[1] / 1_000_000L <= t0 + length + 60_000,
                scan[0] + " .. " + scan[1]);
    }

    @Test
    void rateMakesEveryServiceQuietAndABadRateIsRefused(@TempDir Path dir) throws Exception {
        Path busy = dir.resolve("busy");
        Path quiet = dir.resolve("quiet");
        assertEquals(0, AuspexCli.commandLine().execute("fault-suite", "--out", busy.toString(), "--faults", "1"));
        assertEquals(0, AuspexCli.commandLine().execute("fault-suite", "--out", quiet.toString(), "--faults", "1",
                "--rate", "0.5"));
        long busyBatches = Replayer.scan(List.of(busy.resolve("recording.jsonl.gz")))[2];
        long quietBatches = Replayer.scan(List.of(quiet.resolve("recording.jsonl.gz")))[2];
        // spans and logs fall 40-fold; the per-minute metric batches are the same in both
        assertTrue(quietBatches * 3 < busyBatches, quietBatches + " quiet vs " + busyBatches + " busy batches");
        assertEquals(IncidentCase.read(busy.resolve("cases.json")), IncidentCase.read(quiet.resolve("cases.json")),
                "the same faults at the same times");
        assertEquals(AuspexCli.EXIT_BAD_INPUT, AuspexCli.commandLine().execute("fault-suite", "--out",
                dir.resolve("bad").toString(), "--faults", "1", "--rate", "0"));
    }

    @Test
    void theMixedSuiteWritesTheBookingSystemsFaultsWithTheirKinds(@TempDir Path dir) throws Exception {
        assertEquals(0, AuspexCli.commandLine().execute("fault-suite", "--suite", "mixed", "--out", dir.toString(),
                "--faults", "3", "--start", "2026-11-24T00:00:00Z"));
        List<IncidentCase> cases = IncidentCase.read(dir.resolve("cases.json"));
        long t0 = 1_795_478_400_000L;
        List<Scenarios.SuiteFault> expected = Scenarios.mixedSuite(11, t0, 3, true).faults();
        assertEquals(3, cases.size());
        for (int i = 0; i < 3; i++) {
            var f = expected.get(i);
            assertEquals(new IncidentCase(String.format("f%02d", i + 1), f.incident().service(), f.kind(),
                    f.incident().startMs(), f.incident().endMs()), cases.get(i));
        }
        assertEquals(List.of("cpu", "memory", "network-delay"), cases.stream().map(IncidentCase::kind).toList());
        assertEquals(t0 + 30 * MIN, cases.get(0).startMs());
        assertEquals(AuspexCli.EXIT_BAD_INPUT, AuspexCli.commandLine().execute("fault-suite", "--suite", "mixed",
                "--out", dir.resolve("bad").toString(), "--faults", "0"));
    }

    @Test
    void normalWritesTrafficWithoutFaultsAndAnEmptyCasesFile(@TempDir Path dir) throws Exception {
        assertEquals(0, AuspexCli.commandLine().execute("fault-suite", "--suite", "mixed", "--normal", "PT20M",
                "--out", dir.toString(), "--start", "2026-11-24T00:00:00Z"));
        assertEquals(List.of(), IncidentCase.read(dir.resolve("cases.json")));
        long[] scan = Replayer.scan(List.of(dir.resolve("recording.jsonl.gz")));
        long t0 = 1_795_478_400_000L;
        assertTrue(scan[0] / 1_000_000L >= t0 && scan[1] / 1_000_000L <= t0 + 21 * MIN, scan[0] + " .. " + scan[1]);
        assertEquals(AuspexCli.EXIT_BAD_INPUT, AuspexCli.commandLine().execute("fault-suite", "--normal", "PT20M",
                "--faults", "3", "--out", dir.resolve("bad").toString()));
    }
}
