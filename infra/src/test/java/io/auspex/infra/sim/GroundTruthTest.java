package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.MIDNIGHT;
import static io.auspex.infra.sim.SimFixtures.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthTest {

    @TempDir
    Path dir;

    @Test
    void csvHasOneExactLinePerIncident() throws IOException {
        SimulatorConfig config = Scenarios.errorBurst("payment", 0.25, 9, MIDNIGHT);
        Path csv = dir.resolve("truth.csv");
        GroundTruthWriter.writeCsv(new TelemetrySimulator(config).groundTruth(), csv);
        assertEquals(List.of(
                "service,kind,start_ms,end_ms,magnitude,start,end,affected_services",
                "payment,ERROR_BURST,1767572400000,1767573600000,0.25,2026-01-05T00:20:00Z,2026-01-05T00:40:00Z,"
                        + "payment;checkout;frontend"), Files.readAllLines(csv));
    }

    @Test
    void jsonRoundTripsAndNamesEverythingUpstream() throws IOException {
        SimulatorConfig config = Scenarios.demo(7, MIDNIGHT).toBuilder()
                .incident(new Incident("database", IncidentKind.LATENCY, MIDNIGHT, MIDNIGHT + MINUTE, 2.0)).build();
        GroundTruth truth = GroundTruth.of(config);
        Path json = dir.resolve("truth.json");
        GroundTruthWriter.writeJson(truth, json);
        GroundTruth back = GroundTruthWriter.readJson(json);
        assertEquals(truth, back);
        assertEquals(config.incidents(), back.incidentList());
        assertEquals(List.of("database", "catalog", "inventory", "payment", "frontend", "checkout"),
                back.incidents().get(3).affectedServices());
        String text = Files.readString(json);
        assertTrue(text.contains("\"kind\" : \"SATURATION\""), text);
        assertTrue(text.contains("\"start\" : \"2026-01-05T02:20:00Z\""), text);
        assertThrows(IOException.class, () -> GroundTruthWriter.fromJson("{\"scenario\":\"x\"}"));
    }

    @Test
    void demoHasOneIncidentOfEachKindInDifferentServicesSpacedApart() {
        SimulatorConfig demo = Scenarios.demo();
        List<Incident> incidents = demo.incidents();
        assertEquals(3, incidents.size());
        Set<IncidentKind> kinds = new HashSet<>();
        Set<String> services = new HashSet<>();
        for (int k = 0; k < incidents.size(); k++) {
            Incident i = incidents.get(k);
            kinds.add(i.kind());
            services.add(i.service());
            assertTrue(i.durationMs() >= 20 * MINUTE && i.durationMs() <= 30 * MINUTE, i.toString());
            assertTrue(i.startMs() >= demo.startMs() + 30 * MINUTE && i.endMs() <= demo.endMs() - 15 * MINUTE);
            if (k > 0) {
                assertTrue(i.startMs() - incidents.get(k - 1).endMs() >= 30 * MINUTE, "30 min of calm between");
            }
        }
        assertEquals(Set.of(IncidentKind.LATENCY, IncidentKind.ERROR_BURST, IncidentKind.SATURATION), kinds);
        assertEquals(3, services.size());
        assertEquals(3 * 60 * MINUTE, demo.endMs() - demo.startMs());
        assertEquals(Scenarios.DEMO_BAD_RECORDS, demo.badRecordCount());
    }
}
