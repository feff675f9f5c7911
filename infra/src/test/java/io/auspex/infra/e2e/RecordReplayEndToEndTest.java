package io.auspex.infra.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.replay.Recorder;
import io.auspex.infra.replay.Replayer;
import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.IncidentKind;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.ServiceSignals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./auspex record} and {@code ./auspex replay} through the pipeline (issue 9, "Proof"): a
 * simulated incident goes to the topics {@code orig_*} as OTLP protobuf, the pipeline runs on them;
 * {@link Recorder} writes those topics to a recording; {@link Replayer} writes the recording to
 * {@code same_*} unshifted and to {@code day_*} one day earlier ({@code --shift -P1D
 * --keep-time-of-day}: whole days, so the time of day is kept); the pipeline runs on each. The
 * replays must give the original's alert transitions (fingerprint, status, severity, event time,
 * rule, service, top root cause) and window signals, the shifted one with every event time exactly
 * one day earlier and the same fingerprints (they hash the labels only).
 *
 * <p>The shift is into the past because the job dead-letters event times more than
 * {@code auspex.validation.max-future-skew} (1 h) ahead of wall time; a day back is well within
 * {@code auspex.validation.max-age} (7 days).
 */
@Tag("slow")
class RecordReplayEndToEndTest {
    static final long MINUTE = 60_000L;
    static final long DAY_MS = Duration.ofDays(1).toMillis();
    static final TelemetryTopics ORIGINAL = new TelemetryTopics("orig_spans", "orig_metrics", "orig_logs");
    static final TelemetryTopics SAME = new TelemetryTopics("same_spans", "same_metrics", "same_logs");
    static final TelemetryTopics DAY_EARLIER = new TelemetryTopics("day_spans", "day_metrics", "day_logs");

    @Test
    void replayingARecordingReproducesTheAlertsUnshiftedAndOneDayEarlier(@TempDir Path dir) throws Exception {
        long start = System.currentTimeMillis() - 40 * MINUTE;
        SimulatorConfig scenario = SimulatorConfig.builder().scenarioName("record-replay").seed(23L).startMs(start)
                .duration(Duration.ofMinutes(35))
                .incident(new Incident("payment", IncidentKind.ERROR_BURST, start + 10 * MINUTE, start + 25 * MINUTE,
                        0.3))
                .badRecordCount(0).build();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(ORIGINAL.all());
            kafka.createTopics(SAME.all());
            kafka.createTopics(DAY_EARLIER.all());
            try (KafkaTelemetryProducer p = new KafkaTelemetryProducer(kafka.bootstrapServers(), ORIGINAL, Map.of())) {
                new TelemetrySimulator(scenario).run(p);
                p.flush();
            }
            E2eRuns.Run original = E2eRuns.run(kafka, ORIGINAL, "orig", dir, Map.of());

            Path recording = dir.resolve("capture.jsonl.gz");
            Recorder.Result rec = new Recorder(kafka.bootstrapServers(), ORIGINAL, Map.of())
                    .record(recording, InputFormat.OTLP_PROTO, Long.MIN_VALUE, Long.MAX_VALUE, n -> { });
            assertEquals(0, rec.skipped(), rec.toString());
            assertEquals(0, rec.outOfRange(), rec.toString());
            long inputRecords = originalRecords(kafka);
            assertEquals(inputRecords, rec.batches(), "one line per Kafka record");

            List<Path> files = Replayer.files(List.of(recording));
            Replayer.Result same = new Replayer(kafka.bootstrapServers(), SAME, Map.of()).replay(files, 0, 0, n -> { });
            assertEquals(rec.batches(), same.batches());
            long[] range = Replayer.scan(files);
            long dayShiftNs = Replayer.shiftNs(new Replayer.TimePlacement.Shift(Duration.ofDays(-1)), range[0], range[1],
                    true);
            assertEquals(-DAY_MS * 1_000_000L, dayShiftNs, "a one-day shift is whole days already");
            Replayer.Result day = new Replayer(kafka.bootstrapServers(), DAY_EARLIER, Map.of())
                    .replay(files, dayShiftNs, 0, n -> { });
            assertEquals(rec.batches(), day.batches());
            assertEquals(same.firstEventMs() - DAY_MS, day.firstEventMs());
            assertEquals(same.lastEventMs() - DAY_MS, day.lastEventMs());

            E2eRuns.Run replayed = E2eRuns.run(kafka, SAME, "same", dir, Map.of());
            E2eRuns.Run shifted = E2eRuns.run(kafka, DAY_EARLIER, "day", dir, Map.of());
            for (E2eRuns.Run r : List.of(original, replayed, shifted)) {
                assertTrue(r.statuses().stream().noneMatch(E2eRuns.TROUBLE::contains),
                        () -> r.name() + " run: job states seen " + r.statuses());
                assertEquals(List.of(), r.deadLetters(), r.name());
            }

            // the original alerts on the incident, with the injected service as top root cause of its first page
            List<Alert> alerts = original.alerts();
            Alert firstFiring = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING)
                    .min((x, y) -> Long.compare(x.getEventTimeMs(), y.getEventTimeMs())).orElseThrow(
                            () -> new AssertionError("no firing alert: " + alerts));
            assertEquals("payment", firstFiring.getRootCauses().get(0).getService(), firstFiring.toString());

            List<E2eRuns.AlertKey> expected = E2eRuns.alertKeys(alerts, 0);
            assertEquals(expected, E2eRuns.alertKeys(replayed.alerts(), 0), "replay without shift");
            assertEquals(expected, E2eRuns.alertKeys(shifted.alerts(), -DAY_MS), "replay one day earlier");
            Set<String> fingerprints = alerts.stream().map(Alert::getFingerprint).collect(Collectors.toSet());
            assertEquals(fingerprints, shifted.alerts().stream().map(Alert::getFingerprint).collect(Collectors.toSet()));
            for (Alert a : shifted.alerts()) {
                assertTrue(a.getEventTimeMs() < System.currentTimeMillis() - DAY_MS + MINUTE, a.toString());
            }

            // and the signals they come from, window for window
            List<ServiceSignals> so = E2eRuns.sorted(original.signals()).stream().map(E2eRuns::comparable).toList();
            List<ServiceSignals> sr = E2eRuns.sorted(replayed.signals()).stream().map(E2eRuns::comparable).toList();
            List<ServiceSignals> sd = E2eRuns.sorted(shifted.signals()).stream().map(E2eRuns::comparable)
                    .map(s -> ServiceSignals.newBuilder(s).setWindowStartMs(s.getWindowStartMs() + DAY_MS)
                            .setWindowEndMs(s.getWindowEndMs() + DAY_MS)
                            // a template's first line is a time too
                            .setLogTemplates(s.getLogTemplates().stream().map(t -> io.auspex.schemas.LogTemplateCount
                                    .newBuilder(t).setFirstSeenMs(t.getFirstSeenMs() + DAY_MS).build()).toList())
                            .build())
                    .toList();
            assertTrue(so.size() > 100, "signals: " + so.size());
            assertTrue(so.equals(sr), () -> "replay: " + E2eRuns.firstDifference(so, sr));
            assertTrue(so.equals(sd), () -> "shifted replay: " + E2eRuns.firstDifference(so, sd));
            System.out.printf("record/replay: %d batches recorded; %d alert transitions and %d signal windows in each"
                    + " of the three runs%n", rec.batches(), alerts.size(), so.size());
        }
    }

    static long originalRecords(EmbeddedKafka kafka) {
        long n = 0;
        for (String topic : ORIGINAL.all()) {
            n += E2eRuns.readAll(kafka, topic).size();
        }
        return n;
    }
}
