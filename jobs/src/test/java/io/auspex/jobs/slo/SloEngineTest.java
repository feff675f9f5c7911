package io.auspex.jobs.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import io.auspex.schemas.SloStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Burn-rate arithmetic and alert transitions at constant traffic: 100 requests per 10 s window
 * (10 requests/s), so a window of 100 % errors is 10 s of budget at 1000x for a 99.9 % SLO.
 */
class SloEngineTest {

    static final String AVAILABILITY = """
            slos:
              - name: checkout-availability
                service: checkout
                objective: 99.9
                period: 30d
                runbook_url: https://runbooks.example/checkout
                labels: {team: payments}
                sli: {type: availability}
            """;

    static final String LATENCY = """
            slos:
              - name: frontend-latency
                service: frontend
                objective: 99
                sli: {type: latency, threshold_ms: 500}
            """;

    private static SloScenario steady(String yaml, String service) {
        return new SloScenario(yaml, service).run(Duration.ofDays(3), 100, 0).mark();
    }

    @Test
    void fullOutagePagesAfter52SecondsAndResolvesFiveMinutesAfterErrorsStop() {
        SloScenario s = steady(AVAILABILITY, "checkout");
        s.run(Duration.ofMinutes(10), 100, 100).run(Duration.ofHours(7), 100, 0);
        // fast: 1h share >= 0.0144 needs 51.84 s of errors -> window ending at +60 s
        // medium: 6h share >= 0.006 -> 129.6 s -> +130; slow: 1d share >= 0.003 -> 259.2 s -> +260;
        // very_slow: 3d share >= 0.001 -> 259.2 s -> +260.
        // Reset: fast clears when the 5m window holds < 4.32 s of errors: window [600, 900) -> +900,
        // resolved after keep_firing_for (2m) at +1020 with endsAt +900. medium: 30m window clean of
        // more than 10.8 s of errors at +2390; slow: 2h at +7780; very_slow: 6h at +22180.
        assertEquals(List.of(
                "fast FIRING +60",
                "medium FIRING +130",
                "slow FIRING +260",
                "very_slow FIRING +260",
                "fast RESOLVED +1020 ends +900",
                "medium RESOLVED +2510 ends +2390",
                "slow RESOLVED +7900 ends +7780",
                "very_slow RESOLVED +22300 ends +22180"), s.transitions());

        Alert page = s.alerts.get(0);
        assertEquals(AlertStatus.FIRING, page.getStatus());
        assertEquals("slo_burn_fast", page.getRule());
        assertEquals(Severity.PAGE, page.getSeverity());
        assertEquals("checkout", page.getService());
        assertEquals("checkout-availability", page.getSlo());
        assertEquals(s.mark + 60_000, page.getStartsAtMs());
        assertNull(page.getEndsAtMs());
        assertEquals(Map.of("alertname", "SloErrorBudgetBurn", "slo", "checkout-availability", "service", "checkout",
                "severity", "page", "burn_tier", "fast", "long_window", "1h", "short_window", "5m", "team", "payments"),
                page.getLabels());
        // 60 s of 100 % errors in 1 h: 1/60 / 0.001 = 16.67; in 5 m: 1/5 / 0.001 = 200
        assertEquals(16.6667, page.getBurnRates().get("1h"), 1e-4);
        assertEquals(200.0, page.getBurnRates().get("5m"), 1e-9);
        assertEquals("https://runbooks.example/checkout", page.getRunbookUrl());
        assertEquals("https://runbooks.example/checkout", page.getAnnotations().get("runbook_url"));
        assertEquals("checkout-availability of checkout is burning its error budget 16.7x too fast (fast tier)",
                page.getAnnotations().get("summary"));
        assertTrue(page.getRootCauses().isEmpty());

        Alert resolved = s.alerts.get(4);
        assertEquals(page.getFingerprint(), resolved.getFingerprint());
        assertEquals(page.getStartsAtMs(), resolved.getStartsAtMs());
        assertEquals(s.mark + 900_000, resolved.getEndsAtMs());
        assertEquals(SloEvaluator.fingerprint(page.getLabels()), page.getFingerprint());
        assertEquals(16, page.getFingerprint().length());
    }

    @Test
    void twoPercentErrorsPagesWithinTheWorkbookDetectionTime() {
        SloScenario s = steady(AVAILABILITY, "checkout");
        s.run(Duration.ofHours(3), 100, 2);
        // Workbook: detection time = (1 - SLO) / error ratio * window * factor = 0.001/0.02 * 1h * 14.4 = 43.2 min
        // = 2592 s -> the window ending at +2600 s. The 6x rule: 0.001/0.02 * 6h * 6 = 6480 s exactly (1.8 h).
        assertEquals(List.of("fast FIRING +2600", "medium FIRING +6480"), s.transitions());
        assertEquals(20.0, s.alerts.get(0).getBurnRates().get("5m"), 1e-9);
    }

    @Test
    void halfPercentErrorsNeverPagesButTickets() {
        // 200 requests per window, 1 error: 0.5 % = 5x, below 14.4 and 6 (no page). The 1d share reaches
        // 0.003 after 0.003/0.005 * 1d = 14.4 h = 51840 s; the 3d share reaches 0.001 after 0.001/0.005 * 3d = 51840 s too.
        SloScenario half = new SloScenario(AVAILABILITY, "checkout");
        half.run(Duration.ofDays(3), 200, 0).mark();
        half.run(Duration.ofDays(2), 200, 1);
        assertEquals(List.of("slow FIRING +51840", "very_slow FIRING +51840"), half.transitions());
        for (Alert a : half.alerts) {
            assertEquals(Severity.TICKET, a.getSeverity());
        }
    }

    @Test
    void latencySliPagesOnSlowRequestsOverTheThreshold() {
        SloScenario s = steady(LATENCY, "frontend");
        // all requests over 500 ms (errors elsewhere do not count for a latency SLI): budget 1 %,
        // fast needs 1h share >= 0.144 -> 518.4 s -> +520; clears when the 5m window holds < 43.2 s -> [560, 860) -> +860
        s.run(Duration.ofMinutes(10), 100, 0, 100).run(Duration.ofMinutes(10), 100, 0, 0);
        // 600 s of slowness is 2.78x over 6h, 0.69x over 1d: only the fast tier fires
        assertEquals(List.of("fast FIRING +520", "fast RESOLVED +980 ends +860"), s.transitions());
        // errors without slowness never burn a latency SLO
        SloScenario errors = steady(LATENCY, "frontend");
        errors.run(Duration.ofHours(1), 100, 100, 0);
        assertTrue(errors.alerts.isEmpty());
    }

    @Test
    void latencySliAtTwentyAndFiveTimesTheBudget() {
        // 99 % under 500 ms: 20 % slow is 20x: 0.01/0.2 * 1h * 14.4 = 2592 s -> +2600; 6x: 0.01/0.2 * 6h * 6 = 6480 s
        SloScenario twenty = steady(LATENCY, "frontend");
        twenty.run(Duration.ofHours(3), 100, 0, 20);
        assertEquals(List.of("fast FIRING +2600", "medium FIRING +6480"), twenty.transitions());
        // 5 % slow is 5x: never pages; 1d share 0.03 after 0.03/0.05 * 1d = 51840 s, 3d share 0.01 after 0.01/0.05 * 3d = 51840 s
        SloScenario five = steady(LATENCY, "frontend");
        five.run(Duration.ofDays(2), 100, 0, 5);
        assertEquals(List.of("slow FIRING +51840", "very_slow FIRING +51840"), five.transitions());
    }

    @Test
    void lowTrafficNeedsMinBadEventsButAQuietOutageStillPages() {
        String quiet = AVAILABILITY.replace("sli: {type: availability}", "sli: {type: availability}\n    alerting: {min_bad_events: 5}");
        // 10 requests per hour: one in the first 10 s window of every 6th minute
        SloScenario s = new SloScenario(quiet, "checkout");
        runQuiet(s, Duration.ofDays(3), false);
        s.mark();
        runQuiet(s, Duration.ofMinutes(6), true);
        runQuiet(s, Duration.ofHours(2), false);
        assertEquals(List.of(), s.transitions(), "1 failed request out of 10 in an hour does not page");

        SloScenario noFloor = new SloScenario(quiet.replace("min_bad_events: 5", "min_bad_events: 0"), "checkout");
        runQuiet(noFloor, Duration.ofDays(3), false);
        noFloor.mark();
        runQuiet(noFloor, Duration.ofMinutes(6), true);
        assertEquals("fast FIRING +10", noFloor.transitions().get(0), "without the floor the same blip pages");

        SloScenario outage = new SloScenario(quiet, "checkout");
        runQuiet(outage, Duration.ofDays(3), false);
        outage.mark();
        runQuiet(outage, Duration.ofHours(1), true);
        // the 5th failed request (at +24 min, window ending +24m10s) pages
        assertEquals("fast FIRING +1450", outage.transitions().get(0));
    }

    private static void runQuiet(SloScenario s, Duration d, boolean failing) {
        long end = s.now + d.toMillis();
        while (s.now < end) {
            boolean request = Math.floorMod(s.now, 360_000L) == 0;
            s.window(request ? 1 : 0, request && failing ? 1 : 0, 0);
        }
    }

    @Test
    void flappingWithinKeepFiringForStaysOneAlert() {
        SloScenario s = steady(AVAILABILITY, "checkout");
        // outage, clean (condition clears at +900), errors again at +960 within the 2 m hold, clean again
        s.run(Duration.ofSeconds(600), 100, 100).run(Duration.ofSeconds(360), 100, 0)
                .run(Duration.ofSeconds(60), 100, 100).run(Duration.ofMinutes(20), 100, 0);
        List<String> fast = s.transitions().stream().filter(t -> t.startsWith("fast")).toList();
        // errors stop at +1020; 5m window holds < 4.32 s of errors from [1020, 1320) -> clear at +1320, resolve at +1440
        assertEquals(List.of("fast FIRING +60", "fast RESOLVED +1440 ends +1320"), fast);

        SloScenario noHold = steady(AVAILABILITY.replace("sli: {type: availability}",
                "sli: {type: availability}\n    alerting: {keep_firing_for: 0s}"), "checkout");
        noHold.run(Duration.ofSeconds(600), 100, 100).run(Duration.ofSeconds(360), 100, 0)
                .run(Duration.ofSeconds(60), 100, 100).run(Duration.ofMinutes(20), 100, 0);
        List<String> flapping = noHold.transitions().stream().filter(t -> t.startsWith("fast")).toList();
        assertEquals(List.of("fast FIRING +60", "fast RESOLVED +900 ends +900", "fast FIRING +970",
                "fast RESOLVED +1320 ends +1320"), flapping);
    }

    @Test
    void startupOutagePagesOnceTheShortWindowIsCovered() {
        SloScenario s = new SloScenario(AVAILABILITY, "checkout");
        s.run(Duration.ofHours(7), 100, 100);
        // burn rates use the history there is (1000x everywhere); each rule waits for its short window
        assertEquals(List.of("fast FIRING +300", "medium FIRING +1800", "slow FIRING +7200", "very_slow FIRING +21600"),
                s.transitions());
    }

    @Test
    void startupNoiseInANearlyEmptyWindowDoesNotPage() {
        SloScenario s = new SloScenario(AVAILABILITY, "checkout");
        // 10 errors in the very first window (10 %, 100x burn there), then clean for a day
        s.window(100, 10, 0).run(Duration.ofDays(1), 100, 0);
        assertEquals(List.of(), s.transitions());
    }

    @Test
    void statusPerMinuteWithBudgetAndTimeToExhaustion() {
        String daily = """
                slos:
                  - name: payment-availability
                    service: payment
                    objective: 99
                    period: 1d
                    sli: {type: availability}
                """;
        SloScenario s = new SloScenario(daily, "payment");
        s.run(Duration.ofHours(23), 100, 0).run(Duration.ofHours(1), 100, 10).window(100, 0, 0);
        assertEquals(24 * 60, s.statuses.size(), "one status per event-time minute");
        SloStatus last = s.statuses.get(s.statuses.size() - 1);
        assertEquals(SloScenario.T0 + Duration.ofDays(1).toMillis(), last.getEventTimeMs());
        assertEquals("payment-availability", last.getSlo());
        assertEquals("", last.getInstance());
        assertEquals(99.0, last.getObjective());
        // 1 h of 10 % errors in a day against a 1 % budget: 0.1/24 / 0.01 = 41.67 % spent
        assertEquals(1 - 0.1 / 24 / 0.01, last.getErrorBudgetRemaining(), 1e-12);
        assertEquals(10.0, last.getBurnRates().get("1h"), 1e-12);
        assertEquals(List.of("5m", "30m", "1h", "2h", "6h", "1d"), List.copyOf(last.getBurnRates().keySet()));
        // at 10x, the 58.3 % left of a 1-day budget lasts 0.5833 * 24 h / 10 = 1.4 h
        assertEquals(5_040_000L, last.getTimeToExhaustionMs(), 1.0);
        assertEquals(864_000L, last.getPeriodTotal());
        assertEquals(864_000L - 3_600L, last.getPeriodGood());
        SloStatus first = s.statuses.get(0);
        assertEquals(SloScenario.T0 + 60_000, first.getEventTimeMs());
        assertNull(first.getTimeToExhaustionMs(), "not burning");
        assertEquals(1.0, first.getErrorBudgetRemaining());
    }

    @Test
    void sevenDayPeriodScalesTheFactors() {
        SloSet set = SloSet.parse(AVAILABILITY.replace("period: 30d", "period: 7d"), "test.yaml");
        List<BurnRule> rules = set.slos().get(0).rules();
        assertEquals(3.36, rules.get(0).factor());
        assertEquals(1.4, rules.get(1).factor());
        assertEquals(0.7, rules.get(2).factor());
        assertEquals(0.2333333333333333, rules.get(3).factor());
        // 3.36x over 1 h: 100 % errors page once the 1h share is >= 0.00336, after 12.096 s -> window ending at +20 s
        SloScenario s = steady(AVAILABILITY.replace("period: 30d", "period: 7d"), "checkout");
        s.run(Duration.ofSeconds(30), 100, 100);
        assertEquals("fast FIRING +20", s.transitions().get(0));
        SloSet thirty = SloSet.parse(AVAILABILITY, "test.yaml");
        assertEquals(List.of(14.4, 6.0, 3.0, 1.0),
                thirty.slos().get(0).rules().stream().map(BurnRule::factor).toList());
        SloSet oneDay = SloSet.parse(AVAILABILITY.replace("period: 30d", "period: 1d"), "test.yaml");
        assertEquals(List.of(0.48, 0.2, 0.1),
                oneDay.slos().get(0).rules().stream().map(BurnRule::factor).toList(), "3d window does not fit a 1d period");
    }

    @Test
    void reloadKeepsHistoryOfEditedSlosAndResetsRedefinedOnes() {
        SloScenario s = steady(AVAILABILITY, "checkout");
        s.run(Duration.ofMinutes(10), 100, 100);
        assertEquals(List.of("fast FIRING +60", "medium FIRING +130", "slow FIRING +260", "very_slow FIRING +260"),
                s.transitions());
        long firstData = s.engine.instance("checkout", "checkout-availability", "").firstDataMs();

        // objective edited and only the fast rule kept: history and the fast alert stay, the other three resolve
        String edited = AVAILABILITY.replace("objective: 99.9", "objective: 99.5").replace("sli: {type: availability}",
                "sli: {type: availability}\n    alerting:\n      rules:\n"
                        + "        - {tier: fast, severity: page, long_window: 1h, short_window: 5m, budget_percent: 2}");
        s.alerts.clear();
        assertEquals(0, s.engine.apply(SloSet.parse(edited, "test.yaml"), s));
        assertEquals(List.of("medium RESOLVED +600 ends +600", "slow RESOLVED +600 ends +600",
                "very_slow RESOLVED +600 ends +600"), s.transitions());
        assertEquals(firstData, s.engine.instance("checkout", "checkout-availability", "").firstDataMs());
        s.alerts.clear();
        s.run(Duration.ofMinutes(1), 100, 100);
        assertEquals(List.of(), s.transitions(), "still the same firing fast alert: no new FIRING");

        // the SLI changes: the counts mean something else, the instance starts over and its alert resolves
        s.alerts.clear();
        assertEquals(1, s.engine.apply(SloSet.parse(edited.replace("sli: {type: availability}",
                "sli: {type: latency, threshold_ms: 500}"), "test.yaml"), s));
        assertEquals(List.of("fast RESOLVED +660 ends +660"), s.transitions());
        assertEquals(0, s.engine.instanceCount());
        s.window(100, 0, 0);
        assertEquals(s.now - 10_000, s.engine.instance("checkout", "checkout-availability", "").firstDataMs());
    }

    @Test
    void groupByOperationKeepsAnInstancePerSpanNameUpToTheLimit() {
        String grouped = """
                slos:
                  - name: api-availability
                    service: checkout
                    objective: 99.9
                    sli: {type: availability}
                    group_by: operation
                    max_instances: 2
                """;
        SloScenario s = new SloScenario(grouped, "checkout");
        for (int i = 0; i < 60; i++) {
            io.auspex.schemas.ServiceSignals sig = SloScenario.signals("checkout", s.now, s.now + 10_000, 300, 100, Map.of());
            sig.setOperations(List.of(
                    new io.auspex.schemas.OperationCounts("GET /cart", 100L, 100L, Map.of()),
                    new io.auspex.schemas.OperationCounts("POST /pay", 100L, 0L, Map.of()),
                    new io.auspex.schemas.OperationCounts("GET /extra", 100L, 0L, Map.of())));
            s.engine.process(sig, s);
            s.now += 10_000;
        }
        assertEquals(2, s.engine.instanceCount());
        assertEquals(60, s.dropped.size());
        assertEquals("api-availability/GET /extra", s.dropped.get(0));
        assertEquals(List.of("fast FIRING +300"), s.transitions());
        assertEquals("GET /cart", s.alerts.get(0).getLabels().get("operation"));
        assertNotNull(s.engine.instance("checkout", "api-availability", "POST /pay"));
    }
}
