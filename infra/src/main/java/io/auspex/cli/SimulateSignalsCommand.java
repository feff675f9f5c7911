package io.auspex.cli;

import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.training.SimulatedSignals;
import io.auspex.models.training.SignalsFile;
import io.auspex.schemas.ServiceSignals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code auspex simulate-signals}: normal simulator traffic as a signals file (training data). */
@Command(name = "simulate-signals", mixinStandardHelpOptions = true,
        description = {
            "Simulates normal traffic (no incidents) and writes its golden signals, computed with the",
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

    @Option(names = "--window-seconds", defaultValue = "10",
            description = "Window length, as the job's auspex.signals.window (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Override
    public Integer call() throws Exception {
        if (hours < 1 || windowSeconds < 1) {
            System.err.println("error: --hours and --window-seconds must be >= 1");
            return AuspexCli.EXIT_BAD_INPUT;
        }
        SimulatorConfig cfg = Scenarios.normal(seed, DEFAULT_START_MS, Duration.ofHours(hours));
        long t0 = System.nanoTime();
        List<ServiceSignals> signals = SimulatedSignals.of(cfg, windowSeconds * 1000L);
        SignalsFile.write(out, signals);
        System.err.printf("simulate-signals: %d h, seed %d: %,d windows written to %s in %.1f s%n", hours, seed,
                signals.size(), out, (System.nanoTime() - t0) / 1e9);
        return AuspexCli.EXIT_OK;
    }
}
