package io.auspex.infra.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a real standalone cluster (separate JobManager and TaskManager processes),
 * through failures: a TaskManager killed with SIGKILL, and a stop with savepoint followed by a
 * restart from it. Either way the job finishes and every alert is on the topic exactly once.
 */
@Tag("slow")
class TaskManagerFailureTest {

    static EmbeddedKafka brokerWith(SimulatorConfig scenario) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        kafka.createTopics(TelemetryTopics.DEFAULTS.all());
        kafka.createTopics("telemetry.signals", "telemetry.alerts", "telemetry.slo-status", "telemetry.dlq");
        KafkaTelemetryProducer.produce(new TelemetrySimulator(scenario), kafka.bootstrapServers());
        return kafka;
    }

    static String[] jobArgs(EmbeddedKafka kafka, Path slo) {
        return new String[] {"--auspex.kafka.bootstrap-servers", kafka.bootstrapServers(),
            "--auspex.slo.file", slo.toString(), "--auspex.sources.bounded", "true",
            "--auspex.sources.from-earliest", "true"};
    }

    static void assertPaymentPaged(List<Alert> alerts) {
        Alert page = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING
                && a.getSeverity() == Severity.PAGE && a.getService().equals("payment")).findFirst().orElse(null);
        assertNotNull(page, () -> "no page for payment: " + alerts);
        assertEquals("payment", page.getRootCauses().get(0).getService());
    }

    @Test
    void jobRestoresAfterATaskManagerIsKilledAndAlertsStayExactlyOnce(@TempDir Path dir) throws Exception {
        long start = System.currentTimeMillis() - Duration.ofMinutes(65).toMillis();
        try (EmbeddedKafka kafka = brokerWith(Scenarios.errorBurst("payment", 0.3, 7L, start));
                LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"))) {
            String job = cluster.submit(jobArgs(kafka, LocalPipeline.defaultSloFile(dir)));
            cluster.awaitCompletedCheckpoint(job, Duration.ofMinutes(3));
            cluster.script("kill-taskmanager");
            cluster.script("start-taskmanager");
            assertEquals("FINISHED", cluster.awaitEnd(job, Duration.ofMinutes(5)), () -> cluster.log("jobmanager.log"));
            assertTrue(cluster.get("/jobs/" + job + "/checkpoints").path("counts").path("restored").asInt() >= 1,
                    "the job restored from a checkpoint");
            assertPaymentPaged(LocalCluster.alertsExactlyOnce(kafka.bootstrapServers()));
        }
    }

    /**
     * Unbounded sources, as in production: the job is stopped with a savepoint while it works
     * through the demo's telemetry, restarted from it, and cancelled once the alerts of the last
     * incident (after the savepoint) are committed; closing the cluster ends it.
     */
    @Test
    void jobStoppedWithASavepointResumesFromItAndAlertsStayExactlyOnce(@TempDir Path dir) throws Exception {
        long start = System.currentTimeMillis() - Scenarios.DEMO_DURATION.toMillis() - Duration.ofMinutes(5).toMillis();
        try (EmbeddedKafka kafka = brokerWith(Scenarios.demo(42L, start).toBuilder().badRecordCount(0).build());
                LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"))) {
            String[] args = {"--auspex.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--auspex.slo.file", LocalPipeline.defaultSloFile(dir).toString(),
                "--auspex.sources.from-earliest", "true"};
            String first = cluster.submit(args);
            cluster.awaitCompletedCheckpoint(first, Duration.ofMinutes(3));
            String location = cluster.stopWithSavepoint(first, dir.resolve("savepoints").toUri().toString());
            String[] resume = new String[args.length + 2];
            resume[0] = "-s";
            resume[1] = location;
            System.arraycopy(args, 0, resume, 2, args.length);
            String second = cluster.submit(resume);
            // the catalog saturation starts at +140 min: its alerts come from the restored job
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (LocalCluster.alertsExactlyOnce(kafka.bootstrapServers()).stream()
                    .noneMatch(a -> a.getStatus() == AlertStatus.FIRING && a.getEventTimeMs() > start + 140 * 60_000L)) {
                assertTrue(System.nanoTime() < deadline, () -> "no alert after the savepoint: "
                        + cluster.log("jobmanager.log"));
                Thread.sleep(2000);
            }
            assertTrue(cluster.get("/jobs/" + second + "/checkpoints").path("latest").path("restored")
                    .path("is_savepoint").asBoolean(), "the second job started from the savepoint");
            assertPaymentPaged(LocalCluster.alertsExactlyOnce(kafka.bootstrapServers()));
        }
    }
}
