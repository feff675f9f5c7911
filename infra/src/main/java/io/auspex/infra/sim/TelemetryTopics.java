package io.auspex.infra.sim;

import java.util.Objects;

/**
 * Names of the three input topics.
 *
 * @param spans topic of Avro {@code Span} records
 * @param metrics topic of Avro {@code MetricPoint} records
 * @param logs topic of Avro {@code LogRecord} records
 */
public record TelemetryTopics(String spans, String metrics, String logs) {

    /** {@code telemetry.spans}, {@code telemetry.metrics}, {@code telemetry.logs}. */
    public static final TelemetryTopics DEFAULTS =
            new TelemetryTopics("telemetry.spans", "telemetry.metrics", "telemetry.logs");

    public TelemetryTopics {
        Objects.requireNonNull(spans, "spans");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(logs, "logs");
    }

    /** The topic a stream goes to. */
    public String topicFor(TelemetryStream stream) {
        return switch (stream) {
            case SPANS -> spans;
            case METRICS -> metrics;
            case LOGS -> logs;
        };
    }

    /** The three names, for creating the topics. */
    public String[] all() {
        return new String[] {spans, metrics, logs};
    }
}
