package io.auspex.infra.replay;

import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.TelemetryTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes recordings ({@link OtlpRecording}) to the input topics as OTLP protobuf, one Kafka record
 * per batch (as the Collector's Kafka exporter does), with event time shifted and optionally paced.
 */
public final class Replayer {
    private static final long NS_PER_MS = 1_000_000L;
    private static final long DAY_NS = Duration.ofDays(1).toNanos();

    /** What a replay did. */
    public record Result(long batches, long spans, long metricBatches, long logBatches, long shiftNs,
            long firstEventMs, long lastEventMs) {}

    /** Where the recording's time goes. */
    public sealed interface TimePlacement {
        /** The recording's first event at {@code epochMs}. */
        record StartAt(long epochMs) implements TimePlacement {}

        /** The recording's last event at {@code epochMs}. */
        record EndAt(long epochMs) implements TimePlacement {}

        /** Every event moved by {@code shift}. */
        record Shift(Duration shift) implements TimePlacement {}
    }

    private final String bootstrapServers;
    private final TelemetryTopics topics;
    private final Map<String, Object> clientProperties;

    public Replayer(String bootstrapServers, TelemetryTopics topics, Map<String, Object> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.clientProperties = clientProperties;
    }

    /** The recording files of {@code paths}: files as given, folders' {@code *.json, *.jsonl, *.gz} files sorted by name. */
    public static List<Path> files(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> {
                        String n = f.getFileName().toString();
                        return Files.isRegularFile(f) && (n.endsWith(".json") || n.endsWith(".jsonl")
                                || n.endsWith(".json.gz") || n.endsWith(".jsonl.gz"));
                    }).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IOException("no such recording: " + p);
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no recording files in " + paths);
        }
        return out;
    }

    /** First and last event time (ns) over the files, and the number of batches. */
    public static long[] scan(List<Path> files) throws Exception {
        long[] r = {Long.MAX_VALUE, Long.MIN_VALUE, 0};
        for (Path f : files) {
            OtlpRecording.read(f, (line, b) -> {
                long[] t = OtlpRecording.timeRange(b);
                r[0] = Math.min(r[0], t[0]);
                r[1] = Math.max(r[1], t[1]);
                r[2]++;
            });
        }
        return r;
    }

    /** The shift (ns) that places a recording spanning [firstNs, lastNs]; whole days only when {@code keepTimeOfDay}. */
    public static long shiftNs(TimePlacement placement, long firstNs, long lastNs, boolean keepTimeOfDay) {
        long shift;
        if (placement instanceof TimePlacement.StartAt s) {
            shift = s.epochMs() * NS_PER_MS - firstNs;
        } else if (placement instanceof TimePlacement.EndAt e) {
            shift = e.epochMs() * NS_PER_MS - lastNs;
        } else {
            shift = ((TimePlacement.Shift) placement).shift().toNanos();
        }
        // rounded towards the past, so a recording placed to end now never ends in the future
        return keepTimeOfDay ? Math.floorDiv(shift, DAY_NS) * DAY_NS : shift;
    }

    /**
     * Replays {@code files}: every batch shifted by {@code shiftNs}; with {@code speed > 0} paced so
     * event time runs {@code speed} times as fast as wall time, else as fast as the broker takes it.
     * {@code progress} hears the number of batches sent after each one.
     */
    public Result replay(List<Path> files, long shiftNs, double speed, LongConsumer progress) throws Exception {
        Map<String, Object> overrides = new HashMap<>(clientProperties);
        overrides.put(ProducerConfig.CLIENT_ID_CONFIG, "auspex-replay");
        overrides.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        long[] counts = new long[4];
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        AtomicReference<Exception> failure = new AtomicReference<>();
        long wallStart = System.nanoTime();
        long[] firstEvent = {Long.MIN_VALUE};
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaTelemetryProducer.producerConfig(bootstrapServers, overrides))) {
            for (Path f : files) {
                OtlpRecording.read(f, (line, b) -> {
                    OtlpRecording.Batch shifted = shiftNs == 0 ? b : OtlpRecording.shift(b, shiftNs);
                    long[] t = OtlpRecording.timeRange(shifted);
                    if (t[0] == Long.MAX_VALUE) {
                        return;
                    }
                    range[0] = Math.min(range[0], t[0]);
                    range[1] = Math.max(range[1], t[1]);
                    if (speed > 0) {
                        if (firstEvent[0] == Long.MIN_VALUE) {
                            firstEvent[0] = t[0];
                        }
                        long dueNs = wallStart + (long) ((t[0] - firstEvent[0]) / speed);
                        long wait = dueNs - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                        }
                    }
                    String topic = switch (shifted.signal()) {
                        case TRACES -> topics.spans();
                        case METRICS -> topics.metrics();
                        case LOGS -> topics.logs();
                    };
                    counts[1 + shifted.signal().ordinal()]++;
                    producer.send(new ProducerRecord<>(topic, null, t[1] / NS_PER_MS, null, shifted.protobuf()),
                            (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                    if (failure.get() != null) {
                        throw new IOException("writing to Kafka failed", failure.get());
                    }
                    progress.accept(++counts[0]);
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IOException("writing to Kafka failed", failure.get());
        }
        return new Result(counts[0], counts[1], counts[2], counts[3], shiftNs, range[0] / NS_PER_MS,
                range[1] / NS_PER_MS);
    }
}
