package io.auspex.infra.bench;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.jobs.PipelineJob;
import io.auspex.jobs.anomaly.ModelWindowScorer;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.decode.EventTime;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.slo.SloSet;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * {@code auspex bench}: loads simulated OTLP telemetry into an in-JVM broker once, then runs the
 * three jobs on it, interleaved and repeated, one at a time on one Flink MiniCluster (parallelism
 * {@code p}, RocksDB, incremental exactly-once checkpoints): the whole pipeline, the Flink SQL
 * golden-signal query a user would write instead ({@link SqlWindowJob}) and the bare DataStream
 * window job ({@link BareWindowJob}). Every job reads the topics from the earliest offsets to the
 * end offsets of the load (bounded sources; nothing writes to the input topics after the load)
 * and must count every record it read: the result says whether it did.
 */
public final class BenchRunner {
    /** The three jobs, in the order a round runs them. */
    public enum Job {
        PIPELINE("pipeline"), SQL("sql"), BARE("bare");

        public final String label;

        Job(String label) {
            this.label = label;
        }
    }

    /**
     * What to run.
     *
     * @param records records to load (spans, gauge samples, logs)
     * @param copies copies of the 9-service shop (services = 9 x copies)
     * @param repeats rounds; each round runs each of {@code jobs} once, in {@link Job} order
     * @param jobs the jobs to run (all three for the comparison; one alone to profile it)
     * @param parallelism of every job; also the partitions of each input topic and the slots of the cluster
     * @param requestRate entry requests per second of event time, of all copies together (each trace goes to one copy)
     * @param seed simulator seed
     * @param checkpointInterval of every job
     * @param workDir checkpoints go under it
     * @param pipelineOptions pipeline options of the pipeline runs (the bench's own topics, broker and
     *     bounds override them)
     */
    public record Settings(long records, int copies, int repeats, java.util.Set<Job> jobs, int parallelism,
            double requestRate, long seed, Duration checkpointInterval, Path workDir,
            Map<String, String> pipelineOptions) {
        public Settings {
            jobs = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(jobs));
            pipelineOptions = Map.copyOf(pipelineOptions);
        }
    }

    /**
     * One run of one job.
     *
     * @param round 1-based round
     * @param job which job
     * @param recordsRead records on the topics the job reads (pipeline: all three; SQL and bare: spans)
     * @param spansCounted spans the job's windows held (SQL, bare); -1 for the pipeline
     * @param requestsCounted served spans the windows held (pipeline: sum of the signals' request counts)
     * @param windows result rows (pipeline: signals records)
     * @param deadLetters records on the pipeline's dead-letter topic (late or undecodable); 0 for the others
     * @param wallNanos from submission to the job's result
     * @param loadBefore the 1-minute load average just before submission ({@code NaN} if unknown); it
     *     counts the runnable threads of the whole machine, the bench's own previous run included
     * @param cpuMachine cores the whole machine kept busy during the run
     * @param cpuSelf cores this JVM (broker, cluster, bench) kept busy during the run
     * @param cpuSteal cores' worth of time a hypervisor gave to other guests during the run
     * @param checkpoints completed checkpoints
     * @param lastCheckpointBytes full state size of the last completed checkpoint
     * @param maxCheckpointBytes largest full state size of any completed checkpoint
     * @param failure why the job failed, or null
     */
    public record Run(int round, Job job, long recordsRead, long spansCounted, long requestsCounted, long windows,
            long deadLetters, long wallNanos, double loadBefore, double cpuMachine, double cpuSelf, double cpuSteal,
            long checkpoints, long lastCheckpointBytes,
            long maxCheckpointBytes, String failure) {
        public double recordsPerSecond() {
            return recordsRead * 1e9 / wallNanos;
        }

        public boolean ok() {
            return failure == null;
        }
    }

    /** The whole bench: the data and every run. */
    public record Report(Settings settings, BenchData.Loaded data, List<Run> runs) {
        /** Median records/s of a job's successful runs; NaN if none. */
        public double medianRecordsPerSecond(Job job) {
            double[] v = runs.stream().filter(r -> r.job() == job && r.ok()).mapToDouble(Run::recordsPerSecond)
                    .sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        /** Whether every run finished and counted exactly what was loaded. */
        public boolean countsMatch() {
            return runs.stream().allMatch(r -> r.ok() && countOk(r));
        }

        /** Whether one run counted exactly what was loaded. */
        public boolean countOk(Run r) {
            return switch (r.job()) {
                case PIPELINE -> r.requestsCounted() == data.servedSpans() && r.deadLetters() == 0;
                case SQL, BARE -> r.spansCounted() == data.spans() && r.requestsCounted() == data.servedSpans();
            };
        }
    }

    private final Settings settings;
    private final PrintStream out;

    public BenchRunner(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Loads the data, runs every round, prints each run as it ends, returns the report.
     *
     * @param loadProgress hears the records loaded so far, about every 10,000
     * @param loaded runs once the load is done, before the first job
     */
    public Report run(LongConsumer loadProgress, Runnable loaded) throws Exception {
        Files.createDirectories(settings.workDir());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(settings.parallelism(), Map.of())) {
            out.printf(Locale.ROOT, "bench: loading %,d records (%d services, %.0f entry requests/s of event time) "
                    + "into the in-JVM broker at %s as OTLP protobuf batches%n", settings.records(),
                    BenchData.SHOP_SERVICES * settings.copies(), settings.requestRate(), kafka.bootstrapServers());
            BenchData.Loaded data = BenchData.load(kafka, settings.records(), settings.copies(), settings.requestRate(),
                    settings.seed(), settings.parallelism(), loadProgress);
            loaded.run();
            out.printf(Locale.ROOT, "bench: loaded %,d spans (%,d served), %,d gauge samples, %,d logs = %,d records in "
                    + "%,d batches, %.0f s of event time, %d services, in %.1f s%n", data.spans(), data.servedSpans(),
                    data.metrics(), data.logs(), data.records(), data.batches(), data.eventTime().toMillis() / 1000.0,
                    data.services(),
                    data.wallNanos() / 1e9);
            out.printf(Locale.ROOT, "bench: %d round(s) of %s; parallelism %d, RocksDB, incremental exactly-once "
                    + "checkpoints every %.1f s, one MiniCluster%n", settings.repeats(),
                    String.join(", ", settings.jobs().stream().map(j -> j.label).toList()), settings.parallelism(),
                    settings.checkpointInterval().toMillis() / 1000.0);
            if (!settings.pipelineOptions().isEmpty()) {
                out.printf(Locale.ROOT, "bench: pipeline options %s%n", new java.util.TreeMap<>(settings.pipelineOptions()));
            }
            out.println("bench: the SQL job decodes OTLP with the pipeline's own decoder in a DataStream and turns it "
                    + "into a table (fromDataStream): Flink SQL cannot parse OTLP protobuf itself");
            out.println("bench: records/s = records the job read (pipeline: spans, gauges and logs; sql and bare: "
                    + "spans) / wall time from submission to finish; the pipeline also writes its outputs to Kafka, "
                    + "the others discard theirs");
            Path sloFile = LocalPipeline.defaultSloFile(settings.workDir());
            List<Run> runs = new ArrayList<>();
            try (MiniCluster cluster = startCluster()) {
                int n = 0;
                for (int round = 1; round <= settings.repeats(); round++) {
                    for (Job job : settings.jobs()) {
                        n++;
                        Run r = runOne(cluster, kafka, data, sloFile, round, job, n);
                        runs.add(r);
                        print(r, data);
                    }
                }
            }
            Report report = new Report(settings, data, List.copyOf(runs));
            printSummary(report);
            return report;
        }
    }

    private MiniCluster startCluster() throws Exception {
        Configuration conf = new Configuration();
        conf.setString("taskmanager.memory.managed.size", "256m");
        conf.setString("rest.bind-port", "0");
        conf.setString("state.backend.type", "rocksdb");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(settings.parallelism()).build());
        cluster.start();
        return cluster;
    }

    private Run runOne(MiniCluster cluster, EmbeddedKafka kafka, BenchData.Loaded data, Path sloFile, int round,
            Job job, int n) throws Exception {
        String id = String.format(Locale.ROOT, "bench-%02d-%s", n, job.label);
        Map<String, String> m = new HashMap<>();
        if (job == Job.PIPELINE) {
            m.putAll(settings.pipelineOptions());
        }
        m.put(AuspexOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        m.put(AuspexOptions.SLO_FILE.key(), sloFile.toString());
        m.put(AuspexOptions.BOUNDED.key(), "true");
        m.put(AuspexOptions.FROM_EARLIEST.key(), "true");
        m.put(AuspexOptions.GROUP_ID.key(), id);
        m.put(AuspexOptions.TRANSACTIONAL_ID_PREFIX.key(), id);
        m.put(AuspexOptions.STARTUP_CHECK_TIMEOUT.key(), "0 s");
        String signalsTopic = id + ".signals";
        String dlqTopic = id + ".dlq";
        if (job == Job.PIPELINE) {
            m.put(AuspexOptions.SIGNALS_TOPIC.key(), signalsTopic);
            m.put(AuspexOptions.ALERTS_TOPIC.key(), id + ".alerts");
            m.put(AuspexOptions.SLO_STATUS_TOPIC.key(), id + ".slo-status");
            m.put(AuspexOptions.DLQ_TOPIC.key(), dlqTopic);
            kafka.createTopics(settings.parallelism(), signalsTopic, id + ".alerts", id + ".slo-status", dlqTopic);
        }
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(m));
        Path checkpoints = settings.workDir().resolve(id).resolve("checkpoints");
        Configuration flink = PipelineJob.flinkConfiguration(checkpoints.toUri().toString(),
                settings.checkpointInterval());
        flink.setString("parallelism.default", Integer.toString(settings.parallelism()));
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(flink);
        env.setParallelism(settings.parallelism());
        env.setMaxParallelism(cfg.get(AuspexOptions.MAX_PARALLELISM));
        // the pipeline's own rule for the SQL and bare jobs too: bounded, so no split is ever taken for idle
        WatermarkStrategy<Telemetry> wm = EventTime.strategy(cfg);
        long recordsRead;
        switch (job) {
            case PIPELINE -> {
                PipelineJob.define(env, cfg, SloSet.load(sloFile), ModelWindowScorer.fromConfig(cfg),
                        KafkaIo.pipelineIo(cfg));
                recordsRead = data.records();
            }
            case SQL -> {
                SqlWindowJob.define(env, KafkaIo.source(cfg, TelemetryDecoder.Kind.SPAN), wm);
                recordsRead = data.spans();
            }
            case BARE -> {
                BareWindowJob.define(env, KafkaIo.source(cfg, TelemetryDecoder.Kind.SPAN), wm);
                recordsRead = data.spans();
            }
            default -> throw new IllegalStateException(job.toString());
        }
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(id);
        JobGraph jobGraph = graph.getJobGraph(BenchRunner.class.getClassLoader(), null);
        JobID jobId = jobGraph.getJobID();

        double load = loadAverage();
        System.err.printf(Locale.ROOT, "bench: run %d/%d %s (round %d)...%n", n, settings.repeats() * settings.jobs().size(), job.label,
                round);
        CpuSample cpu0 = CpuSample.now();
        long t0 = System.nanoTime();
        cluster.submitJob(jobGraph).get(60, TimeUnit.SECONDS);
        JobResult result = cluster.requestJobResult(jobId).get(30, TimeUnit.MINUTES);
        long wall = System.nanoTime() - t0;
        CpuSample cpu1 = CpuSample.now();

        String failure = null;
        long spans = -1;
        long requests = 0;
        long windows = 0;
        long dead = 0;
        if (!result.isSuccess()) {
            failure = result.getSerializedThrowable()
                    .map(t -> rootMessage(t.deserializeError(BenchRunner.class.getClassLoader())))
                    .orElse("job failed: " + result.getApplicationStatus());
        } else if (job == Job.PIPELINE) {
            long[] sums = new long[2];
            try (TopicReader<ServiceSignals> reader = new TopicReader<>(kafka.bootstrapServers(), signalsTopic,
                    ServiceSignals.class)) {
                reader.readToEnd(Duration.ofMillis(500), s -> {
                    sums[0] += s.getRequestCount();
                    sums[1]++;
                });
            }
            requests = sums[0];
            windows = sums[1];
            try (TopicReader<DeadLetter> reader = new TopicReader<>(kafka.bootstrapServers(), dlqTopic,
                    DeadLetter.class)) {
                dead = reader.readToEnd(Duration.ofMillis(500), d -> { });
            }
        } else {
            JobExecutionResult r = result.toJobExecutionResult(BenchRunner.class.getClassLoader());
            spans = counter(r, BenchCounters.SPANS);
            requests = counter(r, BenchCounters.REQUESTS);
            windows = counter(r, BenchCounters.WINDOWS);
        }
        long[] ckpt = checkpointStats(cluster, jobId, checkpoints);
        deleteQuietly(settings.workDir().resolve(id));
        return new Run(round, job, recordsRead, spans, requests, windows, dead, wall, load, cpu1.machineCores(cpu0),
                cpu1.selfCores(cpu0), cpu1.stealCores(cpu0), ckpt[0], ckpt[1], ckpt[2], failure);
    }

    private static long counter(JobExecutionResult r, String name) {
        Object v = r.getAllAccumulatorResults().get(name);
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** {completed checkpoints, last full state size, largest full state size}, from the job's checkpoint stats. */
    private static long[] checkpointStats(MiniCluster cluster, JobID jobId, Path dir) throws Exception {
        CheckpointStatsSnapshot stats = cluster.getExecutionGraph(jobId).get(30, TimeUnit.SECONDS)
                .getCheckpointStatsSnapshot();
        if (stats == null) {
            long size = directorySize(dir);
            return new long[] {-1, size, size};
        }
        CompletedCheckpointStats last = stats.getHistory().getLatestCompletedCheckpoint();
        return new long[] {stats.getCounts().getNumberOfCompletedCheckpoints(), last == null ? 0 : last.getStateSize(),
                stats.getSummaryStats().getStateSizeStats().getMaximum()};
    }

    private static long directorySize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // checkpoints of a finished run; a leftover only costs disk in the work dir
        }
    }

    /** The 1-minute load average from /proc/loadavg, NaN where there is none. */
    static double loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private void print(Run r, BenchData.Loaded data) {
        if (!r.ok()) {
            out.printf(Locale.ROOT, "run %d %-8s FAILED after %.1f s: %s%n", r.round(), r.job().label,
                    r.wallNanos() / 1e9, r.failure());
            return;
        }
        String counted = r.job() == Job.PIPELINE
                ? String.format(Locale.ROOT, "requests %,d in %,d signals rows, %d dead letters", r.requestsCounted(),
                        r.windows(), r.deadLetters())
                : String.format(Locale.ROOT, "spans %,d, requests %,d in %,d windows", r.spansCounted(),
                        r.requestsCounted(), r.windows());
        boolean ok = new Report(settings, data, List.of(r)).countOk(r);
        out.printf(Locale.ROOT, "run %d %-8s %,11d records %7.1f s %,9.0f records/s  load before %4.2f  cpu %.2f "
                + "cores (this JVM %.2f, steal %.2f)  checkpoints %d, last %s, max %s  counted %s%s%n", r.round(),
                r.job().label, r.recordsRead(), r.wallNanos() / 1e9, r.recordsPerSecond(), r.loadBefore(),
                r.cpuMachine(), r.cpuSelf(), r.cpuSteal(), r.checkpoints(), bytes(r.lastCheckpointBytes()),
                bytes(r.maxCheckpointBytes()), counted, ok ? " (all)" : " (MISMATCH)");
    }

    private void printSummary(Report report) {
        double p = report.medianRecordsPerSecond(Job.PIPELINE);
        double s = report.medianRecordsPerSecond(Job.SQL);
        double b = report.medianRecordsPerSecond(Job.BARE);
        out.println();
        out.println("median records/s over " + settings.repeats() + " round(s):");
        for (Job j : settings.jobs()) {
            out.printf(Locale.ROOT, "  %-8s %,10.0f%n", j.label, report.medianRecordsPerSecond(j));
        }
        if (settings.jobs().size() == Job.values().length) {
            out.printf(Locale.ROOT, "  pipeline/sql %.3f, pipeline/bare %.3f%n", p / s, p / b);
        }
        out.printf(Locale.ROOT, "BENCH records=%d services=%d repeats=%d pipeline_rps=%.0f sql_rps=%.0f bare_rps=%.0f "
                + "pipeline_sql=%.3f pipeline_bare=%.3f counts_ok=%b%n", report.data().records(),
                report.data().services(), settings.repeats(), p, s, b, p / s, p / b, report.countsMatch());
    }

    static String bytes(long n) {
        if (n < 0) {
            return "n/a";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
