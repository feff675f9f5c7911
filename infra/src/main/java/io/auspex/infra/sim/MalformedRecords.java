package io.auspex.infra.sim;

import io.auspex.schemas.AvroBinary;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes records for the dead-letter path. Record {@code j} of {@code n} has kind
 * {@code MalformedKind.values()[j % 5]}; garbage, truncated and empty-service-name records rotate
 * over the three topics, negative durations go to spans and NaN values to metrics. Timestamps are
 * spread evenly over {@code [startMs, endMs)}: record {@code j} at
 * {@code startMs + (2j + 1) * (endMs - startMs) / (2n)}.
 */
public final class MalformedRecords {

    private static final long SALT = 0x6261647265636F72L;
    private static final MalformedKind[] KINDS = MalformedKind.values();
    private static final TelemetryStream[] STREAMS = TelemetryStream.values();

    private MalformedRecords() {
    }

    /** {@code count} malformed records, deterministic for the seed. */
    public static List<MalformedRecord> generate(long seed, int count, long startMs, long endMs, List<String> services) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        if (services.isEmpty()) {
            throw new IllegalArgumentException("need at least one service name for keys");
        }
        SplittableRandom r = new SplittableRandom(Rand.mix(seed ^ SALT, count));
        AvroBinary<Span> spans = new AvroBinary<>(Span.class);
        AvroBinary<MetricPoint> metrics = new AvroBinary<>(MetricPoint.class);
        AvroBinary<LogRecord> logs = new AvroBinary<>(LogRecord.class);
        List<MalformedRecord> out = new ArrayList<>(count);
        long span = endMs - startMs;
        for (int j = 0; j < count; j++) {
            long t = startMs + (2L * j + 1) * span / (2L * count);
            MalformedKind kind = KINDS[j % KINDS.length];
            TelemetryStream stream = switch (kind) {
                case NEGATIVE_DURATION -> TelemetryStream.SPANS;
                case NAN_VALUE -> TelemetryStream.METRICS;
                default -> STREAMS[(j / KINDS.length) % STREAMS.length];
            };
            String service = services.get(r.nextInt(services.size()));
            byte[] value;
            String keyService = service;
            switch (kind) {
                case GARBAGE_BYTES -> {
                    value = new byte[8 + r.nextInt(57)];
                    for (int i = 1; i < value.length; i++) {
                        value[i] = (byte) r.nextInt(256);
                    }
                    // zig-zag varint 2k+1 (k in 0..63) decodes to the negative length -(k+1)
                    value[0] = (byte) (2 * r.nextInt(64) + 1);
                }
                case TRUNCATED -> {
                    byte[] full = switch (stream) {
                        case SPANS -> spans.encode(validSpan(r, service, t, 1_000 + r.nextInt(50_000)));
                        case METRICS -> metrics.encode(metric(service, t, r.nextDouble()));
                        case LOGS -> logs.encode(log(r, service, t));
                    };
                    value = Arrays.copyOf(full, 1 + r.nextInt(full.length - 1));
                }
                case EMPTY_SERVICE_NAME -> {
                    keyService = "";
                    value = switch (stream) {
                        case SPANS -> spans.encode(validSpan(r, "", t, 1_000 + r.nextInt(50_000)));
                        case METRICS -> metrics.encode(metric("", t, r.nextDouble()));
                        case LOGS -> logs.encode(log(r, "", t));
                    };
                }
                case NEGATIVE_DURATION -> value = spans.encode(validSpan(r, service, t, -(1 + r.nextInt(1_000_000))));
                case NAN_VALUE -> value = metrics.encode(metric(service, t, Double.NaN));
                default -> throw new IllegalStateException("unhandled kind " + kind);
            }
            out.add(new MalformedRecord(stream, kind, t, keyService.getBytes(StandardCharsets.UTF_8), value));
        }
        return out;
    }

    private static Span validSpan(SplittableRandom r, String service, long t, long durationUs) {
        return new Span(Rand.traceId(r), Rand.spanId(r), null, service, "GET /", SpanKind.SERVER, t, durationUs,
                StatusCode.UNSET, 200, Map.of());
    }

    private static MetricPoint metric(String service, long t, double value) {
        return MetricPoint.newBuilder().setServiceName(service).setName("process.cpu.utilization").setTimeMs(t)
                .setValue(value).setUnit("1").setAttributes(Map.of()).build();
    }

    private static LogRecord log(SplittableRandom r, String service, long t) {
        return new LogRecord(service, t, 9, "INFO", "request " + Rand.hex(r, 8) + " served", null, null, Map.of());
    }
}
