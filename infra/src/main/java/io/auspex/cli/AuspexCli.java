package io.auspex.cli;

import io.auspex.jobs.io.KafkaStartupCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command a person types: {@code ./auspex <subcommand>}.
 *
 * <p>Exit codes for every subcommand: 0 ok, 1 usage error or bad input, 2 runtime failure.
 */
@Command(
        name = "auspex",
        mixinStandardHelpOptions = true,
        version = "auspex 0.1.0",
        description = "Streaming telemetry anomaly detection on Apache Flink.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            SimulateSignalsCommand.class,
            ExportSignalsCommand.class,
            ReplayCommand.class,
            RecordCommand.class,
            EvaluateIncidentsCommand.class,
            FaultSuiteCommand.class,
            ScoreSeriesCommand.class,
            NabEvaluateCommand.class,
            TrainCommand.class,
            ModelInfoCommand.class,
            SloBacktestCommand.class,
            BenchCommand.class,
        })
public final class AuspexCli implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_BAD_INPUT = 1;
    public static final int EXIT_FAILURE = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AuspexCli());
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
                ? EXIT_BAD_INPUT : EXIT_FAILURE);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof KafkaStartupCheck.Failure) {
                cmd.getErr().println("error: " + ex.getMessage());
                return EXIT_FAILURE;
            }
            throw ex;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return EXIT_BAD_INPUT;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
