package io.auspex.cli;

import io.auspex.infra.eval.IncidentCase;
import io.auspex.infra.eval.IncidentEvaluator;
import io.auspex.infra.eval.IncidentScore;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.schemas.RootCauseHint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code auspex evaluate-incidents}: a labelled recording through the whole pipeline, scored. */
@Command(name = "evaluate-incidents", mixinStandardHelpOptions = true,
        header = "Replays a labelled recording through the whole pipeline and scores detection and root cause (AC@k).",
        description = {
            "Replays OTLP/JSON-lines recordings (the format of 'auspex record' and the Collector's file",
            "exporter) through the whole pipeline on the embedded runtime (in-JVM Kafka, Flink",
            "MiniCluster), then scores its alerts against the cases file (docs/evaluation.md): per case",
            "the first alert, its root-cause hints and the injected service's rank; per fault kind the",
            "detected count, AC@1, AC@3, Avg@5 and median time to detect; false alerts per hour outside",
            "the cases. The last line is machine-readable:",
            "EVAL cases=N detected=N ac1=F ac3=F avg5=F median_ttd_s=N false_alerts=N false_per_hour=F",
            "Exit 0 when the pipeline ran, 1 for bad input, 2 when the pipeline failed."})
public final class EvaluateIncidentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--telemetry", required = true, arity = "1..*", paramLabel = "PATH",
            description = "Recording files or folders (OTLP/JSON lines, .gz allowed).")
    List<Path> telemetry;

    @Option(names = "--cases", required = true, description = "The labelled cases (JSON; docs/evaluation.md).")
    Path cases;

    @Option(names = "--slo", description = "SLO file for the run (default: the bundled demo SLOs; services without an SLO still get anomaly alerts).")
    Path slo;

    @Option(names = "--grace", defaultValue = "PT5M", description = "How long after a case's end an alert still belongs to it (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A pipeline option for the run (repeatable), e.g. auspex.anomaly.alert-windows=3.")
    List<String> settings = List.of();

    @Option(names = "--work-dir", description = "Checkpoints and logs (default: a temp dir).")
    Path workDir;

    @Option(names = "--alerts-out", paramLabel = "FILE",
            description = "Also write every alert of the run (its own clock), one Avro JSON object per line, with its root-cause hints and their reasons.")
    Path alertsOut;

    @Override
    public Integer call() throws Exception {
        List<IncidentCase> labelled;
        try {
            labelled = IncidentCase.read(cases);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        }
        Map<String, String> overrides = PipelineSettings.parse(settings, spec.commandLine());
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("auspex-eval-");
        Path sloFile = slo != null ? slo : LocalPipeline.defaultSloFile(dir);
        IncidentEvaluator.Run run;
        try {
            run = IncidentEvaluator.run(telemetry, sloFile, dir, overrides, System.err);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        } catch (Exception e) {
            System.err.println("error: the pipeline failed: " + e);
            return AuspexCli.EXIT_FAILURE;
        }
        if (alertsOut != null) {
            try (java.io.BufferedWriter w = Files.newBufferedWriter(alertsOut)) {
                for (io.auspex.schemas.Alert a : run.alerts()) {
                    w.write(a.toString());
                    w.newLine();
                }
            }
        }
        IncidentScore score = IncidentScore.of(labelled, run.alerts(), run.firstEventMs(), run.lastEventMs(),
                grace.toMillis());
        print(score, run, System.out);
        return AuspexCli.EXIT_OK;
    }

    public static void print(IncidentScore score, IncidentEvaluator.Run run, PrintStream out) {
        for (IncidentScore.CaseResult r : score.results()) {
            IncidentCase c = r.incident();
            if (!r.detected()) {
                out.printf("case %-8s %-10s %-24s MISSED%n", c.id(), c.kind(), c.service());
                continue;
            }
            String hints = r.firstAlert().getRootCauses().stream().limit(5).map(RootCauseHint::getService)
                    .collect(Collectors.joining(", "));
            out.printf("case %-8s %-10s %-24s detected after %ds by %s on %s; hints: %s; rank %s%n", c.id(), c.kind(),
                    c.service(), r.timeToDetectMs() / 1000, r.firstAlert().getRule(), r.firstAlert().getService(),
                    hints.isEmpty() ? "-" : hints, r.rank() == 0 ? "-" : Integer.toString(r.rank()));
        }
        out.printf("%n%-12s %6s %9s %6s %6s %6s %13s%n", "kind", "cases", "detected", "AC@1", "AC@3", "Avg@5",
                "median_ttd_s");
        for (Map.Entry<String, IncidentScore.Summary> e : score.byKind().entrySet()) {
            row(out, e.getKey(), e.getValue());
        }
        IncidentScore.Summary all = score.summary();
        row(out, "all", all);
        out.printf("false alerts: %d in %.2f h outside the cases (%.2f per hour); dead letters: %d; wall %d s%n",
                score.falseAlerts().size(), score.hoursOutsideCases(), score.falseAlertsPerHour(), run.deadLetters(),
                run.wallMs() / 1000);
        out.printf(Locale.ROOT, "EVAL cases=%d detected=%d ac1=%.3f ac3=%.3f avg5=%.3f median_ttd_s=%d false_alerts=%d "
                + "false_per_hour=%.3f%n", all.cases(), all.detected(), all.ac1(), all.ac3(), all.avg5(),
                all.medianTtdMs() < 0 ? -1 : all.medianTtdMs() / 1000, score.falseAlerts().size(),
                score.falseAlertsPerHour());
    }

    private static void row(PrintStream out, String kind, IncidentScore.Summary s) {
        out.printf(Locale.ROOT, "%-12s %6d %9d %6.3f %6.3f %6.3f %13d%n", kind, s.cases(), s.detected(), s.ac1(),
                s.ac3(), s.avg5(), s.medianTtdMs() < 0 ? -1 : s.medianTtdMs() / 1000);
    }
}
