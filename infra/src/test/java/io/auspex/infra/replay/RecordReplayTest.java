package io.auspex.infra.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulationResult;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.decode.InputFormat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code record} and {@code replay} on a real broker: what one writes the other reads back unchanged. */
class RecordReplayTest {
    static final long DAY_MS = Duration.ofDays(1).toMillis();
    static final long NS = 1_000_000L;
    static final TelemetryTopics COPY = new TelemetryTopics("copy_spans", "copy_metrics", "copy_logs");

    @Test
    void aRecordingReplayedWithoutShiftRecordsIdentically(@TempDir Path dir) throws Exception {
        long start = 1_795_478_400_000L;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(TelemetryTopics.DEFAULTS.all());
            kafka.createTopics(COPY.all());
            SimulationResult sim = KafkaTelemetryProducer.produce(new TelemetrySimulator(
                    Scenarios.normal(3L, start, Duration.ofMinutes(3))), kafka.bootstrapServers());
            assertTrue(sim.spans() > 1000, "spans: " + sim.spans());

            Path first = dir.resolve("first.jsonl.gz");
            Recorder.Result r1 = new Recorder(kafka.bootstrapServers(), TelemetryTopics.DEFAULTS, Map.of())
                    .record(first, InputFormat.OTLP_PROTO, Long.MIN_VALUE, Long.MAX_VALUE, n -> { });
            assertTrue(r1.batches() > 10, "batches: " + r1.batches());
            assertEquals(0, r1.skipped());

            Replayer.Result rep = new Replayer(kafka.bootstrapServers(), COPY, Map.of())
                    .replay(List.of(first), 0, 0, n -> { });
            assertEquals(r1.batches(), rep.batches());

            Path second = dir.resolve("second.jsonl.gz");
            Recorder.Result r2 = new Recorder(kafka.bootstrapServers(), COPY, Map.of())
                    .record(second, InputFormat.OTLP_PROTO, Long.MIN_VALUE, Long.MAX_VALUE, n -> { });
            assertEquals(r1.batches(), r2.batches());
            // the same batches; ties in record timestamp may come out in another order, since replay lets the
            // producer pick partitions as the Collector's exporter does (no key)
            List<String> a = lines(first).stream().sorted().toList();
            List<String> b = lines(second).stream().sorted().toList();
            assertEquals(a.size(), b.size());
            assertTrue(a.equals(b), "the second recording differs from the first");

            // the recording's time range is the simulated one; a time range keeps only part of it
            long[] scan = Replayer.scan(List.of(first));
            assertTrue(scan[0] / NS >= start - 60_000 && scan[1] / NS <= start + 4 * 60_000,
                    scan[0] / NS + " .. " + scan[1] / NS);
            Path part = dir.resolve("part.jsonl");
            Recorder.Result r3 = new Recorder(kafka.bootstrapServers(), TelemetryTopics.DEFAULTS, Map.of())
                    .record(part, InputFormat.OTLP_PROTO, start + 60_000, start + 120_000, n -> { });
            assertTrue(r3.batches() > 0 && r3.batches() < r1.batches() && r3.outOfRange() > 0, r3.toString());
        }
    }

    @Test
    void theShiftPlacesTheRecordingAndCanKeepTheTimeOfDay() {
        long first = 1_700_000_000_000L * NS;
        long last = first + 3_600_000L * NS;
        long now = 1_795_478_400_000L + 5 * 3_600_000L + 123;
        assertEquals(now * NS - first, Replayer.shiftNs(new Replayer.TimePlacement.StartAt(now), first, last, false));
        assertEquals(now * NS - last, Replayer.shiftNs(new Replayer.TimePlacement.EndAt(now), first, last, false));
        assertEquals(-7_200_000L * NS, Replayer.shiftNs(new Replayer.TimePlacement.Shift(Duration.ofHours(-2)), first,
                last, false));
        long kept = Replayer.shiftNs(new Replayer.TimePlacement.EndAt(now), first, last, true);
        assertEquals(0, kept % (DAY_MS * NS));
        // whole days towards the past: the recording ends at most one day before now, never after it
        assertTrue(last + kept <= now * NS && last + kept > (now - DAY_MS) * NS);
    }

    @Test
    void shiftingMovesEveryTimestampAndLeavesUnsetOnesAlone() throws Exception {
        OtlpRecording.Batch b = OtlpRecording.parse("""
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},
                "scopeLogs":[{"logRecords":[{"timeUnixNano":"2000","observedTimeUnixNano":"0","body":{"stringValue":"x"}},
                {"timeUnixNano":"5000","body":{"stringValue":"y"}}]}]}]}""".replace("\n", ""));
        assertEquals(OtlpRecording.Signal.LOGS, b.signal());
        long[] range = OtlpRecording.timeRange(OtlpRecording.shift(b, 1_000));
        assertEquals(3000, range[0]);
        assertEquals(6000, range[1]);
        String line = OtlpRecording.line(OtlpRecording.shift(b, 1_000).data());
        assertTrue(line.contains("\"timeUnixNano\":\"3000\""), line);
        assertTrue(!line.contains("observedTimeUnixNano"), line);
    }

    static List<String> lines(Path gz) throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }
}
