package io.auspex.cli;

import io.auspex.infra.sim.TelemetryTopics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The input topics of commands that read or write them (a picocli mixin), and instant parsing they share. */
public final class InputTopicOptions {
    @Option(names = "--spans-topic", defaultValue = "otlp_spans", description = "Default: ${DEFAULT-VALUE}.")
    String spans;

    @Option(names = "--metrics-topic", defaultValue = "otlp_metrics", description = "Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Option(names = "--logs-topic", defaultValue = "otlp_logs", description = "Default: ${DEFAULT-VALUE}.")
    String logs;

    TelemetryTopics topics() {
        return new TelemetryTopics(spans, metrics, logs);
    }

    /** {@code now} or an ISO-8601 instant, as epoch ms; a usage error naming the option otherwise. */
    static long instant(CommandLine cmd, String option, String value, boolean nowAllowed) {
        if (nowAllowed && value.equals("now")) {
            return System.currentTimeMillis();
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(cmd, option + " must be " + (nowAllowed ? "now or " : "")
                    + "an ISO-8601 instant (2026-12-01T08:00:00Z), was '" + value + "'");
        }
    }
}
