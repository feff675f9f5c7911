package io.auspex.infra.sim;

import java.util.Objects;

/**
 * Names of the three input topics.
 *
 * @param spans topic of spans (OTLP TracesData batches or Avro {@code Span} records)
 * @param metrics topic of metrics (OTLP MetricsData batches or Avro {@code MetricPoint} records)
 * @param logs topic of logs (OTLP LogsData batches or Avro {@code LogRecord} records)
 */
public record TelemetryTopics(String spans, String metrics, String logs) {

    /** {@code otlp_spans}, {@code otlp_metrics}, {@code otlp_logs}: the Collector's Kafka exporter defaults. */
    public static final TelemetryTopics DEFAULTS = new TelemetryTopics("otlp_spans", "otlp_metrics", "otlp_logs");
    /** {@code telemetry.spans}, {@code telemetry.metrics}, {@code telemetry.logs}: the Avro input topics. */
    public static final TelemetryTopics AVRO = new TelemetryTopics("telemetry.spans", "telemetry.metrics",
            "telemetry.logs");

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
