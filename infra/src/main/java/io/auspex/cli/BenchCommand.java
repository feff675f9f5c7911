package io.auspex.cli;

import io.auspex.infra.bench.BenchData;
import io.auspex.infra.bench.BenchRunner;
import io.auspex.infra.bench.RealtimeLatency;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code auspex bench}: the pipeline against the Flink SQL query and the bare DataStream job, on the same data. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Throughput of the pipeline against the equivalent Flink SQL query and a bare DataStream job.",
        description = {
            "Loads simulated telemetry (OTLP protobuf batches, as the Collector writes them) into an in-JVM",
            "Kafka broker once, then runs three bounded jobs on it, interleaved and repeated, one at a time",
            "on one local Flink MiniCluster (RocksDB, incremental exactly-once checkpoints):",
            "  pipeline  the whole Auspex pipeline (PipelineJob.define) with its Kafka sources and sinks;",
            "  sql       Flink SQL: TUMBLE 10 s per service over the spans, count, errors and a DDSketch",
            "            p99 UDAF, mini-batch and TWO_PHASE aggregation (the spans decoded by the pipeline's",
            "            OTLP decoder in a DataStream and turned into a table: SQL cannot parse OTLP);",
            "  bare      source -> decode -> keyBy(service) -> 10 s window count/errors -> discarding sink.",
            "Prints each run (records/s, wall time, load average before it, checkpoint sizes, what it",
            "counted), the median records/s per job and the ratios; the last line is machine-readable:",
            "BENCH records=N services=N repeats=N pipeline_rps=F sql_rps=F bare_rps=F pipeline_sql=F pipeline_bare=F counts_ok=B",
            "Exit 0 when every job ran and counted every record it read, 1 for bad input, 2 otherwise.",
            "A benchmark, not a test: run it on a quiet machine and read the load averages."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "3000000",
            description = "Records to load: spans, gauge samples and logs (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--services", defaultValue = "9",
            description = "Services: copies of the simulator's 9-service shop, rounded up to a multiple of 9 "
                    + "(default: ${DEFAULT-VALUE}). The spans are the same, spread over more keys.")
    int services;

    @Option(names = "--request-rate", defaultValue = "200",
            description = "Entry requests per second of event time, all services together; flat traffic "
                    + "(default: ${DEFAULT-VALUE}, about 1,000 spans/s).")
    double requestRate;

    @Option(names = "--repeats", defaultValue = "3", description = "Rounds of the three jobs (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--jobs", split = ",", paramLabel = "JOB",
            description = "Jobs to run, comma-separated: pipeline, sql, bare (default: all three; one alone to "
                    + "profile it; the ratios need all three).")
    List<String> jobs = List.of("pipeline", "sql", "bare");

    @Option(names = "--parallelism", defaultValue = "2",
            description = "Parallelism of every job, slots of the cluster and partitions of each input topic "
                    + "(default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "PT2S",
            description = "Checkpoint interval of every job (ISO-8601, default ${DEFAULT-VALUE}, as the local runtime).")
    Duration checkpointInterval;

    @Option(names = "--seed", defaultValue = "42", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--work-dir", description = "Where checkpoints go (default: a temp dir).")
    Path workDir;

    @Option(names = "--realtime", description = "Instead of throughput: detection latency in real time. The pipeline "
            + "runs unbounded; after a warm-up sent at full speed the simulator runs at 1x with an error burst and a "
            + "latency rise; each alert is timed from its transition's event time to its arrival at a read_committed "
            + "consumer (p50/p99). Uses --duration, --warm-up, --checkpoint-interval, --seed, --set.")
    boolean realtime;

    @Option(names = "--duration", defaultValue = "PT10M",
            description = "With --realtime: the real-time part (ISO-8601, at least PT1M; default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warm-up", defaultValue = "PT40M",
            description = "With --realtime: event time of normal traffic sent first (default ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A pipeline option for the pipeline runs (repeatable), e.g. auspex.anomaly.state-cache-services=0.")
    List<String> pipelineSettings = List.of();

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (records < 1) {
            throw new CommandLine.ParameterException(cmd, "--records must be >= 1, was " + records);
        }
        if (services < 1) {
            throw new CommandLine.ParameterException(cmd, "--services must be >= 1, was " + services);
        }
        if (!(requestRate > 0 && requestRate <= 100_000)) {
            throw new CommandLine.ParameterException(cmd, "--request-rate must be in (0, 100000], was " + requestRate);
        }
        if (repeats < 1 || parallelism < 1) {
            throw new CommandLine.ParameterException(cmd, "--repeats and --parallelism must be >= 1");
        }
        if (checkpointInterval.isNegative() || checkpointInterval.toMillis() < 10) {
            throw new CommandLine.ParameterException(cmd, "--checkpoint-interval must be at least 10 ms");
        }
        if (realtime) {
            return realtime(cmd);
        }
        Set<BenchRunner.Job> selected = EnumSet.noneOf(BenchRunner.Job.class);
        for (String j : jobs) {
            BenchRunner.Job job = Arrays.stream(BenchRunner.Job.values()).filter(x -> x.label.equals(j.trim()))
                    .findFirst().orElseThrow(() -> new CommandLine.ParameterException(cmd,
                            "--jobs takes pipeline, sql and bare, got '" + j + "'"));
            selected.add(job);
        }
        int copies = (services + BenchData.SHOP_SERVICES - 1) / BenchData.SHOP_SERVICES;
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("auspex-bench-");
        BenchRunner.Settings settings = new BenchRunner.Settings(records, copies, repeats, selected, parallelism, requestRate,
                seed, checkpointInterval, dir, PipelineSettings.parse(pipelineSettings, cmd));
        BenchRunner.Report report;
        ProgressBar bar = new ProgressBarBuilder().setTaskName("load").setInitialMax(records)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" records", 1).continuousUpdate().build();
        boolean[] closed = {false};
        Runnable closeBar = () -> {
            if (!closed[0]) {
                closed[0] = true;
                bar.close();
            }
        };
        try {
            report = new BenchRunner(settings, System.out).run(bar::stepTo, () -> {
                bar.stepTo(records);
                closeBar.run();
            });
        } catch (BenchData.TooMuchEventTime e) {
            System.err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        } finally {
            closeBar.run();
        }
        System.out.flush();
        return report.countsMatch() ? AuspexCli.EXIT_OK : AuspexCli.EXIT_FAILURE;
    }

    private int realtime(CommandLine cmd) throws Exception {
        if (warmUp.isNegative() || warmUp.toMinutes() < 30) {
            throw new CommandLine.ParameterException(cmd, "--warm-up must be at least PT30M (the detectors warm up on "
                    + "150 windows), was " + warmUp);
        }
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("auspex-latency-");
        RealtimeLatency.Settings s;
        try {
            s = new RealtimeLatency.Settings(duration, warmUp, checkpointInterval, seed, dir,
                    PipelineSettings.parse(pipelineSettings, cmd));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--duration: " + e.getMessage());
        }
        RealtimeLatency.Result r = new RealtimeLatency(s, System.out).run();
        RealtimeLatency.printSummary(r, s, System.out);
        System.out.flush();
        return r.jobRan() && !r.alerts().isEmpty() ? AuspexCli.EXIT_OK : AuspexCli.EXIT_FAILURE;
    }
}
