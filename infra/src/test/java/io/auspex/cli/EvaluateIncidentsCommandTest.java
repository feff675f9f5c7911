package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate-incidents --alerts-out}: every alert of the run, one JSON object per line, with its hints. */
class EvaluateIncidentsCommandTest {

    @Test
    void writesEveryAlertWithItsRootCausesAndIncidentId(@TempDir Path dir) throws Exception {
        Path suite = dir.resolve("suite");
        assertEquals(0, AuspexCli.commandLine().execute("fault-suite", "--out", suite.toString(), "--faults", "1"));
        Path alerts = dir.resolve("alerts.jsonl");
        int code = AuspexCli.commandLine().execute("evaluate-incidents", "--telemetry",
                suite.resolve("recording.jsonl.gz").toString(), "--cases", suite.resolve("cases.json").toString(),
                "--work-dir", dir.resolve("work").toString(), "--alerts-out", alerts.toString());
        assertEquals(0, code);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(alerts)) {
            lines.add(json.readTree(l));
        }
        assertFalse(lines.isEmpty(), "the CPU fault in frontend alerts");
        JsonNode firstFiring = null;
        for (JsonNode a : lines) {
            assertTrue(a.hasNonNull("fingerprint") && a.hasNonNull("status") && a.hasNonNull("service"), a.toString());
            if (a.get("status").asText().equals("FIRING")) {
                assertTrue(a.hasNonNull("incident_id"), a.toString());
                assertEquals(16, a.get("incident_id").asText().length());
                if (firstFiring == null || a.get("event_time_ms").asLong() < firstFiring.get("event_time_ms").asLong()) {
                    firstFiring = a;
                }
            }
        }
        assertTrue(firstFiring != null, "a firing alert");
        assertEquals("frontend", firstFiring.get("root_causes").get(0).get("service").asText(), firstFiring.toString());
    }
}
