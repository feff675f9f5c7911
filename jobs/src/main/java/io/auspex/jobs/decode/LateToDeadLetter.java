package io.auspex.jobs.decode;

import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * A record that arrived after its window closed is not dropped: it goes to the dead-letter topic
 * with reason {@code late}, re-encoded in the wire format, with its origin.
 */
public final class LateToDeadLetter extends RichMapFunction<Telemetry, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private transient AvroBinary<Span> spans;
    private transient AvroBinary<MetricPoint> metrics;
    private transient AvroBinary<LogRecord> logs;
    private transient Counter late;

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().addGroup("auspex").addGroup("deadLetters").counter("late");
        spans = new AvroBinary<>(Span.class);
        metrics = new AvroBinary<>(MetricPoint.class);
        logs = new AvroBinary<>(LogRecord.class);
    }

    @Override
    public DeadLetter map(Telemetry t) {
        late.inc();
        byte[] value = t.span != null ? spans.encode(t.span)
                : t.metric != null ? metrics.encode(t.metric)
                : logs.encode(t.log);
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
