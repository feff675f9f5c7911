package io.auspex.infra.sim;

import io.auspex.infra.otlp.OtlpBatcher;
import io.auspex.infra.replay.OtlpRecording;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the simulator's telemetry straight to a recording ({@link OtlpRecording}: OTLP/JSON
 * lines, gzip when the name ends in {@code .gz}), batched as {@link KafkaTelemetryProducer}
 * batches it, so {@code replay} and {@code evaluate-incidents} read it as they read a capture.
 * Malformed records are left out (they have no OTLP/JSON form).
 */
public final class OtlpFileSink implements TelemetrySink, AutoCloseable {
    private final BufferedWriter out;
    private final OtlpBatcher batcher;
    private long batches;

    public OtlpFileSink(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        OutputStream os = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
        this.out = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        this.batcher = new OtlpBatcher((stream, newestMs, batch) -> {
            try {
                out.write(OtlpRecording.line(batch));
                out.newLine();
                batches++;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the recording " + file, e);
            }
        });
    }

    @Override
    public void span(Span span) {
        batcher.span(span);
    }

    @Override
    public void metric(MetricPoint metric) {
        batcher.metric(metric);
    }

    @Override
    public void log(LogRecord log) {
        batcher.log(log);
    }

    /** Batches written so far. */
    public long batches() {
        return batches;
    }

    @Override
    public void close() throws IOException {
        batcher.flushAll();
        out.close();
    }
}
