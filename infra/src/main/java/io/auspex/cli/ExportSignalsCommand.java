package io.auspex.cli;

import io.auspex.infra.runtime.TopicReader;
import io.auspex.models.training.SignalsFile;
import io.auspex.schemas.FirstOfEachId;
import io.auspex.schemas.ServiceSignals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code auspex export-signals}: a dump of the signals topic as an Avro data file. */
@Command(name = "export-signals",
        header = "Dumps the signals topic into an Avro file (for train and slo-backtest).", mixinStandardHelpOptions = true,
        description = {
            "Reads the signals topic (read_committed, from the beginning up to its current end) and writes",
            "the windows whose end lies in [--from, --to) as an Avro data file of ServiceSignals, sorted by",
            "window end then service: the input of 'auspex train --signals' and 'auspex slo-backtest --signals'.",
            "A window written twice (the topic is at-least-once) is kept once: the first record of each",
            "service and window end."})
public final class ExportSignalsCommand implements Callable<Integer> {
    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--topic", defaultValue = "telemetry.signals", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--out", required = true, description = "Output Avro file.")
    Path out;

    @Option(names = "--from", description = "Earliest window end, ISO-8601 UTC (default: no limit).")
    String from;

    @Option(names = "--to", description = "Window ends before this, ISO-8601 UTC (default: no limit).")
    String to;

    @Override
    public Integer call() throws Exception {
        long fromMs;
        long toMs;
        try {
            fromMs = from == null ? Long.MIN_VALUE : Instant.parse(from).toEpochMilli();
            toMs = to == null ? Long.MAX_VALUE : Instant.parse(to).toEpochMilli();
        } catch (DateTimeParseException e) {
            System.err.println("error: --from/--to must be ISO-8601 instants like 2026-11-24T00:00:00Z: "
                    + e.getParsedString());
            return AuspexCli.EXIT_BAD_INPUT;
        }
        Map<String, Object> clientProperties = kafka.checkedClientProperties();
        List<ServiceSignals> kept = new ArrayList<>();
        long read;
        // the topic is at-least-once: a window written again after a restore is kept once
        FirstOfEachId<ServiceSignals> distinct = FirstOfEachId.signals(kept::add);
        try (TopicReader<ServiceSignals> reader = new TopicReader<>(kafka.bootstrapServers, clientProperties, topic,
                ServiceSignals.class)) {
            read = reader.readToEnd(Duration.ofMillis(500), s -> {
                if (s.getWindowEndMs() >= fromMs && s.getWindowEndMs() < toMs) {
                    distinct.accept(s);
                }
            });
        }
        kept.sort(Comparator.comparingLong(ServiceSignals::getWindowEndMs)
                .thenComparing(ServiceSignals::getServiceName));
        SignalsFile.write(out, kept);
        System.err.printf("export-signals: read %,d records from %s, wrote %,d windows to %s (%,d duplicates left out)%n",
                read, topic, kept.size(), out, distinct.duplicates());
        return AuspexCli.EXIT_OK;
    }
}
