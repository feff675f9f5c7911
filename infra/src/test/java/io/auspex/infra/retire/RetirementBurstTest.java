package io.auspex.infra.retire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetrySink;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.infra.sim.Topology;
import io.auspex.jobs.PipelineJob;
import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.ServiceAdmission;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.slo.SloSet;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Span;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job across a cardinality burst and the burst's retirement (issue 10, "state that
 * shrinks again"): the pipeline runs unbounded on a MiniCluster (RocksDB, incremental exactly-once
 * checkpoints, parallelism 2) while the test writes simulated telemetry phase by phase, waiting
 * after each phase until the job has consumed it and completed a checkpoint, whose full state size
 * it records:
 *
 * <ol>
 *   <li>the shop's 9 services alone;
 *   <li>a burst: each trace and each instance's gauges go to one of {@value #COPIES_A} copies of the
 *       shop (copy 0 the shop itself, the others services of their own names), more services than
 *       {@code auspex.limits.max-services} ({@value #MAX_SERVICES}) admits;
 *   <li>the shop alone for {@link #QUIET}: longer than {@code auspex.anomaly.retire-after}
 *       ({@link #RETIRE_AFTER}) plus the coarsest retirement grain in the job (the evidence's hourly
 *       timers) and the edge TTL (1 h), so every burst service retires;
 *   <li>a second burst of {@value #COPIES_B} copies under new names, fewer than the slots the
 *       retirement freed, then the shop alone.
 * </ol>
 *
 * What must hold: the burst grows the live state (a savepoint in the canonical format) and its
 * retirement takes it back to within 1.5x of the shop's alone; the first burst is refused over
 * the limit (dead letters {@code service_limit}) and the second, after the retirement, is admitted
 * whole (no refusal, every one of its services in the signals). The figures, with the checkpoint's
 * full size per task and the heap after a full collection, are printed ({@code RETIRE ...} lines)
 * for docs/benchmarks.md.
 */
@Tag("burst")
class RetirementBurstTest {
    static final Duration RETIRE_AFTER = Duration.ofMinutes(10);
    static final int MAX_SERVICES = 2_000;
    static final int COPIES_A = 300;
    static final int COPIES_B = 100;
    static final Duration BEFORE = Duration.ofMinutes(5);
    static final Duration BURST = Duration.ofMinutes(10);
    static final Duration QUIET = Duration.ofMinutes(85);
    static final Duration BURST_B = Duration.ofMinutes(5);
    static final Duration AFTER = Duration.ofMinutes(5);
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    /** A phase is measured once a window this far before its end has fired (10 s windows, 5 s out-of-orderness). */
    static final Duration WATERMARK_SLACK = Duration.ofSeconds(20);

    /** What a phase left: the first checkpoint completed after the job had consumed it. */
    record Measure(String phase, long checkpointId, long stateBytes, Map<String, Long> byTask, long savepointBytes,
            long heapBytes, long eventMs) {}

    @Test
    void aBurstOfServicesRetiresTheStateShrinksBackAndTheFreedSlotsAdmitNewServices(@TempDir Path dir)
            throws Exception {
        List<String> shop = Topology.standard().serviceNames();
        long start = (System.currentTimeMillis() - BEFORE.plus(BURST).plus(QUIET).plus(BURST_B).plus(AFTER)
                .plusMinutes(5).toMillis()) / 60_000 * 60_000;
        long burstA = start + BEFORE.toMillis();
        long quiet = burstA + BURST.toMillis();
        long burstB = quiet + QUIET.toMillis();
        long after = burstB + BURST_B.toMillis();
        long end = after + AFTER.toMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(TelemetryTopics.DEFAULTS.all());
            kafka.createTopics("retire.signals", "retire.alerts", "retire.slo-status", "retire.dlq");
            Map<String, String> m = new HashMap<>();
            m.put(AuspexOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
            m.put(AuspexOptions.SLO_FILE.key(), LocalPipeline.defaultSloFile(dir).toString());
            m.put(AuspexOptions.BOUNDED.key(), "false");
            m.put(AuspexOptions.FROM_EARLIEST.key(), "true");
            m.put(AuspexOptions.GROUP_ID.key(), "retire");
            m.put(AuspexOptions.TRANSACTIONAL_ID_PREFIX.key(), "retire");
            m.put(AuspexOptions.SIGNALS_TOPIC.key(), "retire.signals");
            m.put(AuspexOptions.ALERTS_TOPIC.key(), "retire.alerts");
            m.put(AuspexOptions.SLO_STATUS_TOPIC.key(), "retire.slo-status");
            m.put(AuspexOptions.DLQ_TOPIC.key(), "retire.dlq");
            m.put(AuspexOptions.RETIRE_AFTER.key(), RETIRE_AFTER.toMinutes() + " min");
            m.put(AuspexOptions.MAX_SERVICES.key(), Integer.toString(MAX_SERVICES));
            PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(m));
            Configuration flink = PipelineJob.flinkConfiguration(dir.resolve("checkpoints").toUri().toString(),
                    CHECKPOINT_INTERVAL);
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(flink);
            env.setParallelism(LocalPipeline.PARALLELISM);
            env.setMaxParallelism(cfg.get(AuspexOptions.MAX_PARALLELISM));
            PipelineJob.define(env, cfg, SloSet.load(LocalPipeline.defaultSloFile(dir)),
                    ModelWindowScorer.fromConfig(cfg), KafkaIo.pipelineIo(cfg));
            JobGraph graph = env.getStreamGraph().getJobGraph(RetirementBurstTest.class.getClassLoader(), null);
            JobID job = graph.getJobID();

            Set<String> servicesA = new HashSet<>();
            Set<String> servicesB = new HashSet<>();
            long[] rows = new long[1];
            Configuration conf = new Configuration();
            conf.setString("taskmanager.memory.managed.size", "256m");
            conf.setString("rest.bind-port", "0");
            List<Measure> measures = new ArrayList<>();
            try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                    .setNumTaskManagers(1).setNumSlotsPerTaskManager(LocalPipeline.PARALLELISM).build())) {
                cluster.start();
                cluster.submitJob(graph).get(60, TimeUnit.SECONDS);
                Map<Long, String> phases = new TreeMap<>(Map.of(burstA, "shop alone", quiet, "burst",
                        burstB, "after the retirement", end, "second burst and after"));
                SimulatorConfig sim = SimulatorConfig.builder().scenarioName("retire").seed(11).startMs(start)
                        .duration(Duration.ofMillis(end - start)).baseRequestRate(5).peakToTrough(1.0).build();
                long t0 = System.nanoTime();
                // batches sent after every simulated second, as the Collector's batch processor sends on its timeout
                try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers())
                                .flushingEverySecond();
                        TopicReader<ServiceSignals> signals = new TopicReader<>(kafka.bootstrapServers(),
                                "retire.signals", ServiceSignals.class)) {
                    Bursts sink = new Bursts(producer, shop, List.of(new Burst(burstA, quiet, "a", COPIES_A),
                            new Burst(burstB, after, "b", COPIES_B)), phases, (phase, eventMs) -> {
                                producer.flush();
                                awaitWatermark(signals, shop, eventMs - WATERMARK_SLACK.toMillis(), phase, rows,
                                        servicesA, servicesB);
                                measures.add(measure(cluster, job, kafka, phase, eventMs,
                                        dir.resolve("savepoints").resolve(Integer.toString(measures.size()))));
                            });
                    new TelemetrySimulator(sim).run(sink);
                    sink.finish(end);
                }
                System.out.printf(Locale.ROOT, "RETIRE run: %.1f s; load average %s%n", (System.nanoTime() - t0) / 1e9,
                        java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
                cluster.cancelJob(job).get(60, TimeUnit.SECONDS);
            }

            Map<String, Long> refused = new TreeMap<>();
            try (TopicReader<DeadLetter> r = new TopicReader<>(kafka.bootstrapServers(), "retire.dlq",
                    DeadLetter.class)) {
                r.readToEnd(Duration.ofMillis(500), d -> {
                    refused.merge(d.getReason().toString() + (d.getTimestampMs() < burstB ? " before the second burst"
                            : " from the second burst"), 1L, Long::sum);
                    if (d.getReason().toString().equals("late")) {
                        long minute = (d.getTimestampMs() - start) / 60_000;
                        refused.merge("late " + d.getSourceTopic() + " minute " + minute, 1L, Long::sum);
                    }
                });
            }
            for (Measure x : measures) {
                System.out.printf(Locale.ROOT, "RETIRE phase=\"%s\" event_min=%d savepoint_bytes=%d (%.2f MB)"
                        + " checkpoint=%d state_bytes=%d (%.2f MB) heap_after_gc=%.1f MB by_task=%s%n", x.phase(),
                        (x.eventMs() - start) / 60_000, x.savepointBytes(), x.savepointBytes() / 1e6, x.checkpointId(),
                        x.stateBytes(), x.stateBytes() / 1e6, x.heapBytes() / 1e6, x.byTask());
            }
            System.out.printf(Locale.ROOT, "RETIRE signals rows=%d burst-a services in signals=%d of %d, burst-b %d of %d;"
                    + " dead letters %s%n", rows[0], servicesA.size(), shop.size() * (COPIES_A - 1), servicesB.size(),
                    shop.size() * (COPIES_B - 1), refused);

            assertEquals(4, measures.size(), "a measure per phase");
            long alone = measures.get(0).savepointBytes();
            long burst = measures.get(1).savepointBytes();
            long retired = measures.get(2).savepointBytes();
            assertTrue(burst > 3 * alone, () -> "the burst grows the state: " + measures);
            assertTrue(retired <= 1.5 * alone, () -> "the retired burst leaves its state behind: " + measures);
            String refusedKey = ServiceAdmission.REASON + " before the second burst";
            assertTrue(refused.getOrDefault(refusedKey, 0L) > 0, () -> "the first burst is over the limit: " + refused);
            assertTrue(servicesA.size() < shop.size() * (COPIES_A - 1), "not every service of the first burst admitted");
            assertEquals(0L, refused.getOrDefault(ServiceAdmission.REASON + " from the second burst", 0L),
                    () -> "the second burst fits in the slots the retirement freed: " + refused);
            assertEquals(shop.size() * (COPIES_B - 1), servicesB.size(), "every service of the second burst admitted");
        }
    }

    /**
     * Reads the signals written so far (counting rows and the bursts' services) until a shop service's
     * window ending at or after {@code untilMs} is among them: the watermark has passed it, so the
     * timers due before it have fired. In a replay a partition without records holds the watermark
     * back until it is idle ({@code auspex.watermarks.idleness}, 30 s of wall time), which is longer
     * than a phase takes to read.
     */
    private static void awaitWatermark(TopicReader<ServiceSignals> signals, List<String> shop, long untilMs,
            String phase, long[] rows, Set<String> servicesA, Set<String> servicesB) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long[] newest = {Long.MIN_VALUE};
        while (newest[0] < untilMs) {
            assertTrue(System.nanoTime() < deadline, () -> "the watermark did not pass the end of phase " + phase);
            signals.poll(Duration.ofMillis(500), s -> {
                rows[0]++;
                String name = s.getServiceName().toString();
                if (name.contains("-a")) {
                    servicesA.add(name);
                } else if (name.contains("-b")) {
                    servicesB.add(name);
                } else if (shop.contains(name)) {
                    newest[0] = Math.max(newest[0], s.getWindowEndMs());
                }
            });
        }
    }

    /**
     * Waits until the job's consumer group has committed every input record written so far, then
     * for the next completed checkpoint, and returns its full state size (whole and per task).
     */
    private static Measure measure(MiniCluster cluster, JobID job, EmbeddedKafka kafka, String phase, long eventMs,
            Path savepoints) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try (Admin admin = kafka.admin()) {
            while (true) {
                Map<TopicPartition, OffsetSpec> req = new HashMap<>();
                admin.describeTopics(List.of(TelemetryTopics.DEFAULTS.all())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .forEach((name, d) -> d.partitions().forEach(p ->
                                req.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                long endOffsets = admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).values().stream()
                        .mapToLong(i -> i.offset()).sum();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("retire")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                long done = committed.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset)
                        .sum();
                if (done >= endOffsets) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, () -> "the job did not consume phase " + phase);
                Thread.sleep(500);
            }
        }
        long seen = latest(cluster, job) == null ? -1 : latest(cluster, job).getCheckpointId();
        CompletedCheckpointStats next;
        while ((next = latest(cluster, job)) == null || next.getCheckpointId() <= seen) {
            assertTrue(System.nanoTime() < deadline, () -> "no checkpoint after phase " + phase);
            Thread.sleep(200);
        }
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
        Map<String, Long> byTask = new TreeMap<>();
        for (TaskStateStats t : next.getAllTaskStateStats()) {
            if (t.getStateSize() > 0) {
                byTask.put(graph.getJobVertex(t.getJobVertexId()).getName(), t.getStateSize());
            }
        }
        // a savepoint in the canonical format holds the live state only (a RocksDB checkpoint also holds what
        // was deleted but not yet compacted away)
        String savepoint = cluster.triggerSavepoint(job, savepoints.toUri().toString(), false,
                SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
        return new Measure(phase, next.getCheckpointId(), next.getStateSize(), byTask, size(Path.of(URI.create(savepoint))),
                heapAfterGc(), eventMs);
    }

    /**
     * The heap in use after a full collection: this JVM holds the broker, the MiniCluster and the
     * job (whose heap-held state, open windows and caches, it shows), the test's reader and producer.
     */
    private static long heapAfterGc() throws InterruptedException {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 2; i++) {
            memory.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long size(Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static CompletedCheckpointStats latest(MiniCluster cluster, JobID job) throws Exception {
        CheckpointStatsSnapshot stats = cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS)
                .getCheckpointStatsSnapshot();
        return stats == null ? null : stats.getHistory().getLatestCompletedCheckpoint();
    }

    /** A burst: between {@code fromMs} and {@code toMs}, the shop's traffic spread over {@code copies} copies. */
    record Burst(long fromMs, long toMs, String tag, int copies) {}

    /** Hears a phase's end (its name, the event time it ended at). */
    @FunctionalInterface
    interface PhaseEnd {
        void reached(String phase, long eventMs) throws Exception;
    }

    /**
     * The simulator's records to Kafka, renamed during the bursts: a trace goes whole to one copy
     * (chosen by its trace id; copy 0 keeps the shop's names, copy {@code i} names each service
     * {@code <service>-<tag><i>}), every gauge sample goes to every copy. At each phase boundary
     * (event time) it calls {@code phaseEnd} before the next record.
     */
    static final class Bursts implements TelemetrySink {
        private final TelemetrySink next;
        private final Set<String> shop;
        private final List<Burst> bursts;
        private final TreeMap<Long, String> phases;
        private final PhaseEnd phaseEnd;
        private int logTurn;

        Bursts(TelemetrySink next, List<String> shop, List<Burst> bursts, Map<Long, String> phases,
                PhaseEnd phaseEnd) {
            this.next = next;
            this.shop = Set.copyOf(shop);
            this.bursts = bursts;
            this.phases = new TreeMap<>(phases);
            this.phaseEnd = phaseEnd;
        }

        private Burst burst(long t) {
            for (Burst b : bursts) {
                if (t >= b.fromMs() && t < b.toMs()) {
                    return b;
                }
            }
            return null;
        }

        private String name(String service, Burst b, int copy) {
            return b == null || copy == 0 || !shop.contains(service) ? service : service + "-" + b.tag() + copy;
        }

        private static int copyOf(Burst b, CharSequence traceId) {
            return b == null ? 0 : Math.floorMod(traceId.toString().hashCode(), b.copies());
        }

        @Override
        public void span(Span span) {
            Burst b = burst(span.getStartTimeMs());
            span.setServiceName(name(span.getServiceName().toString(), b, copyOf(b, span.getTraceId())));
            next.span(span);
        }

        @Override
        public void metric(MetricPoint metric) {
            Burst b = burst(metric.getTimeMs());
            if (b == null) {
                next.metric(metric);
                return;
            }
            for (int i = 0; i < b.copies(); i++) {
                next.metric(MetricPoint.newBuilder(metric).setServiceName(name(metric.getServiceName().toString(), b, i))
                        .build());
            }
        }

        @Override
        public void log(LogRecord log) {
            Burst b = burst(log.getTimeMs());
            int copy = 0;
            if (b != null) {
                copy = log.getTraceId() != null ? copyOf(b, log.getTraceId()) : logTurn++ % b.copies();
            }
            log.setServiceName(name(log.getServiceName().toString(), b, copy));
            next.log(log);
        }

        @Override
        public void secondDone(long eventMs) {
            next.secondDone(eventMs);
            while (!phases.isEmpty() && phases.firstKey() <= eventMs) {
                var e = phases.pollFirstEntry();
                try {
                    phaseEnd.reached(e.getValue(), e.getKey());
                } catch (Exception ex) {
                    throw new IllegalStateException("measuring phase " + e.getValue(), ex);
                }
            }
        }

        /** Calls the phase ends not reached yet (the simulation's last second may end before them). */
        void finish(long endMs) {
            secondDone(endMs);
        }
    }
}
