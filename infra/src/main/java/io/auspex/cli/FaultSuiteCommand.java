package io.auspex.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.OtlpFileSink;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.SimulationResult;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code auspex fault-suite}: a recording of simulated faults and its cases file, for evaluate-incidents. */
@Command(name = "fault-suite", mixinStandardHelpOptions = true,
        header = "Writes a simulated fault-injection recording and its cases file (for evaluate-incidents).",
        description = {
            "Runs the telemetry simulator over a fault suite: after 30 minutes of normal traffic, one",
            "3-minute fault every 13 minutes, rotating through CPU saturation, network delay in front",
            "of one service (visible only to its callers), code faults that throw (errors and error",
            "logs), code faults that return wrong results (error logs only, spans say success) and a",
            "5x latency increase, over every service of the topology (45 faults cover every pair).",
            "--suite mixed: the 60-fault suite on the 25-service booking system (per-minute gauges,",
            "background errors, half the services without span status, quiet and busy services), adding",
            "memory pressure, slow shared databases and double faults (docs/simulator.md).",
            "Writes OUT/recording.jsonl.gz (OTLP/JSON lines, as 'auspex record' does) and",
            "OUT/cases.json (docs/evaluation.md)."})
public final class FaultSuiteCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Folder to write recording.jsonl.gz and cases.json into.")
    Path out;

    /** The suites this command writes. */
    enum SuiteName { classic, mixed }

    @Option(names = "--suite", defaultValue = "classic", description = "classic (9-service shop, five kinds) or mixed "
            + "(25-service booking system, seven kinds and double faults; default: ${DEFAULT-VALUE}).")
    SuiteName suite;

    @Option(names = "--faults", description = "Number of faults (default: 20 for classic, 60 for mixed).")
    Integer faults;

    @Option(names = "--normal", description = "Normal traffic only, of this length (ISO-8601, e.g. PT48H), and an empty "
            + "cases file: evaluate-incidents then counts false alerts.")
    Duration normal;

    @Option(names = "--seed", defaultValue = "11", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-span-status", description = "Spans carry no error status (only HTTP codes and logs), as much real telemetry.")
    boolean noSpanStatus;

    @Option(names = "--no-status-codes", description = "Spans carry no HTTP status code either: with --no-span-status a "
            + "failed request shows only in error logs, as in traces converted from some tracers.")
    boolean noStatusCodes;

    @Option(names = "--no-error-logs", description = "A request that fails in the service itself logs nothing there: "
            + "only its callers' lines about the failed call show a code fault that throws.")
    boolean noErrorLogs;

    @Option(names = "--rate", description = "Entry requests per second (default: 20 for classic, about 30-200 requests per 10 s window, 12 for mixed; "
            + "0.5 makes every classic service quiet, 1-5 per window).")
    Double rate;

    @Option(names = "--start", description = "Event time of the first record (ISO-8601; default the simulator's, 2026-01-05T00:00:00Z).")
    Instant start;

    @Override
    public Integer call() throws Exception {
        long startMs = start != null ? start.toEpochMilli() : SimulatorConfig.DEFAULT_START_MS;
        if (faults != null && faults < 1) {
            System.err.println("error: --faults must be >= 1, was " + faults);
            return AuspexCli.EXIT_BAD_INPUT;
        }
        List<Scenarios.SuiteFault> labelled;
        SimulatorConfig cfg;
        if (normal != null) {
            if (normal.isNegative() || normal.isZero() || normal.toMillis() % 1000 != 0 || faults != null) {
                System.err.println("error: --normal takes a positive whole number of seconds and no --faults, was "
                        + normal);
                return AuspexCli.EXIT_BAD_INPUT;
            }
            cfg = suite == SuiteName.mixed ? Scenarios.mixedNormal(seed, startMs, normal, !noSpanStatus)
                    : Scenarios.normal(seed, startMs, normal).toBuilder().spanStatus(!noSpanStatus).build();
            labelled = List.of();
        } else if (suite == SuiteName.mixed) {
            Scenarios.Suite s = Scenarios.mixedSuite(seed, startMs, faults != null ? faults : 60, !noSpanStatus);
            cfg = s.config();
            labelled = s.faults();
        } else {
            cfg = Scenarios.faultSuite(seed, startMs, faults != null ? faults : 20, !noSpanStatus);
            labelled = cfg.incidents().stream().map(i -> new Scenarios.SuiteFault(i, kindName(i), kindName(i))).toList();
        }
        if (noStatusCodes || noErrorLogs) {
            cfg = cfg.toBuilder().statusCodes(!noStatusCodes).ownErrorLogs(!noErrorLogs).build();
        }
        if (rate != null) {
            if (!(rate > 0)) {
                System.err.println("error: --rate must be > 0, was " + rate);
                return AuspexCli.EXIT_BAD_INPUT;
            }
            cfg = cfg.toBuilder().baseRequestRate(rate).build();
        }
        Files.createDirectories(out);
        Path recording = out.resolve("recording.jsonl.gz");
        SimulationResult r;
        long batches;
        try (OtlpFileSink sink = new OtlpFileSink(recording)) {
            r = new TelemetrySimulator(cfg).run(sink);
            batches = sink.batches();
        }
        ObjectMapper json = new ObjectMapper();
        ArrayNode cases = json.createArrayNode();
        int i = 0;
        for (Scenarios.SuiteFault f : labelled) {
            Incident inc = f.incident();
            ObjectNode c = cases.addObject();
            c.put("id", String.format(Locale.ROOT, "f%02d", ++i));
            c.put("service", inc.service());
            c.put("kind", f.kind());
            c.put("fault", f.fault());
            c.put("start", Instant.ofEpochMilli(inc.startMs()).toString());
            c.put("end", Instant.ofEpochMilli(inc.endMs()).toString());
            c.put("magnitude", inc.magnitude());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("cases.json").toFile(), cases);
        System.out.printf("fault-suite: %d faults over %s of event time; %,d spans, %,d metric points, %,d logs in "
                + "%,d batches -> %s, %s%n", labelled.size(), cfg.duration(), r.spans(), r.metrics(), r.logs(), batches,
                recording, out.resolve("cases.json"));
        return AuspexCli.EXIT_OK;
    }

    /** The case kind of an incident: cpu, network-delay, error, silent, latency, memory. */
    static String kindName(Incident inc) {
        return switch (inc.kind()) {
            case SATURATION -> "cpu";
            case NETWORK_DELAY -> "network-delay";
            case ERROR_BURST -> "error";
            case SILENT_FAULT -> "silent";
            case LATENCY -> "latency";
            case MEMORY_PRESSURE -> "memory";
        };
    }
}
