package io.auspex.infra.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.demo.DemoRunner;
import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.Severity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real stack end to end: in-JVM Kafka broker, simulator, pipeline on a MiniCluster with
 * RocksDB and the exactly-once alert sink, alerts read back with read_committed.
 */
class PipelineEndToEndTest {
    static final long MINUTE = 60_000L;

    static long startFor(Duration length) {
        return System.currentTimeMillis() - length.toMillis() - 5 * MINUTE;
    }

    static DemoRunner.Result run(SimulatorConfig scenario, Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DemoRunner.Result r = new DemoRunner(scenario, dir, new PrintStream(log, true, StandardCharsets.UTF_8),
                Map.of()).run();
        assertTrue(r.jobSucceeded(), () -> "pipeline failed: " + r.failure() + "\n" + log);
        return r;
    }

    @Test
    void errorBurstPagesWithTheInjectedServiceAsTopRootCauseAndBadRecordsAreDeadLettered(@TempDir Path dir)
            throws Exception {
        SimulatorConfig scenario = Scenarios.errorBurst("payment", 0.3, 7L, startFor(Duration.ofHours(1)))
                .toBuilder().badRecordCount(6).build();
        DemoRunner.Result r = run(scenario, dir);
        Incident incident = scenario.incidents().get(0);
        Set<String> upstream = Set.copyOf(r.truth().incidents().get(0).affectedServices());

        Alert page = r.alerts().stream()
                .filter(a -> a.getStatus() == AlertStatus.FIRING && a.getSeverity() == Severity.PAGE)
                .filter(a -> upstream.contains(a.getService()))
                .min((a, b) -> Long.compare(a.getEventTimeMs(), b.getEventTimeMs()))
                .orElse(null);
        assertNotNull(page, () -> "no page alert; alerts: " + r.alerts());
        long delay = page.getEventTimeMs() - incident.startMs();
        assertTrue(delay >= 0 && delay <= 10 * MINUTE, "paged " + delay / 1000 + " s after onset");
        assertEquals("payment", page.getRootCauses().get(0).getService(), () -> "hints: " + page.getRootCauses());
        assertFalse(page.getFingerprint().isEmpty());
        assertEquals(0, r.score().falseAlerts().size(), () -> "false alerts: " + r.score().falseAlerts());

        // every malformed record is in the dead-letter topic with its reason; the job still finished
        assertEquals(6, r.malformedInjected());
        assertEquals(6, r.deadLetters().size(), () -> "dead letters: " + r.deadLetters());
        Set<String> reasons = r.deadLetters().stream().map(DeadLetter::getReason).collect(Collectors.toSet());
        assertTrue(reasons.stream().allMatch(Set.of("undecodable", "missing_service", "invalid_id",
                "negative_duration", "non_finite_value")::contains),
                reasons::toString);
        assertTrue(r.deadLetters().stream().allMatch(d -> d.getValue() != null && d.getValue().remaining() > 0));
        // alerts of one fingerprint alternate firing/resolved: never repeated while firing
        Map<String, List<Alert>> byFingerprint = r.alerts().stream()
                .collect(Collectors.groupingBy(Alert::getFingerprint));
        for (List<Alert> seq : byFingerprint.values()) {
            for (int i = 1; i < seq.size(); i++) {
                assertTrue(seq.get(i).getStatus() != seq.get(i - 1).getStatus(), () -> "repeated: " + seq);
            }
        }
    }

    /**
     * payment throws without span status or HTTP code and logs nothing: only checkout's lines about
     * the failed calls (in the span that made them) show it, and they are counted as failed calls of
     * checkout -> payment, which names payment and raises an EdgeErrors alert on it.
     */
    @Test
    void aServiceThatFailsSilentlyIsNamedThroughItsCallersLines(@TempDir Path dir) throws Exception {
        SimulatorConfig scenario = Scenarios.errorBurst("payment", 0.3, 7L, startFor(Duration.ofHours(1)))
                .toBuilder().spanStatus(false).statusCodes(false).ownErrorLogs(false).build();
        DemoRunner.Result r = run(scenario, dir);
        Incident incident = scenario.incidents().get(0);
        List<Alert> firing = r.alerts().stream().filter(a -> a.getStatus() == AlertStatus.FIRING)
                .filter(a -> a.getEventTimeMs() >= incident.startMs() && a.getEventTimeMs() <= incident.endMs())
                .toList();
        Alert edge = firing.stream().filter(a -> "EdgeErrors".equals(a.getLabels().get("alertname"))).findFirst()
                .orElse(null);
        assertNotNull(edge, () -> "no EdgeErrors alert; alerts: " + r.alerts());
        assertEquals("payment", edge.getService());
        assertEquals(List.of("edge_errors_from_checkout"), edge.getMovedSignals());
        assertTrue(edge.getEventTimeMs() - incident.startMs() <= 2 * MINUTE,
                "alerted " + (edge.getEventTimeMs() - incident.startMs()) / 1000 + " s after onset");
        Alert first = firing.stream().min((a, b) -> Long.compare(a.getEventTimeMs(), b.getEventTimeMs())).orElseThrow();
        assertEquals("payment", first.getRootCauses().get(0).getService(), () -> "first alert: " + first);
        assertEquals(0, r.score().falseAlerts().size(), () -> "false alerts: " + r.score().falseAlerts());
    }

    @Test
    void normalTrafficYieldsNoAlert(@TempDir Path dir) throws Exception {
        Duration length = Duration.ofHours(2);
        DemoRunner.Result r = run(Scenarios.normal(11L, startFor(length), length), dir);
        assertEquals(List.of(), r.alerts());
        assertEquals(0, r.deadLetters().size());
    }
}
