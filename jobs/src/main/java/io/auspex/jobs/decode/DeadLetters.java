package io.auspex.jobs.decode;

import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.nio.charset.StandardCharsets;

/**
 * Dead letters of records that were decoded and then refused or failed further on (late, over the
 * service limit, or an operator threw on them): the record re-encoded in the Avro wire format,
 * with its origin, bounded like every dead letter ({@link TelemetryDecoder#dead}). One per
 * operator instance; keeps only its codecs.
 */
public final class DeadLetters implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private transient AvroBinary<Span> spans;
    private transient AvroBinary<MetricPoint> metrics;
    private transient AvroBinary<LogRecord> logs;

    /** The dead letter of {@code t}; a record that does not even encode keeps no value and says why in the detail. */
    public DeadLetter of(Telemetry t, String reason, String detail) {
        if (t.isDeadLetter()) {
            return t.deadLetter;
        }
        if (spans == null) {
            spans = new AvroBinary<>(Span.class);
            metrics = new AvroBinary<>(MetricPoint.class);
            logs = new AvroBinary<>(LogRecord.class);
        }
        byte[] value;
        try {
            value = t.span != null ? spans.encode(t.span)
                    : t.metric != null ? metrics.encode(t.metric)
                    : t.log != null ? logs.encode(t.log) : null;
        } catch (RuntimeException e) {
            value = null;
            detail = detail + " (the record does not encode: " + e + ")";
        }
        String service;
        try {
            service = t.service();
        } catch (RuntimeException e) {
            service = null;
        }
        return TelemetryDecoder.dead(t.topic == null ? "" : t.topic, t.partition, t.offset, t.eventTimeMs(),
                service == null ? null : service.getBytes(StandardCharsets.UTF_8), value, null, reason, detail)
                .deadLetter;
    }
}
