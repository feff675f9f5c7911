package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.MIDNIGHT;
import static io.auspex.infra.sim.SimFixtures.MINUTE;
import static io.auspex.infra.sim.SimFixtures.serverOf;
import static io.auspex.infra.sim.SimFixtures.startsIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.StatusCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The booking topology, memory pressure, mixed instrumentation and the mixed fault suite. */
class MixedSuiteTest {

    private static final long FROM = MIDNIGHT + 5 * MINUTE;
    private static final long TO = MIDNIGHT + 15 * MINUTE;

    private static SimulatorConfig.Builder booking(int minutes) {
        return SimulatorConfig.builder().startMs(MIDNIGHT).duration(Duration.ofMinutes(minutes))
                .topology(Topology.booking()).baseRequestRate(Scenarios.MIXED_RATE).seed(9);
    }

    @Test
    void theBookingSystemHasQuietAndBusyServicesSharedDatabasesAndMixedInstrumentation() {
        Topology t = Topology.booking();
        assertEquals(25, t.serviceNames().size());
        assertEquals(Set.of("cache", "db-users", "db-orders", "db-catalog"),
                t.serviceNames().stream().filter(t::isDatastore).collect(Collectors.toSet()));
        assertFalse(t.isDatastore("gateway"));
        assertEquals(Set.of("auth", "user", "config"), t.callers("db-users"));
        assertEquals(Set.of("consign", "insurance", "order", "order-history", "payment", "seat"), t.callers("db-orders"));
        assertEquals(10, t.serviceNames().stream().filter(s -> !t.service(s).setsSpanStatus()).count());
        assertEquals(Set.of("cache", "db-users", "db-orders", "db-catalog"),
                t.serviceNames().stream().filter(s -> !t.service(s).sendsLogs()).collect(Collectors.toSet()));

        List<Span> spans = SimFixtures.run(booking(30).build()).spans();
        Map<String, Long> perService = spans.stream().filter(SimFixtures::isServer)
                .collect(Collectors.groupingBy(Span::getServiceName, Collectors.counting()));
        double windows = 30 * 6;
        // 12 entry requests per second: the search path is busy, the back office quiet
        assertTrue(perService.get("search") / windows > 40, "search " + perService.get("search") / windows);
        for (String quiet : List.of("admin", "config", "food", "insurance", "consign", "voucher")) {
            double perWindow = perService.get(quiet) / windows;
            assertTrue(perWindow >= 1 && perWindow <= 10, quiet + " " + perWindow + " requests per window");
        }
    }

    @Test
    void servicesWithoutSpanStatusFailOnlyInHttpCodesAndDatastoresSendNoLogs() {
        SimulatorConfig cfg = booking(20).incident(new Incident("search", IncidentKind.ERROR_BURST, FROM, TO, 0.5))
                .incident(new Incident("seat", IncidentKind.ERROR_BURST, FROM, TO, 0.5)).build();
        InMemorySink sink = SimFixtures.run(cfg);
        List<Span> during = sink.spans().stream().filter(startsIn(FROM, TO)).toList();
        List<Span> searchFailed = during.stream().filter(serverOf("search"))
                .filter(s -> s.getHttpStatusCode() != null && s.getHttpStatusCode() >= 500).toList();
        assertTrue(searchFailed.size() > 100, "search fails half its requests: " + searchFailed.size());
        assertTrue(searchFailed.stream().allMatch(s -> s.getStatusCode() == StatusCode.UNSET),
                "search's instrumentation sets no status");
        assertTrue(during.stream().filter(serverOf("seat")).anyMatch(SimFixtures::isError), "seat sets status ERROR");
        assertTrue(sink.logs().stream().anyMatch(l -> l.getServiceName().equals("search") && l.getSeverityNumber() >= 17));
        Set<String> logging = sink.logs().stream().map(l -> l.getServiceName().toString()).collect(Collectors.toSet());
        for (String store : List.of("cache", "db-users", "db-orders", "db-catalog")) {
            assertFalse(logging.contains(store), store + " sends no logs");
        }
    }

    @Test
    void memoryPressureClimbsToItsLevelPausesRequestsAndThenFailsThemWithOutOfMemory() {
        SimulatorConfig faulty = SimFixtures.minutes(20).seed(5)
                .incident(new Incident("catalog", IncidentKind.MEMORY_PRESSURE, FROM, TO, 0.98)).build();
        InMemorySink sink = SimFixtures.run(faulty);
        InMemorySink normal = SimFixtures.run(SimFixtures.minutes(20).seed(5).build());
        List<MetricPoint> memory = SimFixtures.gauges(sink.metrics(), "catalog", TelemetrySimulator.MEMORY);
        double before = memory.stream().filter(m -> m.getTimeMs() <= FROM).mapToDouble(MetricPoint::getValue).max()
                .orElseThrow();
        double secondHalf = memory.stream().filter(m -> m.getTimeMs() > FROM + 5 * MINUTE + 10_000 && m.getTimeMs() <= TO)
                .mapToDouble(MetricPoint::getValue).min().orElseThrow();
        double after = memory.stream().filter(m -> m.getTimeMs() > TO + 2 * MINUTE).mapToDouble(MetricPoint::getValue)
                .max().orElseThrow();
        assertTrue(before < 0.7, "usual memory " + before);
        assertEquals(0.98, secondHalf, 0.03, "at its level for the second half");
        assertTrue(after < 0.8, "released after the fault " + after);
        // GC pauses: p = 2 * (0.98 - 0.85) = 0.26 of requests in the second half wait ~150 ms
        Function<InMemorySink, Double> slowShare = s -> {
            List<Span> late = s.spans().stream().filter(serverOf("catalog").and(startsIn(FROM + 5 * MINUTE, TO))).toList();
            return late.stream().filter(sp -> sp.getDurationUs() > 80_000).count() / (double) late.size();
        };
        assertEquals(0.26 * (1 - 0.12), slowShare.apply(sink), 0.05);
        assertTrue(slowShare.apply(normal) < 0.02);
        // OutOfMemoryError: 4 * (0.98 - 0.95) = 0.12 of requests fail in the second half, each with its log line
        List<Span> late = sink.spans().stream().filter(serverOf("catalog").and(startsIn(FROM + 5 * MINUTE, TO))).toList();
        double failed = late.stream().filter(s -> Integer.valueOf(503).equals(s.getHttpStatusCode())).count()
                / (double) late.size();
        assertEquals(0.12, failed, 0.03);
        long oomLogs = sink.logs().stream().filter(l -> l.getServiceName().equals("catalog"))
                .map(LogRecord::getBody).map(Object::toString).filter(b -> b.startsWith("java.lang.OutOfMemoryError")).count();
        assertTrue(oomLogs > 50, "OutOfMemoryError lines: " + oomLogs);
        assertEquals(0, normal.logs().stream().map(l -> l.getBody().toString())
                .filter(b -> b.startsWith("java.lang.OutOfMemoryError")).count());
    }

    @Test
    void theMixedSuiteHasSixtyFaultsOfEveryKindTenMinutesApartWithDoubleFaultsOnUnrelatedServices() {
        Scenarios.Suite suite = Scenarios.mixedSuite(11, MIDNIGHT, 60, true);
        List<Scenarios.SuiteFault> faults = suite.faults();
        assertEquals(60, faults.size());
        Map<String, Long> kinds = faults.stream().collect(Collectors.groupingBy(Scenarios.SuiteFault::kind,
                Collectors.counting()));
        assertEquals(Set.of("cpu", "memory", "network-delay", "error", "silent", "slow-db", "latency", "double"),
                kinds.keySet());
        assertEquals(10, kinds.get("double"));
        Topology t = suite.config().topology();
        for (Scenarios.SuiteFault f : faults) {
            Incident i = f.incident();
            switch (f.fault()) {
                case "slow-db" -> assertTrue(t.isDatastore(i.service()), f.toString());
                case "memory", "error", "silent", "latency" -> assertFalse(t.isDatastore(i.service()), f.toString());
                case "network-delay" -> assertFalse(i.service().equals(t.entryService()), f.toString());
                default -> { }
            }
            assertEquals(Scenarios.FAULT_LENGTH.toMillis(), i.durationMs());
        }
        List<Long> starts = faults.stream().map(f -> f.incident().startMs()).distinct().sorted().toList();
        assertEquals(55, starts.size(), "five double slots");
        for (int k = 1; k < starts.size(); k++) {
            assertTrue(starts.get(k) - starts.get(k - 1) - Scenarios.FAULT_LENGTH.toMillis() >= 10 * MINUTE);
        }
        for (long start : starts) {
            List<Incident> slot = faults.stream().map(Scenarios.SuiteFault::incident).filter(i -> i.startMs() == start)
                    .toList();
            if (slot.size() == 2) {
                String a = slot.get(0).service();
                String b = slot.get(1).service();
                assertFalse(t.upstreamOf(a).contains(b) || t.upstreamOf(b).contains(a), a + " and " + b);
            }
        }
        // every service takes a fault; the same seed gives the same suite
        assertEquals(Set.copyOf(t.serviceNames()), faults.stream().map(f -> f.incident().service())
                .collect(Collectors.toSet()));
        assertEquals(faults, Scenarios.mixedSuite(11, MIDNIGHT, 60, true).faults());
        assertEquals(60_000, suite.config().metricIntervalMs());
    }
}
