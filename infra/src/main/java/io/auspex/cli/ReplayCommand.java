package io.auspex.cli;

import io.auspex.infra.replay.Replayer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code auspex replay}: a recording into the input topics as OTLP protobuf. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        header = "Replays OTLP/JSON-lines recordings into the input topics as OTLP protobuf, time-shifted.",
        description = {
            "Reads recordings in the OpenTelemetry Collector file exporter's format (one OTLP/JSON",
            "TracesData, MetricsData or LogsData object per line; .gz files are decompressed), as",
            "'auspex record' writes them, and writes each batch as one OTLP protobuf Kafka record to",
            "the spans, metrics or logs topic. Event time is moved so the recording ends now (default),",
            "starts at --start, ends at --end, or moves by --shift; --keep-time-of-day rounds that move",
            "to whole days. --speed paces the replay by event time (1 = real time); without it the",
            "records go as fast as the broker takes them. Prints the time range written."})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaClientOptions kafka;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Recording files, or folders of *.json, *.jsonl, *.json.gz files.")
    List<Path> paths;

    @Option(names = "--start", paramLabel = "now|INSTANT", description = "Put the recording's first event at this time (now or ISO-8601, e.g. 2026-12-01T08:00:00Z).")
    String start;

    @Option(names = "--end", paramLabel = "now|INSTANT", description = "Put the recording's last event at this time (the default is now).")
    String end;

    @Option(names = "--shift", paramLabel = "DURATION", description = "Move every event by this ISO-8601 duration (e.g. P3D, -PT2H, PT0S for none).")
    Duration shift;

    @Option(names = "--keep-time-of-day", description = "Round the move to whole days (towards the past), so daily shapes stay at their hour.")
    boolean keepTimeOfDay;

    @Option(names = "--speed", defaultValue = "0", description = "Event time per wall time (1 = real time, 60 = an hour a minute); 0 = as fast as possible (default).")
    double speed;

    @Mixin
    InputTopicOptions inputs;

    @Override
    public Integer call() throws Exception {
        int placements = (start != null ? 1 : 0) + (end != null ? 1 : 0) + (shift != null ? 1 : 0);
        if (placements > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give at most one of --start, --end, --shift");
        }
        if (speed < 0 || Double.isNaN(speed)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--speed must be >= 0, was " + speed);
        }
        CommandLine cmd = spec.commandLine();
        Replayer.TimePlacement placement = start != null
                ? new Replayer.TimePlacement.StartAt(InputTopicOptions.instant(cmd, "--start", start, true))
                : shift != null ? new Replayer.TimePlacement.Shift(shift)
                : new Replayer.TimePlacement.EndAt(end != null ? InputTopicOptions.instant(cmd, "--end", end, true)
                        : System.currentTimeMillis());
        List<Path> files;
        long[] scan;
        try {
            files = Replayer.files(paths);
            scan = Replayer.scan(files);
        } catch (java.io.IOException e) {
            System.err.println("error: " + e.getMessage());
            return AuspexCli.EXIT_BAD_INPUT;
        }
        if (scan[2] == 0 || scan[0] == Long.MAX_VALUE) {
            System.err.println("error: the recording holds no timestamped record");
            return AuspexCli.EXIT_BAD_INPUT;
        }
        long shiftNs = Replayer.shiftNs(placement, scan[0], scan[1], keepTimeOfDay);
        System.err.printf("replay: %d file(s), %,d batches, event time %s .. %s, moved by %s%n", files.size(), scan[2],
                Instant.ofEpochMilli(scan[0] / 1_000_000L), Instant.ofEpochMilli(scan[1] / 1_000_000L),
                Duration.ofNanos(shiftNs));
        Replayer replayer = new Replayer(kafka.bootstrapServers,
                inputs.topics(), kafka.checkedClientProperties());
        Replayer.Result r;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("replay").setInitialMax(scan[2])
                .setStyle(ProgressBarStyle.ASCII).setUnit(" batches", 1).continuousUpdate().build()) {
            r = replayer.replay(files, shiftNs, speed, bar::stepTo);
        }
        System.out.printf("REPLAY batches=%d traces=%d metrics=%d logs=%d first=%s last=%s%n", r.batches(), r.spans(),
                r.metricBatches(), r.logBatches(), Instant.ofEpochMilli(r.firstEventMs()),
                Instant.ofEpochMilli(r.lastEventMs()));
        return AuspexCli.EXIT_OK;
    }

}
