package io.auspex.cli;

import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.training.SimulatedSignals;
import io.auspex.jobs.slo.SloSet;
import io.auspex.models.training.SignalsFile;
import io.auspex.schemas.ServiceSignals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code auspex simulate-signals}: normal simulator traffic as a signals file (training data). */
@Command(name = "simulate-signals",
        header = "Writes the golden signals of simulated traffic as an Avro file.", mixinStandardHelpOptions = true,
        description = {
            "Simulates traffic (normal, or the demo's incidents) and writes its golden signals, computed with the",
            "pipeline's own window aggregation, as an Avro data file of ServiceSignals: the same format as a",
            "dump of telemetry.signals, ready for 'auspex train'."})
public final class SimulateSignalsCommand implements Callable<Integer> {
    /** 2026-01-05T00:00:00Z: a fixed start keeps the default model reproducible. */
    public static final long DEFAULT_START_MS = 1_767_571_200_000L;

    @Option(names = "--out", required = true, description = "Output Avro file.")
    Path out;

    @Option(names = "--hours", defaultValue = "24", description = "Hours of event time (default: ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--seed", defaultValue = "1", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scenario", defaultValue = "normal",
            description = "normal (no incident) or demo (the demo's three incidents) (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--slo", description = "SLO file whose latency thresholds are counted exactly (for slo-backtest).")
    Path sloFile;

    @Option(names = "--window-seconds", defaultValue = "10",
            description = "Window length, as the job's auspex.signals.window (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Override
    public Integer call() throws Exception {
        if (hours < 1 || windowSeconds < 1) {
            System.err.println("error: --hours and --window-seconds must be >= 1");
            return AuspexCli.EXIT_BAD_INPUT;
        }
        SimulatorConfig cfg;
        if (scenario.equals("normal")) {
            cfg = Scenarios.normal(seed, DEFAULT_START_MS, Duration.ofHours(hours));
        } else if (scenario.equals("demo")) {
            cfg = Scenarios.demo(seed, DEFAULT_START_MS).toBuilder().badRecordCount(0).build();
        } else {
            System.err.println("error: --scenario must be normal or demo, was " + scenario);
            return AuspexCli.EXIT_BAD_INPUT;
        }
        long[] thresholds = sloFile == null ? new long[0]
                : SloSet.load(sloFile).latencyThresholdsMs().stream().mapToLong(Long::longValue).toArray();
        long t0 = System.nanoTime();
        List<ServiceSignals> signals = SimulatedSignals.of(cfg, windowSeconds * 1000L, thresholds);
        SignalsFile.write(out, signals);
        System.err.printf("simulate-signals: %s, %s, seed %d: %,d windows written to %s in %.1f s%n", scenario,
                cfg.duration(), seed, signals.size(), out, (System.nanoTime() - t0) / 1e9);
        return AuspexCli.EXIT_OK;
    }
}
