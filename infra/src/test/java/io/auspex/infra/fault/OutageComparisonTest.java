package io.auspex.infra.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auspex.infra.fault.OutputComparison.Diff;
import io.auspex.infra.fault.OutputComparison.Outputs;
import io.auspex.infra.fault.OutputComparison.Topics;
import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulationResult;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.schemas.AlertStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a real standalone cluster (separate JobManager and TaskManager processes), run
 * on one simulated input undisturbed and then through faults, each disturbed run compared with
 * the undisturbed one output by output (issue 10, "Outputs that are the same after a restore"):
 * a TaskManager killed with SIGKILL, the broker unreachable for 10 s, the broker unreachable
 * for longer than the producers' delivery timeout (and max.block.ms), which restarts the job, a
 * stop-with-savepoint upgrade, and the JobManager killed with SIGKILL.
 *
 * <p>The cluster runs with ZooKeeper high availability for every case, as a production cluster
 * does ({@link LocalCluster#start(Path, boolean)}: a ZooKeeper server process, the job graph and
 * checkpoint pointers kept in ZooKeeper and the HA storage directory): without it a JobManager
 * lost is a job lost.
 *
 * <p>The broker is reached through a {@link KafkaProxy}: it has an extra listener, advertised at
 * the proxy's address, and the job's clients bootstrap from the proxy, so cutting the proxy cuts
 * the job off the broker (existing connections closed, new ones refused) while the broker and the
 * test's own clients (the direct listener) carry on.
 *
 * <p>What must hold after each fault: the job finishes; the alerts (exactly-once) are the
 * undisturbed run's, transition for transition and field for field (status, fingerprint,
 * service, labels, annotations, root-cause hints with their evidence, incident id), none lost or
 * repeated; the at-least-once outputs (signals, SLO statuses, dead letters) lose nothing and
 * change nothing, and every repeated record is an exact copy under its record id; the repeats are
 * counted and printed with the restarts and the recovery time. Signals are compared without the
 * two fields that depend on arrival order within a window (exemplar trace ids, error log
 * templates; see {@link OutputComparison#signalsContent}).
 *
 * <p>The producers' timeouts are lowered for every run (the same settings undisturbed and
 * disturbed) through the job's {@code auspex.kafka.properties.*} pass-through, so the long outage
 * need not outlast Kafka's defaults: {@code delivery.timeout.ms} 20 s (default 120 s) and
 * {@code max.block.ms} 20 s (default 60 s). An at-least-once sink fails once records it holds are
 * delivery.timeout.ms old; max.block.ms bounds the alert sink's InitProducerId, which it runs for
 * a new transactional id at every checkpoint. Lowering only the delivery timeout was not enough:
 * in one 35 s outage no sink failed, the checkpoint taken in the outage waited 34 s for the
 * broker, and the job went on without a restart.
 *
 * <p>The outage runs have a supervisor that replaces the TaskManager process when it exits
 * ({@link LocalCluster#superviseTaskManager()}), as Kubernetes or systemd would. When the long
 * outage fails a sink, the at-least-once sinks of other tasks may hold send failures of their own
 * (their records expired too), and the connector's {@code KafkaWriter.close()} rethrows such a
 * failure while Flink cancels the task; Flink treats an exception in a cancelled task's clean-up
 * as fatal to the TaskManager ("FATAL - exception in exception handler of task ..."), which used
 * to exit (4 of 5 runs). The pipeline's sinks are {@code QuietCloseSink}s, whose writers log that
 * failure instead, so the long outage asserts that the TaskManager no longer exits.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageComparisonTest {
    /** The broker listener the job uses, advertised at the proxy's address. */
    static final String PROXIED = "PROXIED";
    /**
     * The producers' delivery.timeout.ms (Kafka's default 120 s): an at-least-once sink's records
     * still unacknowledged after it fail the sink.
     */
    static final long DELIVERY_TIMEOUT_MS = 20_000;
    /** Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms (default 30 s). */
    static final long REQUEST_TIMEOUT_MS = 15_000;
    /**
     * The producers' max.block.ms (Kafka's default 60 s): the exactly-once alert sink starts a
     * transaction with a new transactional id at every checkpoint (initTransactions), which waits
     * this long for the broker before it fails the checkpoint and the task.
     */
    static final long MAX_BLOCK_MS = 20_000;
    static final Duration SHORT_OUTAGE = Duration.ofSeconds(10);
    /** Longer than both timeouts, with a checkpoint interval (5 s) and some slack. */
    static final Duration LONG_OUTAGE = Duration.ofMillis(Math.max(DELIVERY_TIMEOUT_MS, MAX_BLOCK_MS)).plusSeconds(20);
    static final int MALFORMED = 20;

    private Path dir;
    private KafkaProxy proxy;
    private EmbeddedKafka kafka;
    private LocalCluster cluster;
    private SimulationResult input;
    private long inputMessages;
    private Run baseline;

    /**
     * When a fault began and ended (epoch ms), and what it was; {@code nextJob}: the job that goes on
     * from there when the fault replaced it (a restore from a savepoint), else null.
     */
    record Fault(String what, long startMs, long endMs, String nextJob, long runningAgainMs) {
        Fault(String what, long startMs, long endMs) {
            this(what, startMs, endMs, null);
        }

        Fault(String what, long startMs, long endMs, String nextJob) {
            this(what, startMs, endMs, nextJob, -1);
        }
    }

    /** Disturbs running job {@code job}, submitted with {@code args}. */
    @FunctionalInterface
    interface Disturbance {
        Fault apply(String job, String[] args) throws Exception;
    }

    /** One run: what it wrote, how it ended, and what the fault did to it. */
    record Run(String name, String job, Outputs outputs, String state, long restarts, long checkpoints,
            long restoredMs, Fault fault, double committedAtFault, OptionalLong firstCheckpointAfterFault,
            long wallMs, List<String> failures, List<Long> taskManagerExitsMs) {
        String recovery() {
            if (fault == null) {
                return "";
            }
            String s = String.format("fault %s at %.0f%% of the input committed; restarts %d; ", fault.what(),
                    100 * committedAtFault, restarts);
            for (long t : taskManagerExitsMs) {
                s += String.format("the TaskManager process exited, found %.1f s after the fault began and replaced"
                        + " by the supervisor; ", (t - fault.startMs()) / 1000.0);
            }
            if (restoredMs > 0) {
                s += String.format("restored from a checkpoint %.1f s after the fault began; ",
                        (restoredMs - fault.startMs()) / 1000.0);
            }
            if (fault.runningAgainMs() > 0) {
                s += String.format("every task running again %.1f s after the fault began; ",
                        (fault.runningAgainMs() - fault.startMs()) / 1000.0);
            }
            if (firstCheckpointAfterFault.isPresent()) {
                s += String.format("first checkpoint completed %.1f s after the fault ended (%.1f s after it began)",
                        (firstCheckpointAfterFault.getAsLong() - fault.endMs()) / 1000.0,
                        (firstCheckpointAfterFault.getAsLong() - fault.startMs()) / 1000.0);
            } else {
                s += "no checkpoint completed after the fault";
            }
            return s;
        }
    }

    static SimulatorConfig scenario(long startMs) {
        return Scenarios.errorBurst("payment", 0.3, 7L, startMs).toBuilder().badRecordCount(MALFORMED).build();
    }

    @BeforeAll
    void startAndRunUndisturbed(@TempDir Path tmp) throws Exception {
        dir = tmp;
        proxy = KafkaProxy.open();
        Map<String, String> listeners = new HashMap<>();
        listeners.put("listeners", "EXTERNAL://localhost:0," + PROXIED + "://localhost:0,CONTROLLER://localhost:0");
        listeners.put("listener.security.protocol.map",
                "EXTERNAL:PLAINTEXT," + PROXIED + ":PLAINTEXT,CONTROLLER:PLAINTEXT");
        listeners.put("advertised.listeners", "EXTERNAL://localhost:0," + PROXIED + "://" + proxy.address());
        kafka = EmbeddedKafka.start(EmbeddedKafka.DEFAULT_PARTITIONS, listeners);
        proxy.forwardTo(kafka.boundPort(PROXIED));
        kafka.createTopics(TelemetryTopics.DEFAULTS.all());
        long start = System.currentTimeMillis() - Duration.ofMinutes(65).toMillis();
        input = KafkaTelemetryProducer.produce(new TelemetrySimulator(scenario(start)), kafka.bootstrapServers());
        inputMessages = endOffsets(TelemetryTopics.DEFAULTS.all()).values().stream().mapToLong(Long::longValue).sum();
        System.out.println("OUTAGE input: " + input + "; " + inputMessages + " Kafka records (OTLP batches); load average "
                + loadAverage());
        // under target/, not the temporary directory: the cluster's logs outlive a failed run
        Path clusterDir = Path.of("target", "outage-comparison-cluster").toAbsolutePath();
        deleteRecursively(clusterDir);
        cluster = LocalCluster.start(clusterDir, true);
        baseline = run("undisturbed", false, null);
        print(baseline, null);

        Outputs b = baseline.outputs();
        assertEquals("FINISHED", baseline.state());
        assertTrue(b.alerts().stream().anyMatch(a -> a.getStatus() == AlertStatus.FIRING
                && !a.getRootCauses().isEmpty() && a.getIncidentId() != null),
                () -> "no firing alert with root causes and an incident id: " + b.alerts());
        assertTrue(b.signals().size() > 100, "signals: " + b.signals().size());
        assertEquals(0, OutputComparison.duplicates(b.alerts(), OutputComparison::alertKey), "alerts repeated");
        assertEquals(0, OutputComparison.duplicates(b.signals(), OutputComparison::signalsKey), "signals repeated");
        assertEquals(0, OutputComparison.duplicates(b.statuses(), OutputComparison::statusKey), "statuses repeated");
        assertEquals(0, OutputComparison.duplicates(b.deadLetters(), OutputComparison::deadLetterKey),
                "dead letters repeated");
        assertEquals(MALFORMED, b.deadLetters().size(), "one dead letter per malformed record");
        assertEquals(0, baseline.restarts(), "the undisturbed run restarted");
    }

    @AfterAll
    void stop() throws Exception {
        try (AutoCloseable k = kafka; AutoCloseable p = proxy; AutoCloseable c = cluster) {
            // closed in reverse order: cluster, proxy, broker
        }
    }

    @Test
    void aKilledTaskManagerChangesNoOutput() throws Exception {
        Run r = run("tm-kill", false, (job, args) -> {
            long t0 = System.currentTimeMillis();
            cluster.script("kill-taskmanager");
            cluster.script("start-taskmanager");
            return new Fault("TaskManager killed (SIGKILL), a new one started", t0, System.currentTimeMillis());
        });
        List<Diff> diffs = print(r, baseline);
        assertTrue(r.restarts() >= 1 && r.restoredMs() > 0, () -> "the job did not restore: " + r.recovery());
        assertSameOutputs(r, diffs);
    }

    @Test
    void aBrokerUnreachableForTenSecondsChangesNoOutput() throws Exception {
        Run r = run("outage-short", true, (job, args) -> outage(SHORT_OUTAGE));
        List<Diff> diffs = print(r, baseline);
        assertEquals(0, r.restarts(), () -> "an outage shorter than the client timeouts restarts nothing: "
                + r.recovery() + " " + r.failures());
        assertSameOutputs(r, diffs);
    }

    @Test
    void aBrokerUnreachableForLongerThanTheDeliveryTimeoutRestartsTheJobAndChangesNoOutput() throws Exception {
        Run r = run("outage-long", true, (job, args) -> outage(LONG_OUTAGE));
        List<Diff> diffs = print(r, baseline);
        assertTrue(r.restarts() >= 1, () -> "an outage longer than the delivery timeout restarts the job: "
                + r.recovery());
        // the Kafka writers' failing close() no longer takes the TaskManager down (QuietCloseSink)
        assertEquals(List.of(), r.taskManagerExitsMs(), "the TaskManager process exited during the restart");
        assertSameOutputs(r, diffs);
    }

    /**
     * An upgrade as an operator does it: stop with a savepoint, then start a changed job from it, here
     * at parallelism 1 instead of 2 (every keyed, union and broadcast state redistributed) and with
     * the evidence operator's heap cache off (its state read from RocksDB as the cache wrote it).
     *
     * <p>A bounded Kafka source restored from a savepoint never finishes (the connector does not
     * signal its readers that no splits are left: FLINK-33466, FLINK-31006, open in the connector
     * this project uses). So once the restored job has consumed and checkpointed every input record,
     * the test ends it as an operator ends a job for good: a stop with a drained savepoint, which
     * fires every window and timer as the end of a bounded input does.
     */
    @Test
    void aStopWithSavepointAndARestoreOfAChangedJobChangesNoOutput() throws Exception {
        Run r = run("upgrade", false, (job, args) -> {
            long t0 = System.currentTimeMillis();
            String savepoint = cluster.stopWithSavepoint(job, dir.resolve("savepoints").toUri().toString());
            assertEquals("FINISHED", cluster.awaitEnd(job, Duration.ofMinutes(2)), "stopped with a savepoint");
            List<String> changed = new ArrayList<>(List.of(args));
            changed.addAll(List.of("--auspex.anomaly.state-cache-services", "0"));
            String next = cluster.submit(List.of("-s", savepoint, "-p", "1"), changed.toArray(new String[0]));
            try {
                awaitInputConsumed("outage-upgrade", Duration.ofMinutes(5));
                cluster.stopWithSavepoint(next, dir.resolve("savepoints-final").toUri().toString(), true);
            } catch (Throwable t) {
                cluster.cancel(next); // a job left running would hold the slots the next cases need
                throw t;
            }
            return new Fault("stopped with a savepoint, restored at parallelism 1 with the evidence cache off, "
                    + "ended with a drained savepoint", t0, System.currentTimeMillis(), next);
        });
        List<Diff> diffs = print(r, baseline);
        assertSameOutputs(r, diffs);
    }

    /**
     * The JobManager killed with SIGKILL once a checkpoint has completed, and a new one started at
     * once (as a supervisor would). With ZooKeeper HA the new JobManager becomes leader once the
     * killed one's ZooKeeper session has expired (session timeout 15 s in this cluster), recovers
     * the job under the same id from the latest checkpoint, and the TaskManager (the same process)
     * registers with it.
     *
     * <p>As after the upgrade's restore, the bounded Kafka source's enumerator is restored from the
     * checkpoint and may never signal its readers the end (FLINK-33466, FLINK-31006). So once the
     * input is consumed the test gives the job 30 s to finish by itself and, if it does not, ends
     * it with a drained savepoint; the fault's description says which happened.
     */
    @Test
    void aKilledJobManagerChangesNoOutput() throws Exception {
        assertTrue(cluster.highAvailability(), "the cluster runs without high availability");
        Run r = run("jm-kill", false, (job, args) -> {
            long jobManager = cluster.jobManagerPid();
            long taskManager = cluster.taskManagerPid();
            long t0 = System.currentTimeMillis();
            cluster.killJobManager();
            cluster.startJobManager();
            long started = System.currentTimeMillis();
            assertNotEquals(jobManager, cluster.jobManagerPid(), "a new JobManager process");
            String ending;
            long runningAgain;
            try {
                // the same job id, recovered by the new JobManager
                runningAgain = cluster.awaitRunning(job, Duration.ofMinutes(3));
                assertEquals(taskManager, cluster.taskManagerPid(), "the TaskManager process was replaced");
                assertTrue(ProcessHandle.of(taskManager).map(ProcessHandle::isAlive).orElse(false),
                        "the TaskManager process exited");
                awaitInputConsumed("outage-jm-kill", Duration.ofMinutes(5));
                String end = endState(job, Duration.ofSeconds(30));
                if (end != null) {
                    ending = "the job ended by itself (" + end + ")";
                } else {
                    cluster.stopWithSavepoint(job, dir.resolve("savepoints-jm-kill").toUri().toString(), true);
                    ending = "the restored job did not end by itself within 30 s of consuming its input, "
                            + "ended with a drained savepoint";
                }
            } catch (Throwable t) {
                cluster.cancel(job); // a job left running would hold the slots the next cases need
                throw t;
            }
            System.out.println("OUTAGE jm-kill: " + ending);
            return new Fault("JobManager killed (SIGKILL), a new one started at once; " + ending, t0, started, null,
                    runningAgain);
        });
        List<Diff> diffs = print(r, baseline);
        assertTrue(r.restoredMs() > r.fault().startMs(),
                () -> "the new JobManager did not restore the job from a checkpoint: " + r.recovery());
        assertSameOutputs(r, diffs);
    }

    /** The state {@code job} ended in within {@code timeout}, or null if it still runs. */
    private String endState(String job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String state = cluster.get("/jobs/" + job).path("state").asText();
            if (state.equals("FINISHED") || state.equals("FAILED") || state.equals("CANCELED")) {
                return state;
            }
            Thread.sleep(500);
        }
        return null;
    }

    private Fault outage(Duration length) throws Exception {
        long t0 = System.currentTimeMillis();
        proxy.down();
        Thread.sleep(length.toMillis());
        proxy.up();
        return new Fault("broker unreachable for " + length.toSeconds() + " s", t0, System.currentTimeMillis());
    }

    private void assertSameOutputs(Run r, List<Diff> diffs) {
        assertEquals("FINISHED", r.state(), () -> r.name() + ": " + r.failures());
        Diff alerts = diffs.get(0);
        assertTrue(alerts.identical(), () -> "alerts are not exactly the undisturbed run's:\n" + alerts.line());
        for (Diff d : diffs.subList(1, diffs.size())) {
            assertTrue(d.sameAfterDeduplication(), () -> d.output() + " lost or changed records:\n" + d.line());
        }
    }

    private List<Diff> print(Run r, Run base) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("OUTAGE run %s: %s in %.1f s, %d checkpoints, restarts %d (load average after: %s)%n",
                r.name(), r.state(), r.wallMs() / 1000.0, r.checkpoints(), r.restarts(), loadAverage()));
        if (r.fault() != null) {
            out.append("  ").append(r.recovery()).append('\n');
        }
        // Flink lists the newest failure first
        List<String> failures = new ArrayList<>(r.failures());
        java.util.Collections.reverse(failures);
        failures.stream().limit(6).forEach(f -> out.append("  failure: ").append(f).append('\n'));
        if (failures.size() > 6) {
            out.append("  ... and ").append(failures.size() - 6).append(" more failures\n");
        }
        List<Diff> diffs = new ArrayList<>();
        if (base != null) {
            Outputs a = base.outputs();
            Outputs b = r.outputs();
            diffs.add(OutputComparison.compare("alerts", a.alerts(), b.alerts(), OutputComparison::alertKey,
                    OutputComparison::alertContent));
            diffs.add(OutputComparison.compare("signals", a.signals(), b.signals(), OutputComparison::signalsKey,
                    OutputComparison::signalsContent));
            diffs.add(OutputComparison.compare("slo-status", a.statuses(), b.statuses(), OutputComparison::statusKey,
                    s -> s));
            diffs.add(OutputComparison.compare("dead-letters", a.deadLetters(), b.deadLetters(),
                    OutputComparison::deadLetterKey, OutputComparison::deadLetterContent));
            diffs.forEach(d -> out.append("  ").append(d.line()).append('\n'));
            // for information: the signals compared whole, arrival-order fields (exemplars, error templates) included
            Diff whole = OutputComparison.compare("signals (whole records)", a.signals(), b.signals(),
                    OutputComparison::signalsKey, s -> s);
            out.append(String.format("  signals compared whole (exemplar trace ids and error log templates included):"
                    + " changed %d, copies differing %d%n", whole.changed(), whole.copiesDiffering()));
            out.append(String.format("OUTAGE case=%s records_in=%d kafka_records_in=%d", r.name(), input.records(),
                    inputMessages));
            for (Diff d : diffs) {
                out.append(String.format(" %s=%d/%d lost=%d extra=%d dup=%d changed=%d", d.output(), d.distinct(),
                        d.baseline(), d.lost(), d.extra(), d.duplicated(), d.changed() + d.copiesDiffering()));
            }
            out.append(String.format(" restarts=%d tm_exits=%d recovery_s=%s", r.restarts(),
                    r.taskManagerExitsMs().size(),
                    r.firstCheckpointAfterFault().isPresent() ? String.format("%.1f",
                            (r.firstCheckpointAfterFault().getAsLong() - r.fault().endMs()) / 1000.0) : "none"));
            if (r.fault().runningAgainMs() > 0) {
                // from the kill to every task running on the new JobManager
                out.append(String.format(" running_again_s=%.1f", (r.fault().runningAgainMs() - r.fault().startMs())
                        / 1000.0));
            }
            out.append(String.format(" run_s=%.1f%n", r.wallMs() / 1000.0));
        } else {
            Outputs b = r.outputs();
            out.append(String.format("  wrote %d alert transitions, %d signals rows, %d SLO statuses, %d dead letters%n",
                    b.alerts().size(), b.signals().size(), b.statuses().size(), b.deadLetters().size()));
        }
        System.out.print(out);
        return diffs;
    }

    /**
     * Runs the job on the input with its own output topics, group id and transactional ids,
     * applies {@code disturbance} (if any) once a checkpoint has completed, and waits for the job
     * to end. {@code supervised}: a supervisor replaces the TaskManager process whenever it exits.
     */
    private Run run(String name, boolean supervised, Disturbance disturbance) throws Exception {
        Topics t = Topics.of(name);
        kafka.createTopics(t.all());
        String group = "outage-" + name;
        String[] args = {"--auspex.kafka.bootstrap-servers", proxy.address(),
            "--auspex.slo.file", LocalPipeline.defaultSloFile(dir).toString(),
            "--auspex.sources.bounded", "true", "--auspex.sources.from-earliest", "true",
            "--auspex.kafka.group-id", group, "--auspex.sink.transactional-id-prefix", group,
            "--auspex.topics.signals", t.signals(), "--auspex.topics.alerts", t.alerts(),
            "--auspex.topics.slo-status", t.sloStatus(), "--auspex.topics.dlq", t.deadLetters(),
            "--auspex.kafka.properties.delivery.timeout.ms", Long.toString(DELIVERY_TIMEOUT_MS),
            "--auspex.kafka.properties.request.timeout.ms", Long.toString(REQUEST_TIMEOUT_MS),
            "--auspex.kafka.properties.max.block.ms", Long.toString(MAX_BLOCK_MS)};
        long started = System.currentTimeMillis();
        String job = cluster.submit(List.of(), args);
        Fault fault = null;
        double committed = -1;
        String state;
        JobMonitor monitor = JobMonitor.start(cluster, job);
        LocalCluster.Supervisor supervisor = supervised ? cluster.superviseTaskManager() : null;
        try {
            if (disturbance != null) {
                cluster.awaitCompletedCheckpoint(job, Duration.ofMinutes(3));
                committed = committedShare(group);
                fault = disturbance.apply(job, args);
                assertTrue(proxy.isUp(), "the proxy is up again after the fault");
                if (fault.nextJob() != null) {
                    monitor.close();
                    job = fault.nextJob();
                    monitor = JobMonitor.start(cluster, job);
                }
            }
            state = cluster.awaitEnd(job, Duration.ofMinutes(8));
        } finally {
            monitor.close();
            if (supervisor != null) {
                supervisor.close();
            }
        }
        long wall = System.currentTimeMillis() - started;
        List<String> failures = new ArrayList<>();
        JsonNode entries = cluster.get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries");
        for (JsonNode e : entries) {
            String first = e.path("stacktrace").asText().lines().findFirst().orElse(e.path("exceptionName").asText());
            failures.add((first.length() > 240 ? first.substring(0, 240) + "..." : first) + " (" + e.path("taskName")
                    .asText("") + ")");
        }
        Outputs outputs = Outputs.read(kafka.bootstrapServers(), name, t);
        return new Run(name, job, outputs, state, monitor.restarts(), monitor.checkpointsCompleted(),
                monitor.lastRestoreMs(), fault, committed,
                fault == null ? OptionalLong.empty() : monitor.firstCheckpointAfter(fault.endMs()), wall, failures,
                supervisor == null ? List.of() : supervisor.restartsAtMs());
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        if (java.nio.file.Files.exists(p)) {
            try (var walk = java.nio.file.Files.walk(p)) {
                for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(q);
                }
            }
        }
    }

    /**
     * Waits until the job of {@code group} has read its whole input: its committed offsets reach the
     * input's end, or stop moving for 20 s (four checkpoints) once they are past the middle (a split
     * that finished just before a savepoint may never have its last offset committed).
     */
    private void awaitInputConsumed(String group, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        double last = -1;
        long stableSince = System.nanoTime();
        while (true) {
            double share = committedShare(group);
            if (share >= 1.0) {
                return;
            }
            if (share != last) {
                last = share;
                stableSince = System.nanoTime();
            } else if (share > 0.5 && System.nanoTime() - stableSince > Duration.ofSeconds(20).toNanos()) {
                System.out.printf("OUTAGE %s: committed offsets stable at %.1f %% of the input for 20 s%n", group,
                        100 * share);
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the job did not consume its input: " + share);
            Thread.sleep(500);
        }
    }

    /** The share of the input's Kafka records the job's group has committed (the sources commit on checkpoints). */
    private double committedShare(String group) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long done = offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
            return inputMessages == 0 ? 0 : (double) done / inputMessages;
        }
    }

    private Map<TopicPartition, Long> endOffsets(String... topics) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            admin.describeTopics(List.of(topics)).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> req.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }
}
