package io.auspex.infra.eval;

import io.auspex.infra.demo.DemoRunner;
import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.replay.Replayer;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

/**
 * Runs a recording through the whole pipeline on the embedded runtime (in-JVM broker, MiniCluster,
 * the job as deployed) and collects its alerts: the recording is replayed with its event time moved
 * so it ends a minute before now (so the job's timestamp checks accept it), and the cases move with
 * it.
 */
public final class IncidentEvaluator {
    private static final long NS_PER_MS = 1_000_000L;

    /** What one run produced, in the recording's own clock (alerts moved back by the shift). */
    public record Run(List<Alert> alerts, long deadLetters, long firstEventMs, long lastEventMs, long shiftMs,
            long wallMs) {}

    private IncidentEvaluator() {}

    public static Run run(List<Path> recording, Path sloFile, Path workDir, Map<String, String> overrides,
            PrintStream log) throws Exception {
        long wallStart = System.nanoTime();
        Files.createDirectories(workDir);
        List<Path> files = Replayer.files(recording);
        long[] scan = Replayer.scan(files);
        if (scan[0] == Long.MAX_VALUE) {
            throw new IllegalArgumentException("the recording holds no timestamped record");
        }
        // whole days: the recording keeps its time of day and its window alignment, so a run is repeatable
        long shiftMs = Math.floorDiv(Replayer.shiftNs(new Replayer.TimePlacement.EndAt(System.currentTimeMillis()
                - 60_000), scan[0], scan[1], true), NS_PER_MS);
        log.printf("evaluate: %d file(s), %,d batches, event time %s .. %s (replayed %s later)%n", files.size(),
                scan[2], Instant.ofEpochMilli(scan[0] / NS_PER_MS), Instant.ofEpochMilli(scan[1] / NS_PER_MS),
                Duration.ofMillis(shiftMs));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(TelemetryTopics.DEFAULTS.all());
            kafka.createTopics(DemoRunner.OUTPUT_TOPICS);
            Replayer.Result replayed = new Replayer(kafka.bootstrapServers(), TelemetryTopics.DEFAULTS, Map.of())
                    .replay(files, shiftMs * NS_PER_MS, 0, n -> { });
            log.printf("evaluate: replayed %,d batches; running the pipeline%n", replayed.batches());
            JobClient job = LocalPipeline.start(kafka.bootstrapServers(), sloFile, workDir, overrides);
            job.getJobExecutionResult().get(2, TimeUnit.HOURS);
            List<Alert> alerts;
            try (TopicReader<Alert> reader = new TopicReader<>(kafka.bootstrapServers(),
                    AuspexOptions.ALERTS_TOPIC.defaultValue(), Alert.class)) {
                alerts = reader.drain(Duration.ofMillis(500), 3);
            }
            long dead;
            try (TopicReader<DeadLetter> reader = new TopicReader<>(kafka.bootstrapServers(),
                    AuspexOptions.DLQ_TOPIC.defaultValue(), DeadLetter.class)) {
                dead = reader.drain(Duration.ofMillis(500), 3).size();
            }
            List<Alert> unshifted = alerts.stream().map(a -> shifted(a, -shiftMs)).toList();
            return new Run(unshifted, dead, scan[0] / NS_PER_MS, scan[1] / NS_PER_MS, shiftMs,
                    (System.nanoTime() - wallStart) / 1_000_000L);
        }
    }

    /** The alert with its times moved by {@code ms}. */
    static Alert shifted(Alert a, long ms) {
        Alert.Builder b = Alert.newBuilder(a).setEventTimeMs(a.getEventTimeMs() + ms)
                .setStartsAtMs(a.getStartsAtMs() + ms);
        if (a.getEndsAtMs() != null) {
            b.setEndsAtMs(a.getEndsAtMs() + ms);
        }
        return b.build();
    }
}
