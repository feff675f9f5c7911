package io.auspex.infra.e2e;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.OperationCounts;
import io.auspex.schemas.ServiceSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Shared by the end-to-end tests that run the pipeline more than once on one broker: a bounded run
 * on a given set of input topics with its own output topics, what it wrote, and the job states seen.
 */
final class E2eRuns {
    /** Upper bound on one bounded run; a job that restarts forever would otherwise never finish. */
    static final Duration RUN_LIMIT = Duration.ofMinutes(10);

    private E2eRuns() {}

    /** What one pipeline run wrote, and every job status observed while it ran. */
    record Run(String name, List<ServiceSignals> signals, List<Alert> alerts, List<DeadLetter> deadLetters,
            Set<JobStatus> statuses, JobExecutionResult result) {}

    /**
     * Runs the pipeline bounded on {@code inputs}, writing to {@code <name>_signals}, {@code <name>_alerts},
     * {@code <name>_slo_status} and {@code <name>_dlq}, and reads those back once the job is done.
     * While it runs, the job status is sampled every 20 ms (a restart keeps the job in RESTARTING for
     * the restart strategy's back-off, a second or more, so a restart is seen).
     */
    static Run run(EmbeddedKafka kafka, TelemetryTopics inputs, String name, Path workDir, Map<String, String> extra)
            throws Exception {
        Path dir = Files.createDirectories(workDir.resolve(name));
        String signals = name + "_signals";
        String alerts = name + "_alerts";
        String status = name + "_slo_status";
        String dlq = name + "_dlq";
        kafka.createTopics(signals, alerts, status, dlq);
        Map<String, String> o = new HashMap<>(extra);
        o.put(AuspexOptions.SPANS_TOPIC.key(), inputs.spans());
        o.put(AuspexOptions.METRICS_TOPIC.key(), inputs.metrics());
        o.put(AuspexOptions.LOGS_TOPIC.key(), inputs.logs());
        o.put(AuspexOptions.SIGNALS_TOPIC.key(), signals);
        o.put(AuspexOptions.ALERTS_TOPIC.key(), alerts);
        o.put(AuspexOptions.SLO_STATUS_TOPIC.key(), status);
        o.put(AuspexOptions.DLQ_TOPIC.key(), dlq);
        JobClient job = LocalPipeline.start(kafka.bootstrapServers(), LocalPipeline.defaultSloFile(dir), dir, o);
        Set<JobStatus> seen = ConcurrentHashMap.newKeySet();
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        while (!result.isDone() && System.nanoTime() < deadline) {
            try {
                seen.add(job.getJobStatus().get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                // the job may be gone between isDone() and the status request; the result says how it ended
            }
            Thread.sleep(20);
        }
        if (!result.isDone()) {
            job.cancel().get(1, TimeUnit.MINUTES);
            throw new AssertionError(name + " run: the job did not finish within " + RUN_LIMIT + " (cancelled); job"
                    + " states seen " + seen);
        }
        JobExecutionResult r;
        try {
            r = result.get(1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(name + " run: the job failed; job states seen " + seen, e.getCause());
        }
        return new Run(name, drain(kafka, signals, ServiceSignals.class), drain(kafka, alerts, Alert.class),
                drain(kafka, dlq, DeadLetter.class), Set.copyOf(seen), r);
    }

    static <T extends org.apache.avro.specific.SpecificRecord> List<T> drain(EmbeddedKafka kafka, String topic,
            Class<T> type) {
        try (TopicReader<T> reader = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return reader.drain(Duration.ofMillis(500), 3);
        }
    }

    /** Every record of {@code topic}, partition by partition, in offset order. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafka kafka, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        out.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /** Signals sorted by service and window. */
    static List<ServiceSignals> sorted(List<ServiceSignals> signals) {
        return signals.stream().sorted(Comparator.comparing(ServiceSignals::getServiceName)
                .thenComparingLong(ServiceSignals::getWindowStartMs)).toList();
    }

    /**
     * A window's signals with the two fields that depend on arrival order inside the window replaced
     * by their sizes' worth of placeholders: {@code exemplar_trace_ids} are the first five failing
     * traces to arrive and {@code error_log_templates} the five last-inserted templates, and the
     * window operator sees the two partitions of each topic interleaved as the source threads run,
     * so two runs on the same input may pick other exemplars. Everything else (counts, quantiles,
     * gauges, counters, per-operation counts in name order) depends on the window's content only.
     */
    static ServiceSignals comparable(ServiceSignals s) {
        ServiceSignals.Builder b = ServiceSignals.newBuilder(s);
        b.setExemplarTraceIds(s.getExemplarTraceIds().stream().map(x -> "exemplar").toList());
        b.setErrorLogTemplates(s.getErrorLogTemplates().stream().map(x -> "template").toList());
        b.setOperations(s.getOperations().stream().sorted(Comparator.comparing(OperationCounts::getName)).toList());
        return b.build();
    }

    /** The first difference of two signal lists sorted by {@link #sorted}, for a readable failure. */
    static String firstDifference(List<ServiceSignals> a, List<ServiceSignals> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "at " + i + ":\n  " + a.get(i) + "\n  " + b.get(i);
            }
        }
        return a.size() == b.size() ? "none" : "sizes " + a.size() + " and " + b.size();
    }

    /** What an alert transition is compared on across runs. */
    record AlertKey(String fingerprint, String status, long eventTimeMs, String severity, String rule, String service,
            String topRootCause) {
        static AlertKey of(Alert a, long shiftMs) {
            return new AlertKey(a.getFingerprint(), a.getStatus().name(), a.getEventTimeMs() - shiftMs,
                    a.getSeverity().name(), a.getRule(), a.getService(),
                    a.getRootCauses().isEmpty() ? null : a.getRootCauses().get(0).getService());
        }
    }

    /** Alert transitions in event-time order (ties by fingerprint and status), event times moved back by {@code shiftMs}. */
    static List<AlertKey> alertKeys(List<Alert> alerts, long shiftMs) {
        return alerts.stream().map(a -> AlertKey.of(a, shiftMs)).sorted(Comparator.comparingLong(AlertKey::eventTimeMs)
                .thenComparing(AlertKey::fingerprint).thenComparing(AlertKey::status)).toList();
    }

    /** Job states that mean a failure happened, whether or not the job recovered from it. */
    static final Set<JobStatus> TROUBLE = Set.of(JobStatus.FAILING, JobStatus.FAILED, JobStatus.RESTARTING,
            JobStatus.CANCELLING, JobStatus.CANCELED);
}
