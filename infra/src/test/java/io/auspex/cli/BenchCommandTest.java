package io.auspex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument checks of {@code auspex bench} (the bench itself: BenchRunnerTest). */
class BenchCommandTest {
    private static CommandRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AuspexCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }

    @Test
    void rejectsNonPositiveRecords() {
        CommandRun r = run("bench", "--records", "0");
        assertEquals(AuspexCli.EXIT_BAD_INPUT, r.exitCode());
        assertTrue(r.err().contains("--records must be >= 1"), r.err());
    }

    @Test
    void rejectsABadRequestRate() {
        assertEquals(AuspexCli.EXIT_BAD_INPUT, run("bench", "--request-rate", "-1").exitCode());
    }

    @Test
    void rejectsAnUnknownJob() {
        CommandRun r = run("bench", "--jobs", "pipeline,flinksql");
        assertEquals(AuspexCli.EXIT_BAD_INPUT, r.exitCode());
        assertTrue(r.err().contains("--jobs takes pipeline, sql and bare"), r.err());
    }

    @Test
    void isASubcommandWithHelp() {
        CommandRun r = run("bench", "--help");
        assertEquals(AuspexCli.EXIT_OK, r.exitCode());
        assertTrue(r.out().contains("--services"), r.out());
    }
}
