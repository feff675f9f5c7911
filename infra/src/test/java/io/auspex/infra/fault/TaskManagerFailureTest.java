package io.auspex.infra.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone Flink cluster (JobManager and TaskManager processes, infra/scripts/local-cluster.sh)
 * runs the job jar; the TaskManager is killed with SIGKILL after the first completed checkpoint
 * and a new one is started. The job must restore, finish, and leave every alert exactly once.
 */
@Tag("slow")
class TaskManagerFailureTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String REST_PORT = "18081";
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    static void script(Path clusterDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("infra/scripts/local-cluster.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(clusterDir.resolve("script-" + args[0] + ".log").toFile());
        pb.environment().put("AUSPEX_CLUSTER_DIR", clusterDir.toString());
        pb.environment().put("AUSPEX_CLUSTER_REST_PORT", REST_PORT);
        pb.environment().put("AUSPEX_CLUSTER_RPC_PORT", "16123");
        Process p = pb.start();
        int rc = p.waitFor();
        assertEquals(0, rc, () -> args[0] + " failed: " + read(clusterDir.resolve("script-" + args[0] + ".log")));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + REST_PORT + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void jobRestoresAfterATaskManagerIsKilledAndAlertsStayExactlyOnce(@TempDir Path dir) throws Exception {
        Path clusterDir = dir.resolve("cluster");
        Files.createDirectories(clusterDir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(TelemetryTopics.DEFAULTS.all());
            kafka.createTopics("telemetry.signals", "telemetry.alerts", "telemetry.slo-status", "telemetry.dlq");
            long start = System.currentTimeMillis() - Duration.ofMinutes(65).toMillis();
            SimulatorConfig scenario = Scenarios.errorBurst("payment", 0.3, 7L, start);
            try (KafkaTelemetryProducer p = new KafkaTelemetryProducer(kafka.bootstrapServers())) {
                new TelemetrySimulator(scenario).run(p);
                p.flush();
            }
            Path slo = LocalPipeline.defaultSloFile(dir);
            script(clusterDir, "start");
            try {
                script(clusterDir, "run", "-d", "--auspex.kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "--auspex.slo.file", slo.toString(), "--auspex.sources.bounded", "true",
                        "--auspex.sources.from-earliest", "true");
                String job = get("/jobs/overview").get("jobs").get(0).get("jid").asText();
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asInt() < 1) {
                    assertTrue(System.nanoTime() < deadline, "no checkpoint completed");
                    Thread.sleep(200);
                }
                script(clusterDir, "kill-taskmanager");
                script(clusterDir, "start-taskmanager");
                String state;
                do {
                    assertTrue(System.nanoTime() < deadline + Duration.ofMinutes(3).toNanos(), "job did not finish");
                    Thread.sleep(1000);
                    state = get("/jobs/" + job).get("state").asText();
                } while (!state.equals("FINISHED") && !state.equals("FAILED"));
                assertEquals("FINISHED", state, () -> read(clusterDir.resolve("log/jobmanager.log")));
                assertTrue(get("/jobs/" + job + "/checkpoints").path("counts").path("restored").asInt() >= 1,
                        "the job restored from a checkpoint");
            } finally {
                script(clusterDir, "stop");
            }

            List<Alert> alerts = new ArrayList<>();
            try (TopicReader<Alert> r = new TopicReader<>(kafka.bootstrapServers(), "telemetry.alerts", Alert.class)) {
                r.readToEnd(Duration.ofMillis(500), alerts::add);
            }
            Map<String, AlertStatus> last = new HashMap<>();
            for (Alert a : alerts) {
                AlertStatus before = last.put(a.getFingerprint(), a.getStatus());
                assertTrue(before != a.getStatus(), () -> "duplicate " + a.getStatus() + " of " + a.getFingerprint());
            }
            Alert page = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING
                    && a.getSeverity() == Severity.PAGE && a.getService().equals("payment")).findFirst().orElse(null);
            assertNotNull(page, () -> "no page for payment: " + alerts);
            assertEquals("payment", page.getRootCauses().get(0).getService());
        }
    }
}
