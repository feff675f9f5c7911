package io.auspex.infra.demo;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.infra.sim.GroundTruth;
import io.auspex.infra.sim.GroundTruthWriter;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.SimulationResult;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;

/**
 * The whole pipeline on one machine: in-JVM Kafka, the telemetry simulator with injected
 * incidents, the pipeline on a Flink MiniCluster, alerts printed as they arrive, and a summary
 * scored against the ground truth.
 */
public final class DemoRunner {
    /** Topics the demo creates: inputs and every output. */
    public static final String[] OUTPUT_TOPICS = {
        AuspexOptions.SIGNALS_TOPIC.defaultValue(), AuspexOptions.ALERTS_TOPIC.defaultValue(),
        AuspexOptions.SLO_STATUS_TOPIC.defaultValue(), AuspexOptions.DLQ_TOPIC.defaultValue()
    };

    /** What a run produced. */
    public record Result(GroundTruth truth, DemoScore score, List<Alert> alerts, List<DeadLetter> deadLetters,
            long malformedInjected, long wallMs, boolean jobSucceeded, String failure) {}

    private final SimulatorConfig scenario;
    private final Path workDir;
    private final PrintStream out;
    private final Map<String, String> overrides;
    private final KafkaTelemetryProducer.Format format;

    /** A demo whose simulator writes OTLP protobuf to the Collector's default topics. */
    public DemoRunner(SimulatorConfig scenario, Path workDir, PrintStream out, Map<String, String> overrides) {
        this(scenario, workDir, out, overrides, KafkaTelemetryProducer.Format.OTLP);
    }

    /** A demo in {@code format}: OTLP protobuf batches, or the project's Avro records on their own topics. */
    public DemoRunner(SimulatorConfig scenario, Path workDir, PrintStream out, Map<String, String> overrides,
            KafkaTelemetryProducer.Format format) {
        this.scenario = scenario;
        this.workDir = workDir;
        this.out = out;
        this.format = format;
        Map<String, String> m = new HashMap<>();
        if (format == KafkaTelemetryProducer.Format.AVRO) {
            m.putAll(avroInputs());
        }
        m.putAll(overrides);
        this.overrides = m;
    }

    /** Pipeline options that read the Avro input topics. */
    public static Map<String, String> avroInputs() {
        return Map.of(AuspexOptions.SPANS_TOPIC.key(), TelemetryTopics.AVRO.spans(),
                AuspexOptions.METRICS_TOPIC.key(), TelemetryTopics.AVRO.metrics(),
                AuspexOptions.LOGS_TOPIC.key(), TelemetryTopics.AVRO.logs(),
                AuspexOptions.SPANS_FORMAT.key(), "avro", AuspexOptions.METRICS_FORMAT.key(), "avro",
                AuspexOptions.LOGS_FORMAT.key(), "avro");
    }

    public Result run() throws Exception {
        long wallStart = System.nanoTime();
        Files.createDirectories(workDir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            out.printf("kafka: in-JVM KRaft broker at %s%n", kafka.bootstrapServers());
            TelemetryTopics inputs = format == KafkaTelemetryProducer.Format.OTLP ? TelemetryTopics.DEFAULTS
                    : TelemetryTopics.AVRO;
            kafka.createTopics(inputs.all());
            kafka.createTopics(OUTPUT_TOPICS);

            TelemetrySimulator sim = new TelemetrySimulator(scenario);
            GroundTruth truth = sim.groundTruth();
            Path truthFile = workDir.resolve("ground-truth.json");
            GroundTruthWriter.writeJson(truth, truthFile);
            out.printf("simulator: %s, %s of event time from %s, %d incident(s):%n", scenario.scenarioName(),
                    scenario.duration(), Instant.ofEpochMilli(scenario.startMs()), truth.incidents().size());
            for (GroundTruth.LabelledIncident li : truth.incidents()) {
                out.printf("  %-12s %-11s at +%s for %d min (magnitude %s)%n", li.incident().kind(),
                        li.incident().service(), AlertFormat.clock(li.incident().startMs() - scenario.startMs()),
                        li.incident().durationMs() / 60_000, li.incident().magnitude());
            }
            SimulationResult sr = KafkaTelemetryProducer.produce(sim, kafka.bootstrapServers(), format);
            out.printf("simulator: %,d spans, %,d gauges, %,d logs, %d malformed records in %.1f s (%s to %s)%n",
                    sr.spans(), sr.metrics(), sr.logs(), sr.malformed(), sr.wallNanos() / 1e9,
                    format == KafkaTelemetryProducer.Format.OTLP ? "OTLP protobuf batches" : "Avro records",
                    String.join(", ", inputs.all()));

            Path sloFile = LocalPipeline.defaultSloFile(workDir);
            out.printf("flink: starting the pipeline on a local MiniCluster (parallelism %d, RocksDB, exactly-once)%n",
                    LocalPipeline.PARALLELISM);
            long jobStart = System.nanoTime();
            JobClient job = LocalPipeline.start(kafka.bootstrapServers(), sloFile, workDir, overrides);

            List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean done = new AtomicBoolean(false);
            Thread printer = new Thread(() -> {
                try (TopicReader<Alert> reader = new TopicReader<>(kafka.bootstrapServers(),
                        AuspexOptions.ALERTS_TOPIC.defaultValue(), Alert.class)) {
                    int quiet = 0;
                    while (!done.get() || quiet < 3) {
                        int n = reader.poll(Duration.ofMillis(500), a -> {
                            alerts.add(a);
                            out.println(AlertFormat.line(a, scenario.startMs()));
                        });
                        quiet = n == 0 ? quiet + 1 : 0;
                    }
                }
            }, "alert-printer");
            printer.start();

            boolean ok = true;
            String failure = null;
            try {
                job.getJobExecutionResult().get(10, TimeUnit.MINUTES);
            } catch (Exception e) {
                ok = false;
                failure = rootMessage(e);
                out.println("flink: the pipeline FAILED: " + failure);
            }
            double jobSeconds = (System.nanoTime() - jobStart) / 1e9;
            if (ok) {
                out.printf("flink: the pipeline read %,d records in %.1f s (%,.0f records/s, job start included)%n",
                        sr.records(), jobSeconds, sr.records() / jobSeconds);
            }
            done.set(true);
            printer.join(60_000);

            List<DeadLetter> dead;
            try (TopicReader<DeadLetter> reader = new TopicReader<>(kafka.bootstrapServers(),
                    AuspexOptions.DLQ_TOPIC.defaultValue(), DeadLetter.class)) {
                dead = reader.drain(Duration.ofMillis(500), 2);
            }
            DemoScore score = DemoScore.of(truth, alerts);
            long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
            return new Result(truth, score, List.copyOf(alerts), dead, sr.malformed(), wallMs, ok, failure);
        }
    }

    /** Prints the summary; the last line is machine-readable. */
    public static void printSummary(Result r, PrintStream out) {
        long start = r.truth().startMs();
        out.println();
        out.println("summary");
        for (DemoScore.IncidentResult ir : r.score().incidents()) {
            var inc = ir.incident().incident();
            if (ir.detected()) {
                String top = ir.firstAlert().getRootCauses().isEmpty() ? "none"
                        : ir.firstAlert().getRootCauses().get(0).getService();
                out.printf("  %-12s in %-10s detected after %s (event time) by %s on %s; top root cause %s %s%n",
                        inc.kind(), inc.service(), AlertFormat.clock(ir.timeToAlertMs()),
                        ir.firstAlert().getRule(), ir.firstAlert().getService(), top,
                        ir.rootCauseTop1() ? "(correct)" : "(WRONG)");
            } else {
                out.printf("  %-12s in %-10s at +%s NOT DETECTED%n", inc.kind(), inc.service(),
                        AlertFormat.clock(inc.startMs() - start));
            }
        }
        for (Alert a : r.score().falseAlerts()) {
            out.println("  false alert: " + AlertFormat.line(a, start));
        }
        Map<String, Integer> reasons = new TreeMap<>();
        r.deadLetters().forEach(d -> reasons.merge(d.getReason(), 1, Integer::sum));
        out.printf("  dead letters: %d (%s), malformed records injected: %d%n", r.deadLetters().size(), reasons,
                r.malformedInjected());
        out.printf("  alerts: %d transitions%n", r.alerts().size());
        if (!r.jobSucceeded()) {
            out.println("  pipeline failed: " + r.failure());
        }
        out.printf("DEMO incidents=%d detected=%d rca_top1=%d false_alerts=%d dlq=%d wall_s=%d%n",
                r.score().incidents().size(), r.score().detected(), r.score().rootCauseTop1(),
                r.score().falseAlerts().size(), r.deadLetters().size(), Math.round(r.wallMs() / 1000.0));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
