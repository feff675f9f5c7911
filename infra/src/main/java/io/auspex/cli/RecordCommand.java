package io.auspex.cli;

import io.auspex.infra.replay.Recorder;
import io.auspex.jobs.decode.InputFormat;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code auspex record}: the input topics into an OTLP/JSON-lines recording. */
@Command(name = "record", mixinStandardHelpOptions = true,
        header = "Records the input topics into an OTLP/JSON-lines file that 'auspex replay' reads.",
        description = {
            "Reads the spans, metrics and logs topics from the beginning up to their current end",
            "(read_committed), in record-timestamp order, and writes one OTLP/JSON batch per line (the",
            "Collector file exporter's format; --out ending in .gz is gzip-compressed). --from/--to keep",
            "the records whose Kafka timestamp is in [from, to). Records that do not decode in --format",
            "are skipped and counted."})
public final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--out", required = true, description = "The recording file to write (.gz: compressed).")
    Path out;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Earliest record timestamp kept (ISO-8601).")
    String from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Records at or after this timestamp are left out (ISO-8601).")
    String to;

    @Option(names = "--format", defaultValue = "otlp_proto", description = "Encoding of the topics: otlp_proto, otlp_json or avro (default: ${DEFAULT-VALUE}).")
    String format;

    @Mixin
    InputTopicOptions inputs;

    @Override
    public Integer call() throws Exception {
        InputFormat f;
        try {
            f = InputFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: " + e.getMessage());
        }
        CommandLine cmd = spec.commandLine();
        long fromMs = from == null ? Long.MIN_VALUE : InputTopicOptions.instant(cmd, "--from", from, false);
        long toMs = to == null ? Long.MAX_VALUE : InputTopicOptions.instant(cmd, "--to", to, false);
        Recorder recorder = new Recorder(kafka.bootstrapServers, inputs.topics(), kafka.checkedClientProperties());
        Recorder.Result r;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("record").setStyle(ProgressBarStyle.ASCII)
                .setUnit(" batches", 1).continuousUpdate().build()) {
            r = recorder.record(out, f, fromMs, toMs, bar::stepTo);
        }
        System.out.printf("RECORD batches=%d skipped_undecodable=%d outside_range=%d out=%s%n", r.batches(),
                r.skipped(), r.outOfRange(), out);
        return AuspexCli.EXIT_OK;
    }

}
