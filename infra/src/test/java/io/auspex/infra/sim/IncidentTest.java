package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.MIDNIGHT;
import static io.auspex.infra.sim.SimFixtures.MINUTE;
import static io.auspex.infra.sim.SimFixtures.errorRatio;
import static io.auspex.infra.sim.SimFixtures.medianDurationUs;
import static io.auspex.infra.sim.SimFixtures.minutes;
import static io.auspex.infra.sim.SimFixtures.serverOf;
import static io.auspex.infra.sim.SimFixtures.startsIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Injected faults show in the faulty service and propagate to its callers only. */
class IncidentTest {

    private static final long FROM = MIDNIGHT + 5 * MINUTE;
    private static final long TO = MIDNIGHT + 15 * MINUTE;

    private static SimulatorConfig withIncident(IncidentKind kind, String service, double magnitude) {
        return minutes(20).seed(5).incident(new Incident(service, kind, FROM, TO, magnitude)).build();
    }

    private static Predicate<Span> route(String service, String name) {
        return s -> SimFixtures.isServer(s) && s.getServiceName().equals(service) && s.getName().equals(name);
    }

    @Test
    void errorBurstRaisesTheServiceAndItsCallersButNotUnrelatedServices() {
        List<Span> spans = SimFixtures.run(withIncident(IncidentKind.ERROR_BURST, "payment", 0.3)).spans();
        Predicate<Span> during = startsIn(FROM, TO);
        Predicate<Span> before = startsIn(MIDNIGHT, FROM);

        double payment = errorRatio(spans, serverOf("payment").and(during));
        assertEquals(0.3, payment, 0.04, "payment fails 30% of its requests");
        // checkout fails when charge fails: at once with p = 0.9, else after one retry that fails again
        double expectedCheckout = 0.3 * (0.9 + 0.1 * 0.3);
        double checkout = errorRatio(spans, route("checkout", "POST /checkout").and(during));
        assertEquals(expectedCheckout, checkout, 0.04, "checkout POST /checkout");
        double expectedFrontend = expectedCheckout * (0.9 + 0.1 * expectedCheckout);
        double frontend = errorRatio(spans, route("frontend", "POST /checkout").and(during));
        assertEquals(expectedFrontend, frontend, 0.04, "frontend POST /checkout");
        assertTrue(errorRatio(spans, serverOf("frontend").and(during)) > 0.02, "frontend overall");

        for (String unrelated : List.of("auth", "catalog", "inventory", "shipping", "cache", "database")) {
            double r = errorRatio(spans, serverOf(unrelated).and(during));
            assertTrue(r < 0.002, unrelated + " error ratio " + r);
        }
        assertTrue(errorRatio(spans, serverOf("payment").and(before)) < 0.002, "no burst before the incident");
        assertTrue(errorRatio(spans, route("frontend", "GET /product").and(during)) < 0.002, "other routes unaffected");
        // the failures point at the callee: 500/503 in payment, 502 in its callers
        assertTrue(spans.stream().filter(serverOf("payment").and(during).and(SimFixtures::isError))
                .allMatch(s -> s.getHttpStatusCode() == 500 || s.getHttpStatusCode() == 503));
        assertTrue(spans.stream().filter(serverOf("checkout").and(during).and(SimFixtures::isError))
                .allMatch(s -> s.getHttpStatusCode() == 502));
        // the callers' non-propagated share shows up as retries
        assertTrue(spans.stream().anyMatch(s -> "1".equals(s.getAttributes().get("http.request.resend_count"))));
    }

    static Predicate<Span> clientsCalling(String service) {
        return s -> s.getKind() == io.auspex.schemas.SpanKind.CLIENT
                && service.equals(s.getAttributes().get("peer.service"));
    }

    @Test
    void networkDelayShowsInTheCallersClientSpansNotInTheServicesOwnSpans() {
        List<Span> delayed = SimFixtures.run(withIncident(IncidentKind.NETWORK_DELAY, "inventory", 300)).spans();
        List<Span> normal = SimFixtures.run(minutes(20).seed(5).build()).spans();
        Predicate<Span> during = startsIn(FROM, TO);
        double ownBefore = SimFixtures.medianDurationUs(normal, serverOf("inventory").and(during));
        double ownDuring = SimFixtures.medianDurationUs(delayed, serverOf("inventory").and(during));
        assertEquals(ownBefore, ownDuring, ownBefore * 0.1, "inventory's own spans do not see the network");
        double callBefore = SimFixtures.medianDurationUs(normal, clientsCalling("inventory").and(during));
        double callDuring = SimFixtures.medianDurationUs(delayed, clientsCalling("inventory").and(during));
        assertEquals(callBefore + 300_000, callDuring, 30_000, "callers wait 300 ms more");
        assertEquals(SimFixtures.medianDurationUs(normal, clientsCalling("inventory").and(startsIn(MIDNIGHT, FROM))),
                SimFixtures.medianDurationUs(delayed, clientsCalling("inventory").and(startsIn(MIDNIGHT, FROM))),
                1.0, "nothing changes before the fault");
    }

    @Test
    void aSilentFaultLogsErrorsWhileTheSpansSaySuccess() {
        InMemorySink out = SimFixtures.run(withIncident(IncidentKind.SILENT_FAULT, "auth", 0.3));
        Predicate<Span> during = startsIn(FROM, TO);
        assertTrue(errorRatio(out.spans(), serverOf("auth").and(during)) < 0.002, "spans say success");
        long requests = out.spans().stream().filter(serverOf("auth").and(during)).count();
        long wrong = out.logs().stream().filter(l -> l.getServiceName().equals("auth") && l.getSeverityNumber() >= 17
                && l.getTimeMs() >= FROM && l.getTimeMs() < TO && l.getBody().startsWith("inconsistent result")).count();
        assertEquals(0.3, wrong / (double) requests, 0.05, wrong + " error logs for " + requests + " requests");
        assertEquals(0, out.logs().stream().filter(l -> l.getBody().startsWith("inconsistent result")
                && (l.getTimeMs() < FROM || l.getTimeMs() >= TO + 1_000)).count(), "only during the fault");
    }

    @Test
    void withoutSpanStatusFailuresShowOnlyInHttpCodesAndLogs() {
        List<Span> spans = SimFixtures.run(minutes(20).seed(5).spanStatus(false)
                .incident(new Incident("payment", IncidentKind.ERROR_BURST, FROM, TO, 0.3)).build()).spans();
        assertTrue(spans.stream().noneMatch(s -> s.getStatusCode() == io.auspex.schemas.StatusCode.ERROR));
        assertTrue(spans.stream().filter(serverOf("payment").and(startsIn(FROM, TO)))
                .filter(s -> s.getHttpStatusCode() != null && s.getHttpStatusCode() >= 500).count() > 100);
    }

    @Test
    void withoutStatusCodesOrOwnErrorLogsAThrowingServiceShowsOnlyInItsCallersLogs() {
        var out = SimFixtures.run(minutes(20).seed(5).spanStatus(false).statusCodes(false).ownErrorLogs(false)
                .incident(new Incident("payment", IncidentKind.ERROR_BURST, FROM, TO, 0.3)).build());
        List<Span> spans = out.spans();
        assertTrue(spans.stream().noneMatch(s -> s.getStatusCode() == io.auspex.schemas.StatusCode.ERROR));
        assertTrue(spans.stream().allMatch(s -> s.getHttpStatusCode() == null), "no span carries a status code");
        assertEquals(0, out.logs().stream().filter(l -> l.getServiceName().equals("payment")
                && l.getSeverityNumber() >= 17).count(), "payment logs none of its own failures");
        long callerLines = out.logs().stream().filter(l -> l.getServiceName().equals("checkout")
                && l.getTimeMs() >= FROM && l.getTimeMs() < TO + 1_000
                && l.getBody().contains("failed: payment POST /charge returned 5")).count();
        assertTrue(callerLines > 20, callerLines + " checkout lines name the failed call to payment");
    }

    @Test
    void latencyIncidentSlowsTheServiceAndItsCallersAndLeavesEverythingElseIdentical() {
        List<Span> slow = SimFixtures.run(withIncident(IncidentKind.LATENCY, "inventory", 5.0)).spans();
        List<Span> normal = SimFixtures.run(minutes(20).seed(5).build()).spans();
        Map<String, Span> normalById = new HashMap<>();
        normal.forEach(s -> normalById.put(s.getSpanId(), s));
        // the latency multiplier draws no extra random numbers, so both runs have the same spans
        assertEquals(normal.size(), slow.size());

        Predicate<Span> during = startsIn(FROM, TO);
        double inventoryRatio = medianDurationUs(slow, serverOf("inventory").and(during))
                / medianDurationUs(normal, serverOf("inventory").and(during));
        assertTrue(inventoryRatio > 2.5, "inventory p50 ratio " + inventoryRatio);
        double checkoutRatio = medianDurationUs(slow, route("checkout", "GET /cart").and(during))
                / medianDurationUs(normal, route("checkout", "GET /cart").and(during));
        assertTrue(checkoutRatio > 1.5, "checkout GET /cart p50 ratio " + checkoutRatio);
        double frontendRatio = medianDurationUs(slow, route("frontend", "GET /cart").and(during))
                / medianDurationUs(normal, route("frontend", "GET /cart").and(during));
        assertTrue(frontendRatio > 1.2, "frontend GET /cart p50 ratio " + frontendRatio);

        for (Span s : slow) {
            Span n = normalById.get(s.getSpanId());
            String svc = s.getServiceName();
            if (svc.equals("inventory") && SimFixtures.isServer(s) && during.test(s)) {
                assertTrue(s.getDurationUs() > n.getDurationUs(), "every inventory request is slower");
            } else if (svc.equals("catalog") || svc.equals("auth") || svc.equals("cache")) {
                assertEquals(n, s, "services that do not call inventory are untouched");
            } else if (s.getStartTimeMs() >= TO + 10_000 || s.getStartTimeMs() < FROM - 10_000) {
                assertEquals(n, s, "nothing changes well outside the incident");
            } else {
                assertTrue(s.getDurationUs() >= n.getDurationUs(), "nothing gets faster");
            }
        }
    }

    @Test
    void saturationPinsGaugesNearOneAndCausesTimeoutsAndLatency() {
        InMemorySink sat = SimFixtures.run(withIncident(IncidentKind.SATURATION, "catalog", 0.97));
        List<MetricPoint> cpu = SimFixtures.gauges(sat.metrics(), "catalog", TelemetrySimulator.CPU);
        List<MetricPoint> pool = SimFixtures.gauges(sat.metrics(), "catalog", TelemetrySimulator.POOL);
        for (List<MetricPoint> gauge : List.of(cpu, pool)) {
            for (MetricPoint m : gauge) {
                boolean inside = m.getTimeMs() > FROM && m.getTimeMs() <= TO;
                boolean outside = m.getTimeMs() <= FROM - 10_000 || m.getTimeMs() > TO + 10_000;
                if (inside) {
                    assertTrue(m.getValue() >= 0.93, "saturated " + m);
                } else if (outside) {
                    assertTrue(m.getValue() < 0.6, "normal " + m);
                }
            }
        }
        assertTrue(SimFixtures.gauges(sat.metrics(), "payment", TelemetrySimulator.CPU).stream()
                .allMatch(m -> m.getValue() < 0.6), "other services keep their CPU");

        List<Span> spans = sat.spans();
        Predicate<Span> during = startsIn(FROM, TO);
        // timeout probability max(0, 0.97 - 0.9) = 0.07
        long catalogRequests = spans.stream().filter(serverOf("catalog").and(during)).count();
        long timeouts = spans.stream().filter(serverOf("catalog").and(during).and(SimFixtures::isError))
                .filter(s -> s.getHttpStatusCode() == 503 && s.getDurationUs() >= 3_000_000L).count();
        assertEquals(0.07, (double) timeouts / catalogRequests, 0.015, "catalog timeouts: 503 after 3 s");
        double catalogErrors = errorRatio(spans, serverOf("catalog").and(during));
        assertEquals((double) timeouts / catalogRequests, catalogErrors, 0.003, "almost every error is a timeout");
        assertTrue(sat.logs().stream().anyMatch(l -> l.getServiceName().equals("catalog")
                && l.getBody().startsWith("connection pool exhausted: timed out after 3000 ms")));
        List<Span> normal = SimFixtures.run(minutes(20).seed(5).build()).spans();
        double ratio = medianDurationUs(spans, route("frontend", "GET /product").and(during))
                / medianDurationUs(normal, route("frontend", "GET /product").and(during));
        assertTrue(ratio > 1.5, "frontend GET /product p50 ratio " + ratio);
        assertTrue(errorRatio(spans, serverOf("frontend").and(during)) > 0.03, "timeouts reach the frontend");
        assertTrue(errorRatio(spans, serverOf("payment").and(during)) < 0.002, "payment unaffected");
    }

    @Test
    void databaseSlowdownFillsTheCallersConnectionPools() {
        InMemorySink slowDb = SimFixtures.run(withIncident(IncidentKind.LATENCY, "database", 3.0));
        for (String caller : List.of("catalog", "payment", "inventory")) {
            double inside = SimFixtures.gauges(slowDb.metrics(), caller, TelemetrySimulator.POOL).stream()
                    .filter(m -> m.getTimeMs() > FROM && m.getTimeMs() <= TO).mapToDouble(MetricPoint::getValue).average()
                    .orElseThrow();
            double outside = SimFixtures.gauges(slowDb.metrics(), caller, TelemetrySimulator.POOL).stream()
                    .filter(m -> m.getTimeMs() <= FROM).mapToDouble(MetricPoint::getValue).average().orElseThrow();
            assertTrue(inside > outside + 0.25, caller + " pool " + outside + " -> " + inside);
        }
        // a slow cache is not the database: catalog's connection pool does not notice it
        InMemorySink slowCache = SimFixtures.run(withIncident(IncidentKind.LATENCY, "cache", 3.0));
        InMemorySink normal = SimFixtures.run(minutes(20).seed(5).build());
        assertEquals(SimFixtures.gauges(normal.metrics(), "catalog", TelemetrySimulator.POOL),
                SimFixtures.gauges(slowCache.metrics(), "catalog", TelemetrySimulator.POOL));
    }
}
