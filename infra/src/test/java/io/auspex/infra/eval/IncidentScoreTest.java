package io.auspex.infra.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.RootCauseHint;
import io.auspex.schemas.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentScoreTest {
    static final long MIN = 60_000L;
    static final long T0 = 1_795_478_400_000L;

    static Alert alert(String service, long t, AlertStatus status, Map<String, String> labels, String... hints) {
        return Alert.newBuilder().setFingerprint(service + t).setStatus(status).setRule("anomaly")
                .setSeverity(Severity.TICKET).setService(service).setStartsAtMs(t).setEventTimeMs(t)
                .setLabels(labels).setRootCauses(java.util.Arrays.stream(hints).map(h -> RootCauseHint.newBuilder()
                        .setService(h).setConfidence(0.5).build()).toList()).build();
    }

    @Test
    void acAtKAvgAt5TimeToDetectAndFalseAlertsAreExact() {
        List<IncidentCase> cases = List.of(
                new IncidentCase("a", "orders", "cpu", T0 + 10 * MIN, T0 + 13 * MIN),
                new IncidentCase("b", "db", "delay", T0 + 30 * MIN, T0 + 33 * MIN),
                new IncidentCase("c", "auth", "code", T0 + 50 * MIN, T0 + 53 * MIN));
        List<Alert> alerts = List.of(
                // a: detected after 40 s, the injected service first
                alert("web", T0 + 10 * MIN + 40_000, AlertStatus.FIRING, Map.of(), "orders", "web"),
                alert("web", T0 + 10 * MIN + 50_000, AlertStatus.FIRING, Map.of(), "web"),
                // b: 4 min after the end (within the 5 min grace), the injected service third
                alert("web", T0 + 37 * MIN, AlertStatus.FIRING, Map.of(), "web", "orders", "db"),
                // 12 min after b's end: a slow burn-rate alert is not credited, whatever its window covers
                alert("web", T0 + 45 * MIN, AlertStatus.FIRING, Map.of("short_window", "30m"), "db"),
                // a resolved transition never counts
                alert("auth", T0 + 51 * MIN, AlertStatus.RESOLVED, Map.of(), "auth"),
                // nothing for c; one firing alert far from every case
                alert("web", T0 + 80 * MIN, AlertStatus.FIRING, Map.of(), "web"));
        IncidentScore s = IncidentScore.of(cases, alerts, T0, T0 + 100 * MIN, 5 * MIN);
        assertEquals(List.of(1, 3, 0), s.results().stream().map(IncidentScore.CaseResult::rank).toList());
        IncidentScore.Summary all = s.summary();
        assertEquals(3, all.cases());
        assertEquals(2, all.detected());
        assertEquals(1.0 / 3, all.ac1(), 1e-12);
        assertEquals(2.0 / 3, all.ac3(), 1e-12);
        assertEquals((1.0 / 3 + 1.0 / 3 + 2.0 / 3 + 2.0 / 3 + 2.0 / 3) / 5, all.avg5(), 1e-12);
        // 40 s and 7 min: the median of two is their mean
        assertEquals((40_000 + 7 * MIN) / 2, all.medianTtdMs());
        assertEquals(2, s.falseAlerts().size());
        // 100 min minus three cases of 3 min + 5 min grace each
        assertEquals((100 - 24) / 60.0, s.hoursOutsideCases(), 1e-12);
        assertEquals(2 / ((100 - 24) / 60.0), s.falseAlertsPerHour(), 1e-12);
        assertEquals(List.of("cpu", "delay", "code"), List.copyOf(s.byKind().keySet()));
        assertEquals(1.0, s.byKind().get("cpu").ac1(), 1e-12);
        assertEquals(0, s.byKind().get("code").detected());
        assertEquals(-1, s.byKind().get("code").medianTtdMs());
    }

    @Test
    void simultaneousAlertsAreTakenPagesFirstThenByServiceWhateverTheirArrivalOrder() {
        List<IncidentCase> cases = List.of(new IncidentCase("a", "db", "cpu", T0, T0 + 3 * MIN));
        Alert ticketWeb = alert("web", T0 + MIN, AlertStatus.FIRING, Map.of(), "web");
        Alert ticketApi = alert("api", T0 + MIN, AlertStatus.FIRING, Map.of(), "db");
        Alert page = Alert.newBuilder(alert("zeta", T0 + MIN, AlertStatus.FIRING, Map.of(), "zeta", "db"))
                .setSeverity(Severity.PAGE).build();
        for (List<Alert> order : List.of(List.of(ticketWeb, ticketApi, page), List.of(page, ticketApi, ticketWeb))) {
            assertEquals(2, IncidentScore.of(cases, order, T0, T0 + 60 * MIN, 5 * MIN).results().get(0).rank());
        }
        assertEquals(1, IncidentScore.of(cases, List.of(ticketWeb, ticketApi), T0, T0 + 60 * MIN, 5 * MIN).results()
                .get(0).rank(), "api before web");
    }

    @Test
    void concurrentCasesAreEachJudgedByTheFirstIncidentThatNamesTheirService() {
        List<IncidentCase> cases = List.of(
                new IncidentCase("a", "db", "double", T0, T0 + 3 * MIN),
                new IncidentCase("b", "auth", "double", T0 + MIN, T0 + 4 * MIN),
                new IncidentCase("c", "cache", "cpu", T0 + 30 * MIN, T0 + 33 * MIN));
        Alert dbIncident = Alert.newBuilder(alert("web", T0 + 20_000, AlertStatus.FIRING, Map.of(), "db", "web"))
                .setIncidentId("i-db").build();
        // the same incident again (a caller's alert): not a new page
        Alert dbAgain = Alert.newBuilder(alert("api", T0 + 70_000, AlertStatus.FIRING, Map.of(), "auth", "db"))
                .setIncidentId("i-db").build();
        Alert authIncident = Alert.newBuilder(alert("web", T0 + 90_000, AlertStatus.FIRING, Map.of(), "web", "x", "y",
                "z", "auth")).setIncidentId("i-auth").build();
        // not concurrent: c takes its first alert even though a later one ranks cache first
        Alert cacheFirst = alert("web", T0 + 31 * MIN, AlertStatus.FIRING, Map.of(), "web", "cache");
        Alert cacheLater = alert("web", T0 + 32 * MIN, AlertStatus.FIRING, Map.of(), "cache");
        IncidentScore s = IncidentScore.of(cases, List.of(authIncident, dbAgain, cacheLater, dbIncident, cacheFirst),
                T0, T0 + 60 * MIN, 5 * MIN);
        assertEquals(List.of(1, 5, 2), s.results().stream().map(IncidentScore.CaseResult::rank).toList());
        assertEquals(20_000, s.results().get(0).timeToDetectMs());
        assertEquals(90_000 - MIN, s.results().get(1).timeToDetectMs());
        // no page in b's window names auth: b takes its first alert, as a single case does
        IncidentScore without = IncidentScore.of(cases, List.of(dbIncident, dbAgain, Alert.newBuilder(authIncident)
                .setRootCauses(List.of()).build()), T0, T0 + 60 * MIN, 5 * MIN);
        assertEquals(1, without.results().get(1).rank());
        assertEquals(10_000, without.results().get(1).timeToDetectMs());
    }

    @Test
    void theCasesFileTakesInstantsOrEpochMillisAndNamesWhatIsWrong(@TempDir Path dir) throws IOException {
        Path ok = Files.writeString(dir.resolve("ok.json"), """
                {"cases": [
                  {"id": "f1", "service": "ts-order-service", "kind": "cpu",
                   "start": "2026-11-24T00:10:00Z", "end": "2026-11-24T00:13:00Z"},
                  {"service": "ts-auth-service", "start": 1795479000000, "end": 1795479180000}
                ]}""");
        List<IncidentCase> cases = IncidentCase.read(ok);
        assertEquals(new IncidentCase("f1", "ts-order-service", "cpu", T0 + 10 * MIN, T0 + 13 * MIN), cases.get(0));
        assertEquals(new IncidentCase("2", "ts-auth-service", "unknown", 1795479000000L, 1795479180000L),
                cases.get(1));
        Path noService = Files.writeString(dir.resolve("a.json"), "[{\"id\": \"x\", \"start\": 1, \"end\": 2}]");
        IOException e = assertThrows(IOException.class, () -> IncidentCase.read(noService));
        assertTrue(e.getMessage().endsWith("case x: service is required"), e.getMessage());
        Path badTime = Files.writeString(dir.resolve("b.json"),
                "[{\"id\": \"y\", \"service\": \"s\", \"start\": \"yesterday\", \"end\": 2}]");
        e = assertThrows(IOException.class, () -> IncidentCase.read(badTime));
        assertTrue(e.getMessage().endsWith("case y: start must be an ISO-8601 instant or epoch ms, was 'yesterday'"),
                e.getMessage());
        Path twice = Files.writeString(dir.resolve("c.json"),
                "[{\"id\": \"z\", \"service\": \"s\", \"start\": 1, \"end\": 2}, {\"id\": \"z\", \"service\": \"s\", "
                        + "\"start\": 1, \"end\": 2}]");
        e = assertThrows(IOException.class, () -> IncidentCase.read(twice));
        assertTrue(e.getMessage().endsWith("case z appears twice"), e.getMessage());
    }
}
