package io.auspex.infra.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.demo.DemoRunner;
import io.auspex.infra.demo.DemoScore;
import io.auspex.infra.sim.Scenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./auspex demo} promises, as a test: all three injected incidents alerted, each first
 * alert naming the injected service as top root cause, no alert outside an incident, every
 * malformed record dead-lettered, and the machine-readable last line.
 */
class DemoEndToEndTest {

    @Test
    void demoDetectsEveryIncidentWithTheRightRootCauseAndNoFalseAlert(@TempDir Path dir) throws Exception {
        long start = System.currentTimeMillis() - Scenarios.DEMO_DURATION.toMillis() - 5 * 60_000L;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        DemoRunner.Result r = new DemoRunner(Scenarios.demo(42L, start), dir, out, Map.of()).run();
        DemoRunner.printSummary(r, out);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(r.jobSucceeded(), text);
        DemoScore s = r.score();
        assertEquals(3, s.detected(), text);
        assertEquals(3, s.rootCauseTop1(), text);
        assertEquals(0, s.falseAlerts().size(), text);
        for (DemoScore.IncidentResult ir : s.incidents()) {
            assertTrue(ir.timeToAlertMs() <= 5 * 60_000L, () -> "slow detection: " + text);
        }
        assertEquals(Scenarios.DEMO_BAD_RECORDS, r.deadLetters().size(), text);
        String last = text.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches("DEMO incidents=3 detected=3 rca_top1=3 false_alerts=0 dlq=60 wall_s=\\d+"), last);
    }
}
