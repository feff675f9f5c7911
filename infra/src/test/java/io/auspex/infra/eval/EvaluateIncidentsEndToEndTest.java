package io.auspex.infra.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.replay.Recorder;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.decode.InputFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate-incidents} on a recording no one labelled by hand: the simulator's error burst
 * recorded with {@code record}, its ground truth as the cases file, the whole pipeline replayed and
 * scored.
 */
@Tag("slow")
class EvaluateIncidentsEndToEndTest {

    @Test
    void aRecordedErrorBurstIsDetectedWithItsServiceFirst(@TempDir Path dir) throws Exception {
        // a recording from two days ago: the evaluator moves it (and the cases) to end before now
        long start = System.currentTimeMillis() - 2 * 86_400_000L;
        SimulatorConfig scenario = Scenarios.errorBurst("payment", 0.3, 7L, start);
        Path recording = dir.resolve("burst.jsonl.gz");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(TelemetryTopics.DEFAULTS.all());
            KafkaTelemetryProducer.produce(new TelemetrySimulator(scenario), kafka.bootstrapServers());
            new Recorder(kafka.bootstrapServers(), TelemetryTopics.DEFAULTS, Map.of())
                    .record(recording, InputFormat.OTLP_PROTO, Long.MIN_VALUE, Long.MAX_VALUE, n -> { });
        }
        Incident inc = scenario.incidents().get(0);
        Path cases = Files.writeString(dir.resolve("cases.json"), """
                [{"id": "burst", "service": "payment", "kind": "error", "start": "%s", "end": "%s"}]"""
                .formatted(Instant.ofEpochMilli(inc.startMs()), Instant.ofEpochMilli(inc.endMs())));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        IncidentEvaluator.Run run = IncidentEvaluator.run(List.of(recording), LocalPipeline.defaultSloFile(dir),
                dir.resolve("work"), Map.of(), new PrintStream(log, true, StandardCharsets.UTF_8));
        IncidentScore score = IncidentScore.of(IncidentCase.read(cases), run.alerts(), run.firstEventMs(),
                run.lastEventMs(), 5 * 60_000L);
        IncidentScore.CaseResult r = score.results().get(0);
        assertTrue(r.detected(), () -> "alerts: " + run.alerts() + "\n" + log);
        assertEquals(1, r.rank(), () -> "first alert: " + r.firstAlert());
        assertTrue(r.timeToDetectMs() >= 0 && r.timeToDetectMs() <= 5 * 60_000L, "ttd " + r.timeToDetectMs());
        assertEquals(0, score.falseAlerts().size(), () -> "false alerts: " + score.falseAlerts());
        assertEquals(0, run.deadLetters());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        io.auspex.cli.EvaluateIncidentsCommand.print(score, run, new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.lines().reduce((a, b) -> b).orElse("").startsWith(
                "EVAL cases=1 detected=1 ac1=1.000 ac3=1.000 avg5=1.000 median_ttd_s="), text);
    }
}
