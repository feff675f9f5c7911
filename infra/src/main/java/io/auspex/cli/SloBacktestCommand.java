package io.auspex.cli;

import io.auspex.jobs.slo.SloConfigException;
import io.auspex.jobs.slo.SloDefinition;
import io.auspex.jobs.slo.SloEngine;
import io.auspex.jobs.slo.SloEvaluator;
import io.auspex.jobs.slo.SloInstanceState;
import io.auspex.jobs.slo.SloOutput;
import io.auspex.jobs.slo.SignalsCsv;
import io.auspex.jobs.slo.SloSet;
import io.auspex.jobs.slo.ServiceSloEngine;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.FirstOfEachId;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Severity;
import io.auspex.schemas.SloStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code auspex slo-backtest}: replays recorded per-window counts through the same SLO engine
 * the job runs and prints every alert transition, then a summary. See docs/slo-reference.md.
 */
@Command(
        name = "slo-backtest",
        header = "Replays recorded counts through the SLO engine and prints its alerts.",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1,
        exitCodeOnExecutionException = 2,
        description = {
            "Replay per-window counts through the SLO engine and print every alert transition as",
            "  <event time>,<slo>,<severity>,<burn_tier>,<firing|resolved>,<long-window burn rate>",
            "then a summary: error budget left per SLO, pages and tickets.",
            "Exit codes: 0 ok, 1 bad input, 2 failure."
        })
public final class SloBacktestCommand implements Callable<Integer> {

    @Option(names = "--slo", required = true, paramLabel = "FILE", description = "SLO file (YAML).")
    Path sloFile;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--input", paramLabel = "FILE.csv",
                description = "CSV: window_end,service,total,bad_availability[,bad_latency_<ms>...], rows in time order.")
        Path csv;

        @Option(names = "--signals", paramLabel = "FILE.avro",
                description = "Avro data file of ServiceSignals (a dump of the signals topic), in time order; "
                        + "a window (service and window end) there twice counts once.")
        Path avro;
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SloSet slos;
        try {
            slos = SloSet.load(sloFile);
        } catch (SloConfigException e) {
            err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        }
        List<ServiceSignals> signals;
        try {
            signals = input.csv != null ? readCsv(input.csv, slos) : readAvro(input.avro);
        } catch (SignalsCsv.BadInput e) {
            err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        }
        if (input.csv != null) {
            for (SloDefinition d : slos.slos()) {
                if (d.grouped()) {
                    err.println("note: SLO '" + d.name() + "' groups by operation; the CSV has no per-operation counts, use --signals");
                }
            }
        }
        Transitions t = new Transitions(out);
        SloEngine engine = new SloEngine(slos);
        for (ServiceSignals s : signals) {
            engine.process(s, t);
        }
        out.println("summary:");
        for (SloDefinition d : slos.slos()) {
            Map<String, SloInstanceState> states = engine.instances(d.service());
            boolean any = false;
            for (Map.Entry<String, SloInstanceState> e : states.entrySet()) {
                if (!ServiceSloEngine.sloOf(e.getKey()).equals(d.name())) {
                    continue;
                }
                any = true;
                String instance = ServiceSloEngine.instanceOf(e.getKey());
                String name = label(d.name(), instance);
                SloStatus st = SloEvaluator.status(d, instance, e.getValue(), e.getValue().lastEvalMs());
                out.println(String.format(Locale.ROOT, "%s: budget_remaining=%.2f%% pages=%d tickets=%d",
                        name, 100 * st.getErrorBudgetRemaining(), t.count(name, Severity.PAGE), t.count(name, Severity.TICKET)));
            }
            if (!any) {
                out.println(d.name() + ": no data");
            }
        }
        out.println("total: pages=" + t.pages + " tickets=" + t.tickets);
        out.flush();
        return AuspexCli.EXIT_OK;
    }

    private static String label(String slo, String instance) {
        return instance.isEmpty() ? slo : slo + "[" + instance + "]";
    }

    private static List<ServiceSignals> readCsv(Path file, SloSet slos) throws SignalsCsv.BadInput {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SignalsCsv.BadInput(file + ": cannot read: " + e);
        }
        return SignalsCsv.parse(lines, file.toString(), slos.latencyThresholdsMs());
    }

    private static List<ServiceSignals> readAvro(Path file) throws SignalsCsv.BadInput {
        List<ServiceSignals> out = new ArrayList<>();
        // a dump of an at-least-once topic: a window that is there twice counts once
        FirstOfEachId<ServiceSignals> distinct = FirstOfEachId.signals(out::add);
        try (DataFileReader<ServiceSignals> r = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ServiceSignals.class))) {
            for (ServiceSignals s : r) {
                distinct.accept(s);
            }
        } catch (IOException | AvroRuntimeException e) {
            throw new SignalsCsv.BadInput(file + ": not a readable Avro data file of ServiceSignals: " + e.getMessage());
        }
        return out;
    }

    /** Prints transitions as they happen and counts firings. */
    private static final class Transitions implements SloOutput {
        private final PrintWriter out;
        private final List<String[]> fired = new ArrayList<>();
        int pages;
        int tickets;

        Transitions(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void alert(Alert a) {
            String tier = a.getLabels().get("burn_tier");
            String longWindow = a.getLabels().get("long_window");
            String name = label(a.getSlo(), a.getLabels().getOrDefault("operation", ""));
            out.println(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%.2f", Instant.ofEpochMilli(a.getEventTimeMs()), name,
                    a.getSeverity() == Severity.PAGE ? "page" : "ticket", tier,
                    a.getStatus() == AlertStatus.FIRING ? "firing" : "resolved", a.getBurnRates().get(longWindow)));
            if (a.getStatus() == AlertStatus.FIRING) {
                fired.add(new String[] {name, a.getSeverity().name()});
                if (a.getSeverity() == Severity.PAGE) {
                    pages++;
                } else {
                    tickets++;
                }
            }
        }

        int count(String name, Severity severity) {
            int n = 0;
            for (String[] f : fired) {
                if (f[0].equals(name) && f[1].equals(severity.name())) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public void status(SloStatus status) {}
    }
}
