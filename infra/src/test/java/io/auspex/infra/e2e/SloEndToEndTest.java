package io.auspex.infra.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.demo.DemoRunner;
import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.IncidentKind;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLO engine inside the whole pipeline, on simulated traffic: a slow burn (0.5 % errors in
 * payment for three hours, 5x) tickets and never pages; a fast burn (30 % errors in checkout for
 * 15 minutes) pages on the fast tier and resolves after it ends.
 */
class SloEndToEndTest {
    static final long MINUTE = 60_000L;

    @Test
    void slowBurnTicketsFastBurnPagesAndResolves(@TempDir Path dir) throws Exception {
        Duration length = Duration.ofMinutes(220);
        long start = System.currentTimeMillis() - length.toMillis() - 5 * MINUTE;
        Incident slow = new Incident("payment", IncidentKind.ERROR_BURST, start + 20 * MINUTE, start + 200 * MINUTE,
                0.005);
        Incident fast = new Incident("checkout", IncidentKind.ERROR_BURST, start + 160 * MINUTE,
                start + 175 * MINUTE, 0.3);
        SimulatorConfig scenario = SimulatorConfig.builder().scenarioName("slow-and-fast-burn").seed(3L)
                .startMs(start).duration(length).baseRequestRate(8).incident(slow).incident(fast).build();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DemoRunner.Result r = new DemoRunner(scenario, dir, new PrintStream(log, true, StandardCharsets.UTF_8),
                Map.of()).run();
        assertTrue(r.jobSucceeded(), () -> r.failure() + "\n" + log);
        List<Alert> alerts = r.alerts();

        List<Alert> payment = alerts.stream().filter(a -> "payment-availability".equals(a.getSlo())).toList();
        Alert ticket = payment.stream().filter(a -> a.getStatus() == AlertStatus.FIRING).findFirst().orElse(null);
        assertNotNull(ticket, () -> "no ticket for the slow burn; alerts:\n" + log);
        assertEquals(Severity.TICKET, ticket.getSeverity());
        assertEquals("slow", ticket.getLabels().get("burn_tier"));
        assertTrue(ticket.getBurnRates().get("1d") >= 3.0, ticket.getBurnRates()::toString);
        assertTrue(payment.stream().noneMatch(a -> a.getSeverity() == Severity.PAGE), "a 5x burn never pages");

        Alert page = alerts.stream().filter(a -> "checkout-availability".equals(a.getSlo()))
                .filter(a -> a.getStatus() == AlertStatus.FIRING && "fast".equals(a.getLabels().get("burn_tier")))
                .findFirst().orElse(null);
        assertNotNull(page, () -> "no fast page for the fast burn; alerts:\n" + log);
        assertEquals(Severity.PAGE, page.getSeverity());
        assertTrue(page.getEventTimeMs() >= fast.startMs() && page.getEventTimeMs() <= fast.startMs() + 10 * MINUTE,
                () -> "paged at +" + (page.getEventTimeMs() - fast.startMs()) / 1000 + " s");
        assertEquals("checkout", page.getRootCauses().get(0).getService());
        Alert resolved = alerts.stream().filter(a -> a.getFingerprint().equals(page.getFingerprint()))
                .filter(a -> a.getStatus() == AlertStatus.RESOLVED).findFirst().orElse(null);
        assertNotNull(resolved, "the fast page resolves once the burst is over");
        assertEquals(page.getStartsAtMs(), resolved.getStartsAtMs());
        assertTrue(resolved.getEndsAtMs() >= fast.endMs() && resolved.getEndsAtMs() <= fast.endMs() + 10 * MINUTE,
                () -> "ended at +" + (resolved.getEndsAtMs() - fast.endMs()) / 1000 + " s after the burst");
    }
}
