package io.auspex.infra.otlp;

import io.auspex.infra.sim.MalformedRecord;
import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The simulator's malformed records as OTLP messages, each wrong in the same way as its Avro form,
 * so the dead-letter count of a run is the same in both formats: garbage bytes that no protobuf
 * parser reads (the first byte is a tag with the invalid wire type 7), an OTLP batch cut short, a
 * resource without {@code service.name}, a span that ends before it starts, a NaN gauge.
 */
public final class OtlpMalformed {
    private OtlpMalformed() {}

    public static byte[] of(MalformedRecord r) {
        byte[] avro = r.value();
        return switch (r.kind()) {
            case GARBAGE_BYTES -> {
                byte[] v = avro.clone();
                v[0] = (byte) (((1 + (v[0] & 0x0F)) << 3) | 0x07);
                yield v;
            }
            case TRUNCATED -> {
                byte[] full = valid(r);
                yield Arrays.copyOf(full, 1 + Math.floorMod(Arrays.hashCode(avro), full.length - 1));
            }
            case EMPTY_SERVICE_NAME, NEGATIVE_DURATION, NAN_VALUE -> reencode(r);
        };
    }

    /** The decodable kinds: the same record, one to a batch. */
    private static byte[] reencode(MalformedRecord r) {
        try {
            return switch (r.stream()) {
                case SPANS -> OtlpEncoder.traces(List.of(new AvroBinary<>(Span.class).decode(r.value())))
                        .toByteArray();
                case METRICS -> OtlpEncoder.metrics(List.of(new AvroBinary<>(MetricPoint.class).decode(r.value())))
                        .toByteArray();
                case LOGS -> OtlpEncoder.logs(List.of(new AvroBinary<>(LogRecord.class).decode(r.value())))
                        .toByteArray();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("malformed record of kind " + r.kind() + " should decode as Avro", e);
        }
    }

    /** A valid one-record batch of the record's stream, to cut short. */
    private static byte[] valid(MalformedRecord r) {
        String service = new String(r.key(), StandardCharsets.UTF_8);
        long t = r.timestampMs();
        return switch (r.stream()) {
            case SPANS -> OtlpEncoder.traces(List.of(Span.newBuilder().setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
                    .setSpanId("00f067aa0ba902b7").setServiceName(service).setName("GET /").setKind(SpanKind.SERVER)
                    .setStartTimeMs(t).setDurationUs(12_000).setStatusCode(StatusCode.UNSET).setHttpStatusCode(200)
                    .setAttributes(Map.of()).build())).toByteArray();
            case METRICS -> OtlpEncoder.metrics(List.of(MetricPoint.newBuilder().setServiceName(service)
                    .setName("process.cpu.utilization").setTimeMs(t).setValue(0.5).setUnit("1")
                    .setAttributes(Map.of()).build())).toByteArray();
            case LOGS -> OtlpEncoder.logs(List.of(LogRecord.newBuilder().setServiceName(service).setTimeMs(t)
                    .setSeverityNumber(9).setSeverityText("INFO").setBody("request served").setAttributes(Map.of())
                    .build())).toByteArray();
        };
    }
}
