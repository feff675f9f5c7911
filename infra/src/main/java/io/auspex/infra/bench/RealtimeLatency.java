package io.auspex.infra.bench;

import io.auspex.infra.demo.DemoRunner;
import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.IncidentKind;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulationResult;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.schemas.Alert;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;

/**
 * Detection latency in real time: the whole pipeline, unbounded, on an in-JVM broker and a
 * MiniCluster, fed by the simulator paced at 1x (event time = wall-clock time), with two incidents;
 * every alert is timed from the event time of its transition (the end of the window that decided
 * it) to the moment a {@code read_committed} consumer of the alerts topic receives it, i.e. after
 * the exactly-once sink's transaction committed at a checkpoint.
 *
 * <p>First a warm-up of normal traffic whose event time ends where the real-time part begins, sent
 * at full speed, so baselines and detectors are warm when the incidents come. Alerts whose event
 * time falls in the warm-up are not timed.
 *
 * <p>What bounds the latency from below, by construction: the watermark trails the newest event by
 * {@code auspex.watermarks.out-of-orderness} (5 s by default), so a window fires that long after it
 * ends; then the alert waits for the next checkpoint to commit. Both are options ({@code --set},
 * {@code --checkpoint-interval}).
 */
public final class RealtimeLatency {
    /**
     * @param duration of the real-time part (the incidents are placed in it)
     * @param warmUp event time of normal traffic before it, sent at full speed
     * @param checkpointInterval of the pipeline (alerts become visible at checkpoints)
     * @param pipelineOptions pipeline options on top of the local defaults
     */
    public record Settings(Duration duration, Duration warmUp, Duration checkpointInterval, long seed, Path workDir,
            Map<String, String> pipelineOptions) {
        public Settings {
            if (duration.toSeconds() < 60) {
                throw new IllegalArgumentException("the real-time part must last at least 60 s, was " + duration);
            }
            pipelineOptions = Map.copyOf(pipelineOptions);
        }
    }

    /** One timed alert: its transition's event time, when it was received, and what it was. */
    public record Timed(Alert alert, long receivedMs) {
        public long latencyMs() {
            return receivedMs - alert.getEventTimeMs();
        }
    }

    /** What a run measured: the timed alerts in arrival order, and whether the job ran throughout. */
    public record Result(List<Timed> alerts, long realtimeStartMs, SimulationResult simulation, boolean jobRan,
            String failure) {
        /** The {@code q}-quantile (nearest rank) of the latencies in ms; NaN without alerts. */
        public double quantileMs(double q) {
            return quantile(alerts.stream().map(Timed::latencyMs).toList(), q);
        }
    }

    /** The {@code q}-quantile of {@code values} by nearest rank (the smallest value with at least q of them at or below it); NaN when empty. */
    static double quantile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> l = new ArrayList<>(values);
        Collections.sort(l);
        int rank = (int) Math.ceil(q * l.size());
        return l.get(Math.max(0, Math.min(l.size() - 1, rank - 1)));
    }

    private final Settings settings;
    private final PrintStream out;

    public RealtimeLatency(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * The real-time part starting at {@code startMs}: an error burst (30 % of requests) in
     * {@code payment} from 10 % to 45 % of it and a latency rise (x5) in {@code inventory} from 55 %
     * to 90 %, paced at 1x.
     */
    static SimulatorConfig realtimeScenario(long seed, long startMs, Duration duration) {
        long d = duration.toMillis();
        return SimulatorConfig.builder().scenarioName("realtime").seed(seed).startMs(startMs).duration(duration)
                .incident(new Incident("payment", IncidentKind.ERROR_BURST, startMs + d / 10, startMs + d * 45 / 100,
                        0.3))
                .incident(new Incident("inventory", IncidentKind.LATENCY, startMs + d * 55 / 100,
                        startMs + d * 90 / 100, 5.0))
                .speedFactor(1.0).build();
    }

    public Result run() throws Exception {
        Files.createDirectories(settings.workDir());
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(TelemetryTopics.DEFAULTS.all());
            kafka.createTopics(DemoRunner.OUTPUT_TOPICS);
            long warmStart = System.currentTimeMillis() / 1000 * 1000 - settings.warmUp().toMillis();
            SimulationResult warm = KafkaTelemetryProducer.produce(
                    new TelemetrySimulator(Scenarios.normal(settings.seed(), warmStart, settings.warmUp())),
                    kafka.bootstrapServers());
            out.printf(Locale.ROOT, "latency: warm-up of %s of normal traffic (%,d records) sent in %.1f s%n",
                    settings.warmUp(), warm.records(), warm.wallNanos() / 1e9);

            Map<String, String> options = new HashMap<>(settings.pipelineOptions());
            options.put(AuspexOptions.BOUNDED.key(), "false");
            Path sloFile = LocalPipeline.defaultSloFile(settings.workDir());
            JobClient job = LocalPipeline.start(kafka.bootstrapServers(), sloFile, settings.workDir(), options,
                    settings.checkpointInterval());

            // the real-time part starts on the wall clock's next whole second after the warm-up; its
            // event time one second earlier: the simulator sends a second's records when that second
            // begins, so no record is from the future
            long wallStart = (System.currentTimeMillis() / 1000 + 1) * 1000;
            long start = wallStart - 1000;
            List<Timed> timed = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean(false);
            Thread reader = new Thread(() -> {
                try (TopicReader<Alert> r = new TopicReader<>(kafka.bootstrapServers(),
                        AuspexOptions.ALERTS_TOPIC.defaultValue(), Alert.class)) {
                    while (!stop.get()) {
                        r.poll(Duration.ofMillis(50), a -> {
                            long now = System.currentTimeMillis();
                            if (a.getEventTimeMs() >= start) {
                                Timed t = new Timed(a, now);
                                timed.add(t);
                                out.printf(Locale.ROOT, "alert  +%s  %-8s %-6s %-24s %-10s latency %,6d ms%n",
                                        clock(a.getEventTimeMs() - start), a.getStatus(), a.getSeverity(),
                                        a.getRule(), a.getService(), t.latencyMs());
                            }
                        });
                    }
                }
            }, "latency-alert-reader");

            reader.start();
            long sleep = wallStart - System.currentTimeMillis();
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
            out.printf(Locale.ROOT, "latency: real time from %s for %s at 1x (event time = wall clock), "
                    + "checkpoints every %.1f s, watermark %s behind the newest record%n", Instant.ofEpochMilli(start),
                    settings.duration(), settings.checkpointInterval().toMillis() / 1000.0,
                    options.getOrDefault(AuspexOptions.OUT_OF_ORDERNESS.key(),
                            AuspexOptions.OUT_OF_ORDERNESS.defaultValue().toMillis() + " ms"));
            SimulationResult live;
            try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers(),
                    TelemetryTopics.DEFAULTS, Map.of(), KafkaTelemetryProducer.Format.OTLP).flushingEverySecond()) {
                live = new TelemetrySimulator(realtimeScenario(settings.seed() + 1, start, settings.duration()))
                        .run(producer);
            }
            // alerts of the last windows: the watermark still advances while the idle sources time out
            Thread.sleep(15_000);
            boolean ran = !job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
            String failure = ran ? null : "the pipeline stopped: " + job.getJobStatus().get();
            stop.set(true);
            reader.join(10_000);
            job.cancel().get(60, TimeUnit.SECONDS);
            return new Result(List.copyOf(timed), start, live, ran, failure);
        }
    }

    /** Prints the summary; the last line is machine-readable. */
    public static void printSummary(Result r, Settings s, PrintStream out) {
        long firing = r.alerts().stream().filter(t -> t.alert().getStatus().toString().equals("FIRING")).count();
        out.printf(Locale.ROOT, "latency: %d alerts timed (%d firing, %d resolved): p50 %.0f ms, p99 %.0f ms, "
                + "max %.0f ms (nearest rank over %d values)%n", r.alerts().size(), firing, r.alerts().size() - firing,
                r.quantileMs(0.5), r.quantileMs(0.99), r.quantileMs(1.0), r.alerts().size());
        if (r.failure() != null) {
            out.println("latency: " + r.failure());
        }
        out.printf(Locale.ROOT, "LATENCY alerts=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f checkpoint_ms=%d "
                + "duration_s=%d job_ran=%b%n", r.alerts().size(), r.quantileMs(0.5), r.quantileMs(0.99),
                r.quantileMs(1.0), s.checkpointInterval().toMillis(), s.duration().toSeconds(), r.jobRan());
    }

    private static String clock(long ms) {
        long s = Math.max(0, ms) / 1000;
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
