package io.auspex.jobs.decode;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The encoding of an input topic (option {@code auspex.input.<signal>.format}). */
public enum InputFormat {
    /** OTLP protobuf batches ({@code TracesData} / {@code MetricsData} / {@code LogsData}), the Collector's default. */
    OTLP_PROTO,
    /** OTLP/JSON batches (hex ids, integer enums), the Collector's {@code otlp_json} encoding. */
    OTLP_JSON,
    /** The project's own Avro records, one per Kafka record (schemas/). */
    AVRO;

    /** The option value: {@code otlp_proto}, {@code otlp_json} or {@code avro}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an option value; the message lists the accepted ones. */
    public static InputFormat parse(String s) {
        for (InputFormat f : values()) {
            if (f.key().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown input format '" + s + "', expected one of "
                + Arrays.stream(values()).map(InputFormat::key).collect(Collectors.joining(", ")));
    }
}
