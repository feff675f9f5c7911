package io.auspex.infra.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.auspex.infra.otlp.OtlpEncoder;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.otlp.OtlpJson;
import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Writes the input topics to a recording ({@link OtlpRecording}): every Kafka record up to the
 * topics' current end (read_committed), in record-timestamp order, optionally within a time range,
 * one OTLP/JSON line per batch. Avro input records are written as one-record OTLP batches.
 * Records that do not decode in the topic's format are skipped and counted (they are the
 * dead-letter topic's business).
 */
public final class Recorder {

    /** What a recording holds. */
    public record Result(long batches, long skipped, long outOfRange) {}

    private final String bootstrapServers;
    private final TelemetryTopics topics;
    private final Map<String, Object> clientProperties;

    public Recorder(String bootstrapServers, TelemetryTopics topics, Map<String, Object> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.clientProperties = clientProperties;
    }

    /**
     * Records into {@code out} ({@code .gz}: gzip) the records with timestamp in
     * [{@code fromMs}, {@code toMs}); {@code progress} hears the number of batches written.
     */
    public Result record(Path out, InputFormat format, long fromMs, long toMs, LongConsumer progress)
            throws IOException {
        long written = 0;
        long skipped = 0;
        long outOfRange = 0;
        AvroBinary<Span> spans = new AvroBinary<>(Span.class);
        AvroBinary<MetricPoint> metrics = new AvroBinary<>(MetricPoint.class);
        AvroBinary<LogRecord> logs = new AvroBinary<>(LogRecord.class);
        try (MergedTopicReader reader = new MergedTopicReader(bootstrapServers,
                List.of(topics.spans(), topics.metrics(), topics.logs()), clientProperties);
                OutputStream raw = Files.newOutputStream(out);
                OutputStream os = out.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
            ConsumerRecord<byte[], byte[]> r;
            while ((r = reader.next()) != null) {
                if (r.timestamp() < fromMs || r.timestamp() >= toMs) {
                    outOfRange++;
                    continue;
                }
                Message batch;
                try {
                    batch = toBatch(r, format, spans, metrics, logs);
                } catch (IOException e) {
                    skipped++;
                    continue;
                }
                w.write(OtlpRecording.line(batch));
                w.newLine();
                progress.accept(++written);
            }
        }
        return new Result(written, skipped, outOfRange);
    }

    private Message toBatch(ConsumerRecord<byte[], byte[]> r, InputFormat format, AvroBinary<Span> spans,
            AvroBinary<MetricPoint> metrics, AvroBinary<LogRecord> logs) throws IOException {
        if (r.value() == null) {
            throw new IOException("tombstone");
        }
        boolean isSpans = r.topic().equals(topics.spans());
        boolean isMetrics = r.topic().equals(topics.metrics());
        try {
            return switch (format) {
                case OTLP_PROTO -> isSpans ? TracesData.parseFrom(r.value())
                        : isMetrics ? MetricsData.parseFrom(r.value()) : LogsData.parseFrom(r.value());
                case OTLP_JSON -> isSpans ? OtlpJson.traces(r.value())
                        : isMetrics ? OtlpJson.metrics(r.value()) : OtlpJson.logs(r.value());
                case AVRO -> isSpans ? OtlpEncoder.traces(List.of(spans.decode(r.value())))
                        : isMetrics ? OtlpEncoder.metrics(List.of(metrics.decode(r.value())))
                        : OtlpEncoder.logs(List.of(logs.decode(r.value())));
            };
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(e);
        }
    }
}
