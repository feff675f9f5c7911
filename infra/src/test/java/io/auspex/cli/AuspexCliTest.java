package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class AuspexCliTest {

    @Test
    void helpListsEverySubcommand() {
        CommandLine cli = AuspexCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        for (String sub : new String[] {"demo", "score-series", "nab-evaluate", "slo-backtest", "simulate-signals", "export-signals",
            "train", "model-info"}) {
            assertTrue(out.toString().contains(sub), sub + " missing from:\n" + out);
        }
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitCode1() {
        CommandLine cli = AuspexCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(AuspexCli.EXIT_BAD_INPUT, cli.execute("demo", "--no-such-option"));
        assertTrue(err.toString().contains("no-such-option"), err.toString());
        assertEquals(AuspexCli.EXIT_BAD_INPUT, cli.execute("simulate-signals", "--out", "x.avro", "--hours", "0"));
    }
}
