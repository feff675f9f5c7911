package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.slo.SignalsCsv;
import io.auspex.schemas.ServiceSignals;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SloBacktestCommandTest {
    static final String SLOS = "src/test/resources/slo/backtest-slos.yaml";
    static final String CSV = "src/test/resources/slo/backtest-small.csv";

    /**
     * 30 one-minute windows of 100 requests: 60 errors in minutes 10-13, all requests over 300 ms in
     * minutes 20-24. Availability 99 % (budget 1 %), latency 95.5 % (budget 4.5 %), rules 10x over
     * 10m/2m (page) and 2x over 1h/10m (ticket); the 1h window holds the history there is.
     */
    static final String EXPECTED = """
            2026-01-01T00:11:00Z,api-availability,ticket,slow,firing,5.45
            2026-01-01T00:12:00Z,api-availability,page,fast,firing,12.00
            2026-01-01T00:16:00Z,api-availability,page,fast,resolved,24.00
            2026-01-01T00:22:00Z,api-latency,ticket,slow,firing,2.02
            2026-01-01T00:24:00Z,api-availability,ticket,slow,resolved,10.00
            2026-01-01T00:25:00Z,api-latency,page,fast,firing,11.11
            2026-01-01T00:27:00Z,api-latency,page,fast,resolved,11.11
            summary:
            api-availability: budget_remaining=-700.00% pages=1 tickets=1
            api-latency: budget_remaining=-270.37% pages=1 tickets=1
            total: pages=2 tickets=2
            """;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SloBacktestCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void csvBacktestPrintsEveryTransitionAndASummary() {
        Run r = run("--slo", SLOS, "--input", CSV);
        assertEquals("", r.err());
        assertEquals(0, r.code());
        assertEquals(EXPECTED, r.out());
    }

    @Test
    void avroSignalsDumpGivesTheSameResult(@TempDir Path dir) throws Exception {
        List<ServiceSignals> signals = SignalsCsv.parse(Files.readAllLines(Path.of(CSV)), CSV, new java.util.TreeSet<>(List.of(300L)));
        Path avro = dir.resolve("signals.avro");
        try (DataFileWriter<ServiceSignals> w = new DataFileWriter<>(new SpecificDatumWriter<>(ServiceSignals.class))) {
            w.create(ServiceSignals.getClassSchema(), avro.toFile());
            for (ServiceSignals s : signals) {
                w.append(s);
            }
        }
        Run r = run("--slo", SLOS, "--signals", avro.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(EXPECTED, r.out());
    }

    /** A dump of the at-least-once topic with every window twice (first all, then all again) backtests as the clean one. */
    @Test
    void duplicatedWindowsInTheDumpCountOnce(@TempDir Path dir) throws Exception {
        List<ServiceSignals> signals = SignalsCsv.parse(Files.readAllLines(Path.of(CSV)), CSV, new java.util.TreeSet<>(List.of(300L)));
        Path avro = dir.resolve("signals.avro");
        try (DataFileWriter<ServiceSignals> w = new DataFileWriter<>(new SpecificDatumWriter<>(ServiceSignals.class))) {
            w.create(ServiceSignals.getClassSchema(), avro.toFile());
            for (int i = 0; i < signals.size(); i++) {
                w.append(signals.get(i));
                if (i % 3 == 2) {
                    // a restore writes the windows since the last checkpoint again
                    w.append(signals.get(i - 2));
                    w.append(signals.get(i - 1));
                    w.append(signals.get(i));
                }
            }
        }
        Run r = run("--slo", SLOS, "--signals", avro.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(EXPECTED, r.out());
    }

    @Test
    void badInputExitsWithOneAndSaysWhy(@TempDir Path dir) throws Exception {
        Path noLatency = dir.resolve("a.csv");
        Files.writeString(noLatency, "window_end,service,total,bad_availability\n2026-01-01T00:01:00Z,api,1,0\n");
        Run r = run("--slo", SLOS, "--input", noLatency.toString());
        assertEquals(1, r.code());
        assertEquals("error: " + noLatency + ": line 1: missing column bad_latency_300 (a latency SLO of the SLO file uses threshold_ms 300)\n",
                r.err());

        Path badRow = dir.resolve("b.csv");
        Files.writeString(badRow, "window_end,service,total,bad_availability,bad_latency_300\n"
                + "2026-01-01T00:01:00Z,api,10,0,0\n2026-01-01T00:00:30Z,api,10,0,0\n");
        r = run("--slo", SLOS, "--input", badRow.toString());
        assertEquals(1, r.code());
        assertEquals("error: " + badRow + ": line 3: rows must be in time order (2026-01-01T00:00:30Z is before the row above)\n", r.err());

        Files.writeString(badRow, "window_end,service,total,bad_availability,bad_latency_300\n2026-01-01T00:01:00Z,api,10,11,0\n");
        r = run("--slo", SLOS, "--input", badRow.toString());
        assertEquals("error: " + badRow + ": line 2: bad_availability 11 is more than total 10\n", r.err());

        Path badSlo = dir.resolve("slos.yaml");
        Files.writeString(badSlo, "slos:\n  - name: x\n    service: api\n    objective: 101\n    sli: {type: availability}\n");
        r = run("--slo", badSlo.toString(), "--input", CSV);
        assertEquals(1, r.code());
        assertEquals("error: " + badSlo + ": SLO 'x': field 'objective': must be > 0 and < 100 (percent), got 101\n", r.err());

        Path notAvro = dir.resolve("x.avro");
        Files.writeString(notAvro, "not avro", StandardCharsets.UTF_8);
        r = run("--slo", SLOS, "--signals", notAvro.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: " + notAvro + ": not a readable Avro data file of ServiceSignals"), r.err());

        r = run("--slo", SLOS, "--input", dir.resolve("missing.csv").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: " + dir.resolve("missing.csv") + ": cannot read"), r.err());

        r = run("--slo", SLOS);
        assertEquals(1, r.code(), "usage error: one of --input and --signals is required");
        r = run("--slo", SLOS, "--input", CSV, "--signals", CSV);
        assertEquals(1, r.code(), "usage error: --input and --signals exclude each other");
    }
}
