package io.auspex.jobs.decode;

import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import io.auspex.jobs.io.AvroKeyedSerializer;

/**
 * A record that arrived after its window closed is not dropped: it goes to the dead-letter topic
 * with reason {@code late}, re-encoded in the wire format, with its origin.
 */
public final class LateToDeadLetter extends RichMapFunction<Telemetry, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private transient SpecificDatumWriter<Span> spans;
    private transient SpecificDatumWriter<MetricPoint> metrics;
    private transient SpecificDatumWriter<LogRecord> logs;
    private transient Counter late;

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().addGroup("auspex").addGroup("deadLetters").counter("late");
    }

    @Override
    public DeadLetter map(Telemetry t) {
        if (spans == null) {
            spans = new SpecificDatumWriter<>(Span.class);
            metrics = new SpecificDatumWriter<>(MetricPoint.class);
            logs = new SpecificDatumWriter<>(LogRecord.class);
        }
        late.inc();
        byte[] value = t.span != null ? AvroKeyedSerializer.encode(spans, t.span)
                : t.metric != null ? AvroKeyedSerializer.encode(metrics, t.metric)
                : AvroKeyedSerializer.encode(logs, t.log);
        return DeadLetter.newBuilder()
                .setSourceTopic(t.topic == null ? "" : t.topic)
                .setPartition(t.partition)
                .setOffset(t.offset)
                .setTimestampMs(t.eventTimeMs())
                .setKey(ByteBuffer.wrap(t.service().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(value))
                .setReason("late")
                .setDetail("event time " + t.eventTimeMs() + " arrived after its window closed")
                .build();
    }
}
